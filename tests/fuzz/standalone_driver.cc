// A main() for fuzz targets (LLVMFuzzerTestOneInput) in a build without libFuzzer, so that the
// ordinary GCC build runs every target under CTest. It takes libFuzzer's flags that matter here:
//   target [-max_total_time=S] [-runs=N] [-seed=N] [-max_len=N] DIR_OR_FILE...
// Every file given (or in a directory given) is run once, in name order; then, until S seconds
// (default 5) or N runs have passed, inputs are made from them by seeded random mutations aimed
// at parsers of JSON and CSV: byte flips, cuts, splices, inserted and duplicated lines, values
// replaced by ones of another type, huge numbers, deep nesting, long strings. The same seed and
// corpus give the same inputs in the same order (only how many run depends on the clock).
// There is no coverage feedback: this is a smoke fuzzer for CI, and scripts/fuzz.sh runs the
// same targets under libFuzzer with ASan and UBSan.
//
// A crash is reported by the process dying; on SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT the
// input being run is first written to ./crash-<target>-<run> and its name printed, so that
// `target ./crash-...` reproduces it.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "../test_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

// What the signal handler writes out: set before each run, read only by the handler.
const std::string* g_current = nullptr;
char g_crash_path[512];

void OnCrash(int sig) {
  // Only async-signal-safe calls from here.
  if (g_current != nullptr) {
    int fd = ::open(g_crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
      size_t done = 0;
      while (done < g_current->size()) {
        ssize_t n = ::write(fd, g_current->data() + done, g_current->size() - done);
        if (n <= 0) break;
        done += static_cast<size_t>(n);
      }
      ::close(fd);
      const char msg[] = "\nfuzz: the input that crashed is in ";
      (void)!::write(2, msg, sizeof msg - 1);
      (void)!::write(2, g_crash_path, std::strlen(g_crash_path));
      (void)!::write(2, "\n", 1);
    }
  }
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

using ledger::testing::ReadWholeFile;

// Tokens that parsers of JSON and CSV get wrong: other types, edges of integer ranges, numbers
// no double holds, escapes, separators.
const std::vector<std::string>& Tokens() {
  static const std::vector<std::string> kTokens = {"null",
                                                   "true",
                                                   "false",
                                                   "0",
                                                   "-1",
                                                   "1.5",
                                                   "-0",
                                                   "1e999",
                                                   "-1e999",
                                                   "1e-999",
                                                   "9223372036854775807",
                                                   "9223372036854775808",
                                                   "-9223372036854775809",
                                                   "18446744073709551615",
                                                   "18446744073709551616",
                                                   "99999999999999999999999999999999999999999",
                                                   "2147483648",
                                                   "-2147483649",
                                                   "4294967296",
                                                   "\"\"",
                                                   "\"x\"",
                                                   "\"\\u0000\"",
                                                   "\"\\ud800\"",
                                                   "\"\\uDFFF\"",
                                                   "\"\xc3\x28\"",
                                                   "\"\xf0\x9f\x98\x80\"",
                                                   "{}",
                                                   "[]",
                                                   "[1]",
                                                   "{\"a\":1}",
                                                   ",",
                                                   ":",
                                                   "\"",
                                                   "{",
                                                   "}",
                                                   "[",
                                                   "]",
                                                   "\n",
                                                   "\r\n",
                                                   "\\",
                                                   "\t",
                                                   std::string(1, '\0'),
                                                   "\x7f",
                                                   "\x1b[31m",
                                                   "xx",
                                                   "*",
                                                   "18-24",
                                                   "2008-13",
                                                   "0000-00",
                                                   "9999-12",
                                                   "-",
                                                   ",,,,,,,,",
                                                   "\"person\"",
                                                   "\"day\"",
                                                   "\"type\"",
                                                   "\"data\"",
                                                   "\"format\"",
                                                   "\"files\"",
                                                   "\"case.opened\"",
                                                   "\"payment.made\"",
                                                   "\"ledger-release/v1\"",
                                                   "\"events.jsonl\"",
                                                   "\"persons.csv\"",
                                                   "\"manifest.json\"",
                                                   "\"../x\"",
                                                   "\".hidden\""};
  return kTokens;
}

// A JSON or CSV value in `s` starting at `at`: up to the next , } ] or newline.
size_t ValueEnd(const std::string& s, size_t at) {
  size_t end = at;
  if (end < s.size() && s[end] == '"') {
    ++end;
    while (end < s.size() && s[end] != '"') end += (s[end] == '\\') ? 2 : 1;
    return std::min(end + 1, s.size());
  }
  while (end < s.size() && std::strchr(",}]\n", s[end]) == nullptr) ++end;
  return end;
}

class Mutator {
 public:
  Mutator(uint64_t seed, size_t max_len) : rng_(seed), max_len_(max_len) {}

  size_t Below(size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }

  std::string Mutate(const std::string& base, const std::vector<std::string>& corpus) {
    std::string s = base;
    const size_t rounds = 1 + Below(4);
    for (size_t r = 0; r < rounds; ++r) Once(s, corpus);
    if (s.size() > max_len_) s.resize(max_len_);
    return s;
  }

 private:
  void Once(std::string& s, const std::vector<std::string>& corpus) {
    const std::vector<std::string>& tokens = Tokens();
    const size_t at = Below(s.size() + 1);
    switch (Below(13)) {
      case 0:  // flip a bit
        if (!s.empty()) s[Below(s.size())] ^= static_cast<char>(1u << Below(8));
        break;
      case 1:  // a random byte
        if (!s.empty()) s[Below(s.size())] = static_cast<char>(Below(256));
        break;
      case 2:  // cut a range
        if (at < s.size()) s.erase(at, 1 + Below(std::min<size_t>(s.size() - at, 64)));
        break;
      case 3:  // truncate
        s.resize(at);
        break;
      case 4:  // insert a token
        s.insert(at, tokens[Below(tokens.size())]);
        break;
      case 5: {  // replace a value after ':' or ',' by a token of another type
        const size_t sep = s.find_first_of(":,", at);
        if (sep == std::string::npos) break;
        const size_t end = ValueEnd(s, sep + 1);
        s.replace(sep + 1, end - (sep + 1), tokens[Below(tokens.size())]);
        break;
      }
      case 6: {  // deep nesting
        const size_t depth = 1 + Below(Below(2) ? 100 : 100000);
        const char* open = Below(2) ? "[" : "{\"a\":";
        std::string nest;
        for (size_t i = 0; i < depth && nest.size() < max_len_ / 2; ++i) nest += open;
        s.insert(at, nest);
        break;
      }
      case 7:  // a long run of one byte (a long string, number or line)
        s.insert(at, std::string(Below(2) ? 70000 : 1 + Below(5000), "a9 \",\n"[Below(6)]));
        break;
      case 8: {  // splice: this input's head, another's tail
        if (corpus.empty()) break;
        const std::string& other = corpus[Below(corpus.size())];
        s = s.substr(0, at) + other.substr(Below(other.size() + 1));
        break;
      }
      case 9: {  // duplicate a line
        const size_t start = s.rfind('\n', at == 0 ? 0 : at - 1);
        const size_t from = start == std::string::npos ? 0 : start + 1;
        const size_t end = s.find('\n', from);
        const std::string line =
            s.substr(from, end == std::string::npos ? std::string::npos : end - from + 1);
        s.insert(from, line);
        break;
      }
      case 10: {  // delete a line
        const size_t end = s.find('\n', at);
        const size_t start = s.rfind('\n', at == 0 ? 0 : at - 1);
        const size_t from = start == std::string::npos ? 0 : start + 1;
        s.erase(from, end == std::string::npos ? std::string::npos : end - from + 1);
        break;
      }
      case 11: {  // a digit changed: counts, days and ranges
        std::vector<size_t> digits;
        for (size_t i = 0; i < s.size(); ++i) {
          if (s[i] >= '0' && s[i] <= '9') digits.push_back(i);
        }
        if (!digits.empty()) s[digits[Below(digits.size())]] = static_cast<char>('0' + Below(10));
        break;
      }
      default: {  // a CSV cell or JSON key replaced
        const size_t comma = s.find(',', at);
        if (comma == std::string::npos) break;
        const size_t end = ValueEnd(s, comma + 1);
        s.replace(comma + 1, end - (comma + 1), tokens[Below(tokens.size())]);
        break;
      }
    }
  }

  std::mt19937_64 rng_;
  size_t max_len_;
};

bool Flag(std::string_view arg, std::string_view name, uint64_t* value) {
  if (!arg.starts_with(name)) return false;
  *value = std::strtoull(std::string(arg.substr(name.size())).c_str(), nullptr, 10);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t seconds = 5, runs = UINT64_MAX, seed = 1, max_len = 1 << 20;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (Flag(arg, "-max_total_time=", &seconds) || Flag(arg, "-runs=", &runs) ||
        Flag(arg, "-seed=", &seed) || Flag(arg, "-max_len=", &max_len)) {
      continue;
    }
    if (arg.starts_with("-")) {
      std::fprintf(stderr, "fuzz: ignoring %s\n", argv[i]);
      continue;
    }
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      std::vector<fs::path> in_dir;
      for (const auto& e : fs::directory_iterator(arg)) {
        if (e.is_regular_file()) in_dir.push_back(e.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
    } else {
      files.emplace_back(arg);
    }
  }
  const std::string target = fs::path(argv[0]).filename().string();
  std::vector<std::string> corpus;
  for (const fs::path& f : files) corpus.push_back(ReadWholeFile(f));
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) ::signal(sig, OnCrash);

  uint64_t run = 0;
  auto one = [&](const std::string& input) {
    std::snprintf(g_crash_path, sizeof g_crash_path, "crash-%s-%llu", target.c_str(),
                  static_cast<unsigned long long>(run));
    g_current = &input;
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    g_current = nullptr;
    ++run;
  };
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& input : corpus) one(input);
  const uint64_t seeds = run;
  if (corpus.empty()) corpus.emplace_back();
  Mutator mutator(seed, max_len);
  const auto deadline = start + std::chrono::seconds(seconds);
  while (run < runs) {
    // The clock is read every 16 runs: cheap, and at most 16 runs late.
    if (run % 16 == 0 && std::chrono::steady_clock::now() >= deadline) break;
    one(mutator.Mutate(corpus[mutator.Below(corpus.size())], corpus));
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fuzz %s: %llu seed inputs and %llu mutations in %.1f s (%.0f runs/s), no crash\n",
              target.c_str(), static_cast<unsigned long long>(seeds),
              static_cast<unsigned long long>(run - seeds), elapsed,
              elapsed > 0 ? static_cast<double>(run) / elapsed : 0.0);
  return 0;
}
