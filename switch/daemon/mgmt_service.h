// The Management gRPC service: thin translators over the Daemon. Each call posts its work to the
// io_context (the only thread that touches the node) and finishes its reactor from there; nothing
// blocks a gRPC thread. Errors from the core go through status_codec.h.
#pragma once

#include "switch/daemon/daemon.h"
#include "vpc/v1/mgmt.grpc.pb.h"

namespace vpc::daemon {

class ManagementService final : public v1::Management::CallbackService {
 public:
  explicit ManagementService(Daemon& daemon) : daemon_(daemon) {}

  grpc::ServerUnaryReactor* GetInfo(grpc::CallbackServerContext* ctx, const v1::InfoRequest* req,
                                    v1::InfoReply* reply) override;
  grpc::ServerUnaryReactor* ShowVpc(grpc::CallbackServerContext* ctx, const v1::ShowVpcRequest* req,
                                    v1::ShowVpcReply* reply) override;
  grpc::ServerUnaryReactor* ShowVpcRole(grpc::CallbackServerContext* ctx, const v1::ShowVpcRoleRequest* req,
                                        v1::ShowVpcRoleReply* reply) override;
  grpc::ServerUnaryReactor* ShowMacAddressTable(grpc::CallbackServerContext* ctx, const v1::ShowMacRequest* req,
                                                v1::ShowMacReply* reply) override;
  grpc::ServerUnaryReactor* ShowIpArp(grpc::CallbackServerContext* ctx, const v1::ShowArpRequest* req,
                                      v1::ShowArpReply* reply) override;
  grpc::ServerUnaryReactor* ShowVpcSync(grpc::CallbackServerContext* ctx, const v1::ShowVpcSyncRequest* req,
                                        v1::ShowVpcSyncReply* reply) override;
  grpc::ServerUnaryReactor* ShowVpcPeerKeepalive(grpc::CallbackServerContext* ctx,
                                                 const v1::ShowVpcPeerKeepaliveRequest* req,
                                                 v1::ShowVpcPeerKeepaliveReply* reply) override;
  grpc::ServerWriteReactor<v1::Event>* Events(grpc::CallbackServerContext* ctx,
                                              const v1::EventsRequest* req) override;
  grpc::ServerUnaryReactor* LearnMac(grpc::CallbackServerContext* ctx, const v1::LearnMacRequest* req,
                                     v1::LearnReply* reply) override;
  grpc::ServerUnaryReactor* LearnArp(grpc::CallbackServerContext* ctx, const v1::LearnArpRequest* req,
                                     v1::LearnReply* reply) override;
  grpc::ServerUnaryReactor* ClearMacAddressTable(grpc::CallbackServerContext* ctx, const v1::ClearMacRequest* req,
                                                 v1::ClearReply* reply) override;
  grpc::ServerUnaryReactor* ShowVpcConsistency(grpc::CallbackServerContext* ctx,
                                               const v1::ShowVpcConsistencyRequest* req,
                                               v1::ShowVpcConsistencyReply* reply) override;
  grpc::ServerUnaryReactor* ShowInterfaceStatus(grpc::CallbackServerContext* ctx,
                                                const v1::ShowInterfaceStatusRequest* req,
                                                v1::ShowInterfaceStatusReply* reply) override;
  grpc::ServerUnaryReactor* Configure(grpc::CallbackServerContext* ctx, const v1::ConfigureRequest* req,
                                      v1::ConfigureReply* reply) override;
  grpc::ServerUnaryReactor* RolePreempt(grpc::CallbackServerContext* ctx, const v1::RolePreemptRequest* req,
                                        v1::RolePreemptReply* reply) override;
  grpc::ServerUnaryReactor* ShowVpcOrphanPorts(grpc::CallbackServerContext* ctx,
                                               const v1::ShowVpcOrphanPortsRequest* req,
                                               v1::ShowVpcOrphanPortsReply* reply) override;
  grpc::ServerUnaryReactor* ShowPortChannelSummary(grpc::CallbackServerContext* ctx,
                                                   const v1::ShowPortChannelSummaryRequest* req,
                                                   v1::ShowPortChannelSummaryReply* reply) override;
  grpc::ServerUnaryReactor* ShowRunningConfig(grpc::CallbackServerContext* ctx, const v1::ShowRunningConfigRequest* req,
                                              v1::ShowRunningConfigReply* reply) override;
  grpc::ServerUnaryReactor* ShowPeerLinkMessages(grpc::CallbackServerContext* ctx,
                                                 const v1::ShowPeerLinkMessagesRequest* req,
                                                 v1::ShowPeerLinkMessagesReply* reply) override;
  grpc::ServerUnaryReactor* Explain(grpc::CallbackServerContext* ctx, const v1::ExplainRequest* req,
                                    v1::ExplainReply* reply) override;
  grpc::ServerUnaryReactor* ClearIpArp(grpc::CallbackServerContext* ctx, const v1::ClearArpRequest* req,
                                       v1::ClearReply* reply) override;

 private:
  template <class Fn>
  grpc::ServerUnaryReactor* onLoop(grpc::CallbackServerContext* ctx, Fn fn);

  Daemon& daemon_;
};

}  // namespace vpc::daemon
