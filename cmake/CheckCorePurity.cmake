# Fails when a file under a core/ folder reaches for I/O, clocks, threads, logging, system calls or
# generated code. <chrono>'s types are fine (peerlink/core/time.h); reading its clocks is not.
# Usage: cmake -DROOT=<folder> -P CheckCorePurity.cmake
file(GLOB_RECURSE core_files "${ROOT}/*/core/*.h" "${ROOT}/*/core/*.cc" "${ROOT}/core/*.h" "${ROOT}/core/*.cc")
set(bad "")
foreach(f IN LISTS core_files)
  file(STRINGS "${f}" lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n}+1")
    if(line MATCHES "#include *[<\"](boost/|grpc|google/protobuf|spdlog|fmt/|thread>|mutex>|random>|atomic>|future>|condition_variable>|fstream>|iostream>|filesystem>|ctime>|csignal>)"
       OR line MATCHES "#include *<(sys/|unistd\\.h|fcntl\\.h|pthread\\.h|netinet/|arpa/|signal\\.h|time\\.h)"
       OR line MATCHES "::now\\(" OR line MATCHES "[^a-z_]time\\(NULL\\)"
       OR line MATCHES "(^|[^a-zA-Z_])(madvise|mmap|munmap|getpid|syscall|getenv|setpriority) *\\(")
      string(APPEND bad "${f}:${n}: ${line}\n")
    endif()
  endforeach()
endforeach()
list(LENGTH core_files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no core files found under ${ROOT}")
endif()
if(bad)
  message(FATAL_ERROR "core purity violated (core/ folders must stay free of I/O, clocks, threads and logging):\n${bad}")
endif()
message(STATUS "core purity ok: ${count} files under ${ROOT}")
