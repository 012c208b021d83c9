// `vpclab run`: a drill from start to end - deploy the lab, run its steps (faults, learns, configure,
// expectations with deadlines), follow every event of every switch and path, measure the intervals the
// drill asks for, then destroy the lab and write the report and the timeline (text, NDJSON, SVG, HTML).
//
// Durations in a drill are NX-OS time: the runner multiplies them by the time scale. A deadline
// (`within`) and a bound (`at-most`) then get kSlackMs of real time on top, for process scheduling and
// the 10 ms polling - never less, so a drill means the same at every scale.
#pragma once

#include <string>
#include <vector>

#include "labs/lab/files.h"
#include "vpc/v1/lab.pb.h"

namespace vpc::lab {

constexpr double kSlackMs = 250;

struct RunOptions {
  double time_scale = 0;            // 0: the drill's (else the topology's, else 1)
  std::string out_dir = "vpclab-out";
  bool keep = false;                // leave the lab deployed (single drill)
  bool json = false;                // print the report(s) as JSON
  bool quiet = false;               // only the result lines
  // The run's name: its lab is NAME (NAME-DRILL for several drills) so runs side by side do not meet,
  // and its outputs go to OUT/DRILL/runs/NAME/ (default: a time stamp); OUT/DRILL/ keeps links to the
  // latest run's files, and OUT/index.html lists the catalog's drills with their last result.
  std::string name;
  bool several = false;             // set by runDrills: more than one drill in this run
  // Step and predict: pause before each fault (and each step with an `ask:`), show its question, run
  // it on Enter (a line on stdin), and reveal what the switches did before the next pause.
  bool step = false;
  // With `step`: wait for the live page's Next (`vpclab serve`) only, not for Enter (a run the page
  // started has no terminal).
  bool step_from_page = false;
  // Run the drills on this topology instead of the one each names (the same switch names): the same
  // drill on a pair placed in namespaces, say.
  std::string topology;
};

// Runs drill files and folders of them (*.yml, in name order). Returns the exit code: 0 when every
// drill passed, 1 when one failed, 2 when a file is bad.
int runDrills(const std::vector<std::string>& paths, const RunOptions& options);

v1::DrillReport runDrill(const LoadedDrill& drill, const RunOptions& options, std::string* text_report);

}  // namespace vpc::lab
