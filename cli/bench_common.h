// What the benchmarks share: the percentile and median they quote, how they print each run's
// rate, the event the server benchmarks' clients append, and room for their sockets.
#ifndef CLI_BENCH_COMMON_H_
#define CLI_BENCH_COMMON_H_

#include <sys/resource.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_common.h"
#include "ledger/key_admin.h"

namespace ledger::cli {

// The p-quantile (0..1) of `v` by nearest rank; 0 for no samples.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// The median of `v` (the mean of the middle two for an even count); 0 for no samples.
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

// Each run's rate, "12,345, 12,001, ...", as the tables print them.
inline std::string RatesText(const std::vector<double>& rates) {
  std::string out;
  for (double r : rates) out += (out.empty() ? "" : ", ") + Thousands(static_cast<uint64_t>(r));
  return out;
}

// A case.opened for a fresh `subject`, in a stream of its own (so appends never conflict).
inline nlohmann::json BenchCaseOpenedJson(const std::string& subject) {
  return {{"id", NewEventId()},
          {"stream", "case/" + subject},
          {"type", "case.opened"},
          {"occurred_at", "2008-01-15T09:30:00+01:00"},
          {"subject", subject},
          {"actor", {{"id", "cw-bench"}, {"role", "caseworker"}}},
          {"legal_basis", {"NO:sotjl§18"}},
          {"data",
           {{"municipality", "3005"},
            {"office", "bench"},
            {"programme", "P1824"},
            {"intake_date", "2008-01-15"},
            {"age_at_intake", 19},
            {"sex", "female"},
            {"referral_source", "nav"}}}};
}

// Raises this process's soft limit of open files to the hard limit: a benchmark with a thousand
// subscribers holds a thousand sockets, twice over when the server runs in the same process.
inline void RaiseOpenFileLimit() {
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &nofile);
  }
}

}  // namespace ledger::cli

#endif  // CLI_BENCH_COMMON_H_
