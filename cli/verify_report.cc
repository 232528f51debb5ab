#include "verify_report.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli_common.h"
#include "tlog/base64.h"

namespace ledger::cli {

int PrintReport(const VerifyReport& r, const std::string& format, const std::string& what) {
  if (format == "json") {
    nlohmann::ordered_json j;
    j["ok"] = r.ok;
    j["entries"] = r.size;
    j["entries_checked"] = r.entries_checked;
    j["entries_replayed"] = r.entries_replayed;
    j["streams"] = r.streams;
    j["keys"] = r.keys;
    j["checkpoints_checked"] = r.checkpoints_checked;
    j["tree_nodes_checked"] = r.tree_nodes_checked;
    j["held_checkpoints_checked"] = r.held_checkpoints_checked;
    j["derived_columns_checked"] = r.derived_checked;
    j["root"] = tlog::HashToBase64(r.root);
    j["seconds"] = r.seconds;
    if (!r.ok) {
      if (r.failed_seq) j["failed_seq"] = *r.failed_seq;
      j["failed_check"] = r.failed_check;
      j["error"] = StatusCodeName(r.failure.code());
      j["message"] = r.failure.message();
    }
    fmt::print("{}\n", j.dump());
  } else {
    Table t({what, r.ok ? "OK" : "FAILED"});
    t.AddRow({"entries in the log", Thousands(r.size)});
    t.AddRow({"entries fully checked", Thousands(r.entries_checked)});
    if (r.entries_replayed) t.AddRow({"entries replayed", Thousands(r.entries_replayed)});
    t.AddRow({"streams", Thousands(r.streams)});
    t.AddRow({"keys", Thousands(r.keys)});
    t.AddRow({"checkpoints checked", Thousands(r.checkpoints_checked)});
    t.AddRow({"tree nodes checked", Thousands(r.tree_nodes_checked)});
    if (r.held_checkpoints_checked) {
      t.AddRow({"held checkpoints given", Thousands(r.held_checkpoints_checked)});
    }
    if (what == "verify") {
      t.AddRow({"derived columns (ids, streams, heads, keys, meta, vault)",
                r.derived_checked ? "checked" : "not checked"});
    }
    t.AddRow({"root", tlog::HashToBase64(r.root)});
    t.AddRow(
        {"time",
         fmt::format("{:.2f} s ({:.0f} entries/s)", r.seconds,
                     r.seconds > 0 ? (r.entries_checked + r.entries_replayed) / r.seconds : 0.0)});
    fmt::print("{}", t.Render());
    if (!r.ok) {
      fmt::print(stderr, "ledger: verification FAILED{}: {}: {}\n",
                 r.failed_seq ? fmt::format(" at entry {}", *r.failed_seq) : "", r.failed_check,
                 r.failure.ToString());
    }
  }
  return r.ok ? kExitOk : kExitCorruption;
}

}  // namespace ledger::cli
