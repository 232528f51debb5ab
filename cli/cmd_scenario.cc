// scenario: the figures a project report published beside the same figures replayed from the
// log of the scenario's cohort (`ledger generate --scenario NAME`, appended).
#include <fmt/format.h>

#include "cli_common.h"
#include "commands.h"
#include "scenario_figures.h"
#include "synth/scenario.h"

namespace ledger::cli {
namespace {

struct ScenarioArgs {
  std::string scenario, data, format = "table";
};

int RunScenario(const ScenarioArgs& a) {
  const std::optional<synth::Scenario> scenario = synth::ParseScenario(a.scenario);
  if (!scenario) {
    return Fail(Status::InvalidArgument("--scenario: " + a.scenario +
                                        " is not a scenario (drammen or narvik)"));
  }
  auto ledger = OpenForReading(a.data);
  if (!ledger.ok()) return Fail(ledger.status());
  auto comparison = CompareScenarioInLedger(*scenario, **ledger);
  if (!comparison.ok()) return Fail(comparison.status());
  fmt::print("{}", a.format == "json" ? ScenarioComparisonJson(*comparison)
                                      : ScenarioComparisonText(*comparison));
  return kExitOk;
}

}  // namespace

void RegisterScenarioCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<ScenarioArgs>();
  auto* cmd = app.add_subcommand(
      "scenario",
      "A project report's published figures beside the same figures replayed from the log of "
      "its scenario cohort (ledger generate --scenario)");
  cmd->add_option("--scenario", args->scenario, "drammen (P1824) or narvik (Aktiv Hverdag)")
      ->required();
  cmd->add_option("--data", args->data, "Ledger directory");
  cmd->add_option("--format", args->format, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  cmd->callback([=] { *exit_code = RunScenario(*args); });
}

}  // namespace ledger::cli
