#include "bench_scratch_server.h"

#include <filesystem>

#include "ledger/key_admin.h"
#include "ledger/master_key.h"
#include "server/token_store.h"

namespace ledger::cli {

Result<ScratchServer> StartScratchServer(const std::string& dir,
                                         const ScratchServerOptions& options) {
  const std::string data = dir + "/data";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  auto ledger_key = SigningKey::Generate("bench.example/ledger").value();
  auto admin = SigningKey::Generate("admin").value();
  auto cw = SigningKey::Generate("bench-caseworker").value();
  auto au = SigningKey::Generate("bench-auditor").value();
  LedgerOptions lo;
  lo.master_key = MasterKey::Generate();
  lo.checkpoint_key = ledger_key;
  {
    LEDGER_ASSIGN_OR_RETURN(auto ledger, CreateLedgerWithAdmin(data, ledger_key, admin, lo));
    LEDGER_RETURN_IF_ERROR(RegisterKey(*ledger, admin, cw.verifier(), "caseworker", {}).status());
    LEDGER_RETURN_IF_ERROR(RegisterKey(*ledger, admin, au.verifier(), "auditor", {}).status());
  }
  BenchServerTarget t;
  LEDGER_ASSIGN_OR_RETURN(
      auto cw_token,
      server::TokenStore::Create(server::TokensPath(data), cw.key_id_hex(), "caseworker", "bench"));
  LEDGER_ASSIGN_OR_RETURN(
      auto au_token,
      server::TokenStore::Create(server::TokensPath(data), au.key_id_hex(), "auditor", "bench"));
  t.token = cw_token.token;
  t.sub_token = au_token.token;
  t.key = cw;
  t.host = "127.0.0.1";
  server::ServerOptions so;
  so.data_dir = data;
  so.http_port = 0;
  so.binary_port = 0;
  so.ledger_options = lo;
  so.limits.requests_per_second = 0;
  so.limits.max_connections = 8192;
  // Every client and subscriber connects from 127.0.0.1.
  so.limits.max_connections_per_address = so.limits.max_connections;
  if (options.delivery_interval_ms >= 0) {
    so.delivery_interval = std::chrono::milliseconds(options.delivery_interval_ms);
  }
  so.report_threads = options.report_threads;
  LEDGER_ASSIGN_OR_RETURN(auto server, server::Server::Start(std::move(so)));
  t.port = server->http_port();
  t.binary_port = server->binary_port();
  return ScratchServer{std::move(server), std::move(t), std::move(ledger_key)};
}

}  // namespace ledger::cli
