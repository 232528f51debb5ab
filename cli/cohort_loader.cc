#include "cohort_loader.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli_common.h"
#include "ledger/event_codec.h"

namespace ledger::cli {

Result<std::vector<SignedEvent>> SignCohortLines(const std::vector<std::string>& lines,
                                                 const KeysByRole& keys) {
  std::vector<Result<SignedEvent>> signed_events(lines.size(), Status::Unavailable("unsigned"));
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  auto work = [&](size_t t) {
    for (size_t i = t; i < lines.size(); i += threads) {
      auto j = nlohmann::json::parse(lines[i], nullptr, false);
      std::string role;
      if (j.is_object() && j.contains("actor") && j["actor"].is_object() &&
          j["actor"].contains("role") && j["actor"]["role"].is_string()) {
        role = j["actor"]["role"].get<std::string>();
      }
      auto key = keys.find(role);
      if (key == keys.end()) {
        signed_events[i] = Status::InvalidArgument("line " + std::to_string(i + 1) +
                                                   ": no key for actor role \"" + role + "\"");
        continue;
      }
      signed_events[i] = SignEventJson(lines[i], key->second);
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  std::vector<SignedEvent> out;
  out.reserve(lines.size());
  for (size_t i = 0; i < signed_events.size(); ++i) {
    if (!signed_events[i].ok()) {
      return signed_events[i].status().WithContext("line " + std::to_string(i + 1));
    }
    out.push_back(std::move(signed_events[i]).value());
  }
  return out;
}

LoadSummary AppendInBatches(Ledger& ledger, const std::vector<SignedEvent>& events,
                            size_t batch_size, const std::string& label) {
  LoadSummary summary;
  Progress progress(label, events.size());
  auto start = std::chrono::steady_clock::now();
  std::vector<SignedEvent> batch;
  for (size_t i = 0; i < events.size(); i += batch_size) {
    size_t end = std::min(events.size(), i + batch_size);
    batch.assign(events.begin() + static_cast<ptrdiff_t>(i),
                 events.begin() + static_cast<ptrdiff_t>(end));
    for (auto& r : ledger.log().AppendEach(batch)) {
      if (r.ok()) {
        ++summary.appended;
      } else {
        ++summary.refused;
        if (summary.first_error.ok()) summary.first_error = r.status();
      }
    }
    progress.Update(end);
  }
  progress.Finish();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace ledger::cli
