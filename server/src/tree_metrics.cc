#include "tree_metrics.h"

#include <fmt/format.h>

#include <string_view>

#include "tlog/checkpoint.h"
#include "tlog/note.h"

namespace ledger::server::internal {
namespace {

// c2sp.org/tlog-cosignature: 8-byte big-endian timestamp || 64-byte Ed25519 signature.
constexpr size_t kCosignatureBytes = 72;

double SecondsBetween(int64_t earlier_us, int64_t later_us) {
  return later_us > earlier_us ? static_cast<double>(later_us - earlier_us) / 1e6 : 0.0;
}

// A label value in the text format: backslash, double quote and newline escaped.
std::string LabelValue(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace

Result<TreeGauges> ReadTreeGauges(Ledger& ledger, uint64_t log_size, int64_t now_us) {
  TreeGauges g;
  auto note = ledger.audit().LatestCheckpoint();
  if (!note.ok() && note.status().code() != StatusCode::kNotFound) return note.status();
  if (note.ok()) {
    auto parsed = tlog::ParseNote(*note);
    if (!parsed.ok()) return parsed.status().WithContext("the latest checkpoint");
    auto body = tlog::ParseCheckpointBody(parsed->text);
    if (!body.ok()) return body.status().WithContext("the latest checkpoint");
    g.checkpoint_size = body->size;
    for (const tlog::NoteSignature& sig : parsed->signatures) {
      if (sig.signature.size() != kCosignatureBytes) continue;
      uint64_t timestamp = 0;
      for (size_t i = 0; i < 8; ++i) {
        timestamp = timestamp << 8 | static_cast<unsigned char>(sig.signature[i]);
      }
      const double age = static_cast<double>(now_us / 1000000) - static_cast<double>(timestamp);
      g.cosignature_ages.emplace_back(sig.name, age > 0 ? age : 0.0);
    }
  }
  if (g.checkpoint_size > 0) {
    LEDGER_ASSIGN_OR_RETURN(Entry newest, ledger.log().ReadSeq(g.checkpoint_size - 1));
    g.checkpoint_age_seconds = SecondsBetween(newest.recorded_at_us, now_us);
  }
  if (log_size > g.checkpoint_size) {
    LEDGER_ASSIGN_OR_RETURN(Entry waiting, ledger.log().ReadSeq(g.checkpoint_size));
    g.uncheckpointed_entry_age_seconds = SecondsBetween(waiting.recorded_at_us, now_us);
  }
  return g;
}

std::string RenderTreeGauges(const TreeGauges& g) {
  std::string out;
  // Every family is declared even without a sample, so that a dashboard or an alert that names
  // it finds it on every server.
  auto family = [&out](std::string_view name, std::string_view help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  };
  family("ledger_checkpoint_size", "Entries the latest signed checkpoint covers.");
  out += fmt::format("ledger_checkpoint_size {}\n", g.checkpoint_size);
  family("ledger_checkpoint_age_seconds",
         "Age of the newest entry the latest signed checkpoint covers.");
  if (g.checkpoint_age_seconds) {
    out += fmt::format("ledger_checkpoint_age_seconds {:.3f}\n", *g.checkpoint_age_seconds);
  }
  family("ledger_uncheckpointed_entry_age_seconds",
         "How long the oldest entry that no signed checkpoint covers has waited (0 when all are "
         "covered).");
  out += fmt::format("ledger_uncheckpointed_entry_age_seconds {:.3f}\n",
                     g.uncheckpointed_entry_age_seconds);
  family("ledger_checkpoint_cosignatures", "Witness cosignatures on the latest signed checkpoint.");
  out += fmt::format("ledger_checkpoint_cosignatures {}\n", g.cosignature_ages.size());
  family("ledger_witness_cosignature_age_seconds",
         "Age of each witness cosignature on the latest signed checkpoint, by its timestamp.");
  for (const auto& [witness, age] : g.cosignature_ages) {
    out += fmt::format("ledger_witness_cosignature_age_seconds{{witness=\"{}\"}} {:.0f}\n",
                       LabelValue(witness), age);
  }
  return out;
}

}  // namespace ledger::server::internal
