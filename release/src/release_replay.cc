#include "release_replay.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "ledger/event_codec.h"
#include "ledger/line_reader.h"
#include "ledger/time_format.h"
#include "release_format.h"
#include "replay/event_view.h"
#include "replay/report_time.h"
#include "timeline.h"
#include "tlog/compact_range.h"

namespace ledger::release::internal {

namespace {

// One line of events.jsonl -> the canonical bytes of its catalogue event, checked as an append
// would check it. Pure: workers convert blocks of lines in parallel. Errors name the field
// ("person: ...", "data.as_of: ...", "column 12: data: nesting deeper than 64 levels").
Result<std::string> ConvertLine(
    std::string_view line, uint64_t ordinal,
    const std::unordered_map<std::string_view, const ReleasePerson*>& by_name,
    int64_t* occurred_at_us) {
  LEDGER_ASSIGN_OR_RETURN(nlohmann::json released, ParseEventJson(line));
  if (!released.is_object()) return Status::InvalidArgument("not a JSON object");
  auto name = released.find("person");
  if (name == released.end() || !name->is_string()) {
    return Status::InvalidArgument("person: required, a string");
  }
  auto person = by_name.find(name->get_ref<const std::string&>());
  if (person == by_name.end()) {
    return Status::InvalidArgument("person: " + Shown(name->get_ref<const std::string&>(), 64) +
                                   " is not in " + std::string(kPersonsFile));
  }
  LEDGER_ASSIGN_OR_RETURN(nlohmann::json event, CatalogueEvent(released, *person->second, ordinal));
  LEDGER_ASSIGN_OR_RETURN(
      *occurred_at_us, ParseInstantMicros(event.at("occurred_at").get_ref<const std::string&>()));
  return CanonicalEventFromJsonValue(event);
}

constexpr size_t kBlockLines = 16384;

}  // namespace

Result<replay::LogPoint> ReplayEventsFile(const std::string& events_path,
                                          const std::vector<ReleasePerson>& persons,
                                          const std::vector<replay::Projection*>& projections,
                                          const std::function<void(uint64_t)>& progress) {
  std::ifstream in(events_path, std::ios::binary);
  if (!in) return Status::IOError("cannot read " + events_path);
  return ReplayEvents(in, persons, projections, progress);
}

Result<replay::LogPoint> ReplayEvents(std::istream& in, const std::vector<ReleasePerson>& persons,
                                      const std::vector<replay::Projection*>& projections,
                                      const std::function<void(uint64_t)>& progress,
                                      size_t thread_count) {
  std::unordered_map<std::string_view, const ReleasePerson*> by_name;
  for (const ReleasePerson& p : persons) by_name.emplace(p.person, &p);
  LineReader lines(in, kMaxEventLineBytes);
  tlog::CompactRange range;
  replay::EventDecoder decoder;
  replay::EventView view;
  const size_t workers = thread_count > 0
                             ? thread_count
                             : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);

  // A pipeline of two blocks: workers convert the next block while this thread applies the
  // current one, in order (the projections and the Merkle range see one line after another).
  struct Block {
    uint64_t first = 0;  // ordinal of its first line
    std::vector<std::string> lines;
    std::vector<Result<std::string>> converted;
    std::vector<int64_t> occurred;
  };
  // Reads the next block of lines; a line too long or a read error ends the file there, with
  // `*stop` saying why.
  Status stop = Status::Ok();
  auto read = [&lines, &stop](Block* b, uint64_t first) {
    b->first = first;
    b->lines.clear();
    while (stop.ok() && b->lines.size() < kBlockLines) {
      const LineReader::Next got = lines.Read();
      if (got.kind == LineReader::Kind::kEnd) break;
      if (got.kind == LineReader::Kind::kError) {
        stop =
            Status::IOError(fmt::format("cannot read {} after line {}", kEventsFile, got.number));
      } else if (got.kind == LineReader::Kind::kTooLong) {
        stop = Status::Corruption(fmt::format("{} line {}: longer than {} bytes", kEventsFile,
                                              got.number, kMaxEventLineBytes));
      } else {
        b->lines.emplace_back(got.text);
      }
    }
  };
  auto convert = [&by_name, workers](Block* b) {
    b->converted.assign(b->lines.size(), Status::Ok());
    b->occurred.assign(b->lines.size(), 0);
    if (workers == 1) {
      for (size_t i = 0; i < b->lines.size(); ++i) {
        b->converted[i] = ConvertLine(b->lines[i], b->first + i, by_name, &b->occurred[i]);
      }
      return;
    }
    std::vector<std::thread> threads;
    for (size_t w = 0; w < workers; ++w) {
      threads.emplace_back([b, w, workers, &by_name] {
        for (size_t i = w; i < b->lines.size(); i += workers) {
          b->converted[i] = ConvertLine(b->lines[i], b->first + i, by_name, &b->occurred[i]);
        }
      });
    }
    for (std::thread& t : threads) t.join();
  };

