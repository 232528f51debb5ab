// Fuzz target: a release's persons.csv and events.jsonl as `ledger replay` reads them, up to the
// report. The input is persons.csv, a NUL byte, then events.jsonl (no NUL: persons.csv alone).
// persons.csv is parsed for the horizons 6,12,24 (ParsePersons); if it parses, every line of
// events.jsonl is converted, checked and replayed into the outcomes projection (ReplayEvents),
// and the report is made and suppressed as the CLI does. Whatever the bytes, the parsers return
// a Status; a crash, a sanitizer report or an escaping exception is a finding.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "release_format.h"
#include "release_replay.h"
#include "replay/outcomes.h"
#include "replay/small_cells.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace internal = ledger::release::internal;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t nul = input.find('\0');
  const std::string_view persons_csv = input.substr(0, nul);
  const std::vector<int> horizons = {6, 12, 24};
  auto persons = internal::ParsePersons(persons_csv, horizons);
  if (!persons.ok() || nul == std::string_view::npos) return 0;
  std::istringstream events(std::string(input.substr(nul + 1)));
  ledger::replay::OutcomesProjection projection;
  // One thread: starting threads for every input would cost more than the input.
  auto point = internal::ReplayEvents(events, *persons, {&projection}, {}, /*threads=*/1);
  if (!point.ok()) return 0;
  ledger::replay::OutcomesOptions options;
  options.horizons = horizons;
  ledger::replay::OutcomesReport report = internal::ReleaseReport(
      projection, *persons, ledger::CivilDate{2010, 12, 31}, *point, options);
  ledger::replay::SuppressSmallCells(&report, 5);
  (void)ledger::replay::OutcomesJson(report);
  return 0;
}
