#include "demo_scenarios.h"

#include <fmt/format.h>

#include <filesystem>

#include "cli_common.h"
#include "cohort_loader.h"
#include "ledger/key_admin.h"
#include "scenario_figures.h"
#include "synth/scenario.h"

namespace ledger::cli {

Status DemoScenarios(const std::string& dir, const SigningKey& ledger_key, const SigningKey& admin,
                     const MasterKey& master, uint64_t seed, int step) {
  fmt::print(
      "\n== {}. The reports' own figures, replayed: each report's cohort in a ledger of "
      "its own\n",
      step);
  for (synth::Scenario scenario : {synth::Scenario::kDrammen, synth::Scenario::kNarvik}) {
    const std::string name(synth::ScenarioName(scenario));
    const std::string data = dir + "/scenario-" + name + "/data";
    std::error_code ec;
    std::filesystem::create_directories(dir + "/scenario-" + name, ec);
    if (ec)
      return Status::IOError("cannot create " + dir + "/scenario-" + name + ": " + ec.message());
    LedgerOptions options;
    options.checkpoint_key = ledger_key;
    options.master_key = master;
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger,
                            CreateLedgerWithAdmin(data, ledger_key, admin, options));
    KeysByRole keys;
    for (const char* role : {"caseworker", "service"}) {
      LEDGER_ASSIGN_OR_RETURN(SigningKey key, SigningKey::Generate(name + "-" + role));
      LEDGER_RETURN_IF_ERROR(RegisterKey(*ledger, admin, key.verifier(), role, {"case/"}).status());
      keys.emplace(role, std::move(key));
    }
    std::vector<std::string> lines;
    const std::string error =
        synth::GenerateCohort(synth::ScenarioOptions(scenario, seed),
                              [&](std::string_view line) { lines.emplace_back(line); });
    if (!error.empty()) return Status::InvalidArgument(error);
    LEDGER_ASSIGN_OR_RETURN(std::vector<SignedEvent> events, SignCohortLines(lines, keys));
    const LoadSummary load = AppendInBatches(*ledger, events, 1024, "append " + name);
    if (load.refused > 0)
      return load.first_error.WithContext("the " + name + " cohort was refused");
    fmt::print(
        "\n$ ledger generate --scenario {} --seed {} | ledger append ...  ({} events in "
        "{:.1f} s)\n$ ledger scenario --scenario {} --data {}\n",
        name, seed, Thousands(load.appended), load.seconds, name, data);
    LEDGER_ASSIGN_OR_RETURN(ScenarioComparison comparison,
                            CompareScenarioInLedger(scenario, *ledger));
    fmt::print("{}", ScenarioComparisonText(comparison));
    if (!comparison.AllWithin()) {
      return Status::FailedPrecondition("the " + name +
                                        " scenario's replayed figures miss the report's");
    }
  }
  return Status::Ok();
}

}  // namespace ledger::cli
