// generate: a deterministic synthetic cohort as JSON Lines.
#include <fmt/format.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli_common.h"
#include "commands.h"
#include "ledger/time_format.h"
#include "synth/cohort_generator.h"

namespace ledger::cli {
namespace {

struct GenerateArgs {
  synth::CohortOptions options;
  std::string from = "2008-01";
  std::string out = "-";
};

int RunGenerate(GenerateArgs a) {
  auto month = ParseMonth(a.from);
  if (!month.ok()) return Fail(month.status().WithContext("--from"));
  a.options.from_year = month->year;
  a.options.from_month = month->month;
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
  cmd->add_option("--participants", args->options.participants, "Number of young people")
      ->capture_default_str();
  cmd->add_option("--from", args->from, "First intake month, YYYY-MM")->capture_default_str();
  cmd->add_option("--months", args->options.months, "Length of the window in months")
      ->capture_default_str();
  cmd->add_option("--seed", args->options.seed, "Random seed")->capture_default_str();
  cmd->add_option("--municipality", args->options.municipality, "4-digit kommunenummer")
      ->capture_default_str();
  cmd->add_option("--out,-o", args->out, "Output file, or - for standard output");
  cmd->callback([=] { *exit_code = RunGenerate(*args); });
}

}  // namespace ledger::cli
