#include "audit_verify_command.h"

#include <memory>
#include <string>
#include <vector>

#include "cli_common.h"
#include "ledger/audit_export.h"
#include "verify_report.h"

namespace ledger::cli {

void SetUpAuditVerify(CLI::App* cmd, int* exit_code) {
  struct Args {
    std::string dir, vkey, format = "table";
    std::vector<std::string> checkpoints;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("dir", a->dir, "The exported directory")->required();
  cmd->add_option("--vkey", a->vkey, "The ledger's verifier key, or a file holding it")->required();
  cmd->add_option("--checkpoint", a->checkpoints,
                  "A checkpoint you hold from earlier (a file; repeatable): the exported log "
                  "must extend it");
  cmd->add_option("--format", a->format, "table or json")->check(CLI::IsMember({"table", "json"}));
  cmd->callback([=] {
    auto vkey = Result<std::string>(KeyArgumentText(a->vkey));
    if (!vkey.ok()) {
      *exit_code = Fail(vkey.status());
      return;
    }
    auto held = ReadHeldCheckpoints(a->checkpoints);
    if (!held.ok()) {
      *exit_code = Fail(held.status().WithContext("--checkpoint"));
      return;
    }
    VerifyOptions options;
    options.held_checkpoints = std::move(held).value();
    Progress progress("audit-verify", 0);
    options.progress = [&](uint64_t done, uint64_t) { progress.Update(done); };
    auto report = VerifyAuditExport(a->dir, *vkey, options);
    progress.Finish();
    if (!report.ok()) {
      *exit_code = Fail(report.status());
      return;
    }
    *exit_code = PrintReport(*report, a->format, "audit-verify");
  });
}

}  // namespace ledger::cli
