// generate: a deterministic synthetic cohort as JSON Lines.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "ledger/time_format.h"
#include "synth/cohort_generator.h"
#include "synth/scenario.h"

namespace ledger::cli {
namespace {

struct GenerateArgs {
  synth::CohortOptions options;
  std::string from = "2008-01";
  std::string out = "-";
  std::string scenario;
};

int RunGenerate(GenerateArgs a) {
  if (!a.scenario.empty()) {
    const std::optional<synth::Scenario> scenario = synth::ParseScenario(a.scenario);
    if (!scenario) {
      return Fail(Status::InvalidArgument("--scenario: " + a.scenario +
                                          " is not a scenario (drammen or narvik)"));
    }
    a.options = synth::ScenarioOptions(*scenario, a.options.seed);
  } else {
    auto month = ParseMonth(a.from);
    if (!month.ok()) return Fail(month.status().WithContext("--from"));
    a.options.from_year = month->year;
    a.options.from_month = month->month;
  }
  std::ofstream file;
  std::ostream* out = &std::cout;
  if (a.out != "-") {
    file.open(a.out, std::ios::binary | std::ios::trunc);
    if (!file) return Fail(Status::IOError("cannot write " + a.out));
    out = &file;
  }
  std::ios::sync_with_stdio(false);
  uint64_t lines = 0;
  std::string error = synth::GenerateCohort(a.options, [&](std::string_view line) {
    out->write(line.data(), static_cast<std::streamsize>(line.size()));
    out->put('\n');
    ++lines;
  });
  if (!error.empty()) return Fail(Status::InvalidArgument(error));
  out->flush();
  if (!*out) return Fail(Status::IOError("writing the output failed"));
  fmt::print(stderr, "generated {} events for {} participants\n", Thousands(lines),
             Thousands(static_cast<uint64_t>(a.options.participants)));
  return kExitOk;
}

}  // namespace

void RegisterGenerateCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<GenerateArgs>();
  auto* cmd = app.add_subcommand(
      "generate", "Write a realistic synthetic cohort as JSON Lines (deterministic for a seed)");
  auto* participants =
      cmd->add_option("--participants", args->options.participants, "Number of young people")
          ->capture_default_str();
  auto* from =
      cmd->add_option("--from", args->from, "First intake month, YYYY-MM")->capture_default_str();
  auto* months = cmd->add_option("--months", args->options.months, "Length of the window in months")
                     ->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Random seed")->capture_default_str();
  auto* municipality =
      cmd->add_option("--municipality", args->options.municipality, "4-digit kommunenummer")
          ->capture_default_str();
  cmd->add_option("--scenario", args->scenario,
                  "A published project's cohort, its outcomes built in: drammen (P1824, "
                  "2007-2010) or narvik (Aktiv Hverdag, 2002-2004); fixes participants, window "
                  "and municipality")
      ->excludes(participants)
      ->excludes(from)
      ->excludes(months)
      ->excludes(municipality);
  cmd->add_option("--out,-o", args->out, "Output file, or - for standard output");
  cmd->callback([=] { *exit_code = RunGenerate(*args); });
}

}  // namespace ledger::cli
