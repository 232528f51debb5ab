#include "bench_cohort.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "synth/cohort_generator.h"

namespace ledger::cli {

namespace fs = std::filesystem;

double SecondsSince(BenchClock::time_point since) {
  return std::chrono::duration<double>(BenchClock::now() - since).count();
}

uint64_t RssBytes() {
  std::ifstream in("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  in >> pages >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

double RawVerifyRate(const std::vector<SignedEvent>& sample, const KeysByRole& keys,
                     unsigned threads, double seconds) {
  std::map<std::string, VerifierKey> by_id;
  for (const auto& [role, key] : keys) by_id.emplace(key.key_id(), key.verifier());
  std::vector<std::string> messages;
  for (const auto& e : sample) messages.push_back(EventSigningMessage(e.event));
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0};
  std::atomic<uint64_t> failures{0};
  auto start = BenchClock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      for (size_t i = t; !stop.load(std::memory_order_relaxed); i = (i + 1) % messages.size()) {
        if (!by_id.at(sample[i].key_id).Verify(messages[i], sample[i].signature)) failures++;
        ++n;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double rate = total / SecondsSince(start);
  return failures ? 0 : rate;
}

AppendRun RunAppend(Ledger& ledger, const std::vector<SignedEvent>& events,
                    const std::vector<int>& client_of, int clients, size_t batch) {
  std::vector<std::vector<const SignedEvent*>> per_client(clients);
  for (size_t i = 0; i < events.size(); ++i) per_client[client_of[i]].push_back(&events[i]);
  AppendRun run;
  run.rss_start = RssBytes();
  std::atomic<uint64_t> refused{0};
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> rss_mid{0};
  ResetAppendStageTimes();
  const ThreadCpu cpu_before = ReadThreadCpu();
  auto start = BenchClock::now();
  std::vector<std::thread> pool;
  for (int c = 0; c < clients; ++c) {
    pool.emplace_back([&, c] {
      std::vector<SignedEvent> chunk;
      const auto& mine = per_client[c];
      for (size_t i = 0; i < mine.size(); i += batch) {
        chunk.clear();
        for (size_t k = i; k < std::min(mine.size(), i + batch); ++k) chunk.push_back(*mine[k]);
        for (auto& r : ledger.log().AppendEach(chunk)) {
          if (!r.ok()) refused++;
        }
        uint64_t now_done = done += chunk.size();
        if (now_done >= events.size() / 2 && rss_mid == 0) rss_mid = RssBytes();
      }
    });
  }
  for (auto& th : pool) th.join();
  run.seconds = SecondsSince(start);
  const ThreadCpu cpu_after = ReadThreadCpu();
  run.stages = ReadAppendStageTimes();
  run.cpu = {cpu_after.process_s - cpu_before.process_s, cpu_after.writer_s - cpu_before.writer_s,
             cpu_after.background_s - cpu_before.background_s};
  run.events = events.size();
  run.refused = refused;
  run.rss_mid = rss_mid;
  run.rss_end = RssBytes();
  return run;
}

Result<PreparedCohort> PrepareCohort(int participants, int clients, bool keep_lines) {
  fmt::print(stderr, "preparing: generating and signing a cohort of {} participants...\n",
             participants);
  PreparedCohort c;
  c.keys.emplace("caseworker", SigningKey::Generate("bench-caseworker").value());
  c.keys.emplace("service", SigningKey::Generate("bench-service").value());
  synth::CohortOptions options;
  options.participants = participants;
  std::vector<std::string> lines;
  std::string error =
      synth::GenerateCohort(options, [&](std::string_view l) { lines.emplace_back(l); });
  if (!error.empty()) return Status::InvalidArgument(error);
  LEDGER_ASSIGN_OR_RETURN(c.events, SignCohortLines(lines, c.keys));
  c.client_of.resize(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    auto j = nlohmann::json::parse(lines[i]);
    c.client_of[i] = static_cast<int>(std::hash<std::string>{}(j["stream"].get<std::string>()) %
                                      static_cast<size_t>(clients));
  }
  if (keep_lines) c.lines = std::move(lines);
  return c;
}

Result<std::unique_ptr<Ledger>> FreshLedger(const std::string& dir, const PreparedCohort& c,
                                            bool checkpoints, bool case_rules) {
  std::error_code ec;
  fs::remove_all(dir, ec);
  LedgerOptions options;
  options.master_key = MasterKey::Generate();
  options.check_case_rules = case_rules;
  if (checkpoints) options.checkpoint_key = c.ledger_key;
  LEDGER_ASSIGN_OR_RETURN(auto ledger, CreateLedgerWithAdmin(dir, c.ledger_key, c.admin, options));
  for (const auto& [role, key] : c.keys) {
    LEDGER_RETURN_IF_ERROR(RegisterKey(*ledger, c.admin, key.verifier(), role, {}).status());
  }
  return ledger;
}

}  // namespace ledger::cli