  Block current, next;
  read(&current, 0);
  convert(&current);
  uint64_t n = 0;
  while (!current.lines.empty()) {
    read(&next, current.first + current.lines.size());
    std::thread converting;
    if (workers == 1) {
      convert(&next);
    } else {
      converting = std::thread([&] { convert(&next); });
    }
    Status applied = Status::Ok();
    for (size_t i = 0; i < current.lines.size() && applied.ok(); ++i) {
      if (!current.converted[i].ok()) {
        applied = Status::Corruption(fmt::format("{} line {}: {}", kEventsFile, n + 1,
                                                 current.converted[i].status().message()));
        break;
      }
      range.Append(tlog::HashLeaf(*current.converted[i]), {});
      Entry entry;
      entry.seq = n;
      entry.event = std::move(*current.converted[i]);
      entry.recorded_at_us = current.occurred[i];
      Status decoded = decoder.DecodeEntry(entry, &view);
      if (!decoded.ok()) {
        applied = Status::Corruption(
            fmt::format("{} line {}: {}", kEventsFile, n + 1, decoded.message()));
        break;
      }
      for (replay::Projection* p : projections) p->Apply(view);
      ++n;
    }
    if (converting.joinable()) converting.join();
    if (!applied.ok()) return applied;
    if (progress) progress(n);
    std::swap(current, next);
  }
  // Every line before a refused one was applied: the refusal is at the line after them.
  if (!stop.ok()) return stop;
  return replay::LogPoint{n, range.Root()};
}

replay::OutcomesReport ReleaseReport(const replay::OutcomesProjection& projection,
                                     const std::vector<ReleasePerson>& persons,
                                     const CivilDate& as_of, const replay::LogPoint& point,
                                     const replay::OutcomesOptions& options) {
  const auto ends = FollowUpEndsOf(persons);
  const replay::ReportTime at =
      replay::ReportTime::EndOfDay(as_of, replay::ReportZone::EuropeOslo());
  replay::OutcomesReport report = projection.Report(at, point, options, &ends);
  std::map<std::string, uint64_t> bands, municipalities;
  std::map<std::string, std::string> released_name;
  for (const ReleasePerson& p : persons) {
    ++bands[p.age_band];
    ++municipalities[p.municipality];
    released_name[ReplayMunicipality(p.municipality)] = p.municipality;
  }
  report.cohort_by["age_band"] = bands;
  report.cohort_by["municipality"] = municipalities;
  for (replay::OutcomeGroup& g : report.groups) {
    if (g.dimension == "municipality" && released_name.count(g.value)) {
      g.value = released_name.at(g.value);
    }
  }
  return report;
}

replay::OutcomesProjection::FollowUpEnds FollowUpEndsOf(const std::vector<ReleasePerson>& persons) {
  replay::OutcomesProjection::FollowUpEnds ends;
  for (const ReleasePerson& p : persons) {
    ends.emplace(p.person, SyntheticFollowUpEnd(p.anchor_month, p.followed_months, p.end_month));
  }
  return ends;
}

}  // namespace ledger::release::internal
