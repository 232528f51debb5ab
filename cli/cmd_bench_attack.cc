// ledger bench attack: the server's memory and a normal client's latency under hostile clients
// (issue 14, "Memory bounded by design"; docs/cli.md, "Benchmarks"). A server on a scratch
// ledger runs in this process, over loopback sockets, so that its resident memory is this
// process's (/proc/self/statm). Phases, in order:
//   idle       the resident memory once the server is up, before anything is sent;
//   baseline   a normal client alone: paced GET /v1/head and single appends, latency recorded;
//   attack     for each role (and without a token), --connections connections to each of
//              POST /v1/groups/g/ack and POST /v1/events/batch, each sending a --body-mib body of
//              empty objects ([{},{},...]) again and again (--pause-ms after each answer) for
//              --seconds, while the normal client runs; resident memory sampled every 5 ms for
//              its peak;
//   after      the resident memory 2 s after the attack ends (memory handed back);
//   slowloris  --slowloris sockets each sending one header byte a second for --seconds, while
//              the normal client runs;
//   revocation --revocation-runs rounds: one session of each kind (SSE, WebSocket, kept-alive
//              HTTP, binary subscription, idle binary connection) under a fresh token, the token
//              revoked, the time to each session's close (bench_revocation.h).
// The attackers stream their bodies from one small shared buffer and the normal client keeps a
// few KiB, so what grows in this process during the attack is the server's.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "base/mutex.h"
#include "bench_common.h"
#include "bench_revocation.h"
#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/master_key.h"
#include "server/client.h"
#include "server/server.h"
#include "server/token_store.h"

namespace ledger::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Args {
  int connections = 12;     // per role and route
  int body_mib = 16;        // each attacking body
  int seconds = 10;         // each timed phase
  int slowloris = 200;      // slowloris sockets
  int revocation_runs = 5;  // rounds of the revocation phase
  // The attacking threads' scheduling: "idle" (SCHED_IDLE), "low" (nice 19) or "normal".
  std::string attackers = "idle";
  int rate = 50;               // the normal client's requests per second
  int pause_ms = 250;          // each attacker's mean pause between answer and next body
  bool lockstep = false;       // every attacker pauses exactly pause_ms (waves), not at random
  size_t max_body_memory = 0;  // the local server's --max-body-memory (0: the default)
  std::string format = "table";
  std::string dir;
};

// A role's token; an empty token attacks without one.
struct Attacker {
  std::string role;
  std::string token;
};

uint64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

// Samples the resident memory every 5 ms while it runs; peak() is the largest sample.
class RssSampler {
 public:
  RssSampler() : thread_([this] { Run(); }) {}
  ~RssSampler() {
    stop_ = true;
    thread_.join();
  }
  uint64_t peak() const { return peak_.load(); }

 private:
  void Run() {
    while (!stop_) {
      const uint64_t now = ResidentBytes();
      if (now > peak_) peak_ = now;
      std::this_thread::sleep_for(milliseconds(5));
    }
  }
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> peak_{0};
  std::thread thread_;
};

// The normal client: one kept-alive connection, a request every 1/rate s, alternately
// GET /v1/head and a single durable append, until `stop`. Latencies in ms, per kind.
struct Latencies {
  std::vector<double> head, append, all;
  std::vector<double> sent_at;  // all[i]'s request was sent sent_at[i] ms into the phase
  uint64_t failures = 0;
};

Latencies RunNormalClient(const server::ClientOptions& options, const SigningKey& key, int rate,
                          const std::atomic<bool>& stop) {
  Latencies out;
  auto client = server::Client::Connect(options);
  if (!client.ok()) {
    out.failures = 1;
    return out;
  }
  const auto start = Clock::now();
  for (int64_t i = 0; !stop; ++i) {
    std::this_thread::sleep_until(start + std::chrono::microseconds(i * 1000000 / rate));
    const bool append = i % 2 == 1;
    std::string body;
    if (append) {
      // A new case each time: a second case.opened on one stream would be refused.
      static const std::string kRun = NewEventId();
      static std::atomic<uint64_t> next_case{0};
      body =
          server::SignedEventBody(
              BenchCaseOpenedJson("normal-" + kRun + "-" + std::to_string(next_case++)).dump(), key)
              .value();
    }
    const auto sent = Clock::now();
    auto r = append ? (*client)->Post("/v1/events", body) : (*client)->Get("/v1/head");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
    if (!r.ok() || r->status >= 300) {
      ++out.failures;
      continue;
    }
    (append ? out.append : out.head).push_back(ms);
    out.all.push_back(ms);
    out.sent_at.push_back(std::chrono::duration<double, std::milli>(sent - start).count());
  }
  return out;
}

nlohmann::ordered_json LatencyJson(const Latencies& l) {
  nlohmann::ordered_json j;
  j["requests"] = l.all.size();
  j["failures"] = l.failures;
  j["p50_ms"] = Percentile(l.all, 0.5);
  j["p99_ms"] = Percentile(l.all, 0.99);
  j["head_p99_ms"] = Percentile(l.head, 0.99);
  j["append_p99_ms"] = Percentile(l.append, 0.99);
  // The five slowest, with when they were sent: a tail at the phase's start (the attack's
  // connections arriving at once) reads differently from one spread over it.
  std::vector<size_t> order(l.all.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  const size_t n = std::min<size_t>(5, order.size());
  std::partial_sort(order.begin(), order.begin() + n, order.end(),
                    [&](size_t x, size_t y) { return l.all[x] > l.all[y]; });
  j["slowest"] = nlohmann::ordered_json::array();
  for (size_t k = 0; k < n; ++k) {
    j["slowest"].push_back({{"ms", l.all[order[k]]}, {"sent_at_ms", l.sent_at[order[k]]}});
  }
  return j;
}

int Connect(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

bool Readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0;
}

// The status of the response on `fd` (waits up to 15 s); 0 if none came.
int ReadStatus(int fd) {
  timeval tv{15, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string got;
  char buf[4096];
  while (got.size() < 12) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  if (got.size() < 12 || got.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(got.c_str() + 9);
}

// One attacking body: `prefix`, `count` empty objects separated by commas, `suffix`, spaces up
// to `length` bytes. Sent from one shared buffer of the repeating "{}," (this client keeps no
// copy of the body).
struct HostileBody {
  std::string prefix, suffix;
  size_t length = 0;
  size_t count = 0;
  static const std::string& Pattern() {
    static const std::string kPattern = [] {
      std::string p;
      for (int i = 0; i < 21845; ++i) p += "{},";
      return p;
    }();
    return kPattern;
  }
  HostileBody(std::string p, std::string s, size_t len)
      : prefix(std::move(p)), suffix(std::move(s)), length(len) {
    count = (length - prefix.size() - suffix.size() + 1) / 3;
  }
};

bool SendAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    if (Readable(fd)) return false;  // the server answered (and stops reading)
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Sends one hostile request; the status of its answer.
int SendHostile(uint16_t port, const std::string& path, const std::string& token,
                const HostileBody& body) {
  const int fd = Connect(port);
  if (fd < 0) return -1;
  std::string header = "POST " + path + " HTTP/1.1\r\nHost: bench\r\n";
  if (!token.empty()) header += "Authorization: Bearer " + token + "\r\n";
  header += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.length) +
            "\r\n\r\n" + body.prefix;
  bool sending = SendAll(fd, header.data(), header.size());
  const std::string& pattern = HostileBody::Pattern();
  const size_t per_chunk = pattern.size() / 3;
  // count - 1 objects with their commas, then the last one without.
  for (size_t left = body.count - 1; sending && left > 0;) {
    const size_t n = std::min(left, per_chunk);
    sending = SendAll(fd, pattern.data(), n * 3);
    left -= n;
  }
  if (sending) {
    std::string tail = "{}" + body.suffix;
    tail.append(body.length - body.prefix.size() - (body.count * 3 - 1) - body.suffix.size(), ' ');
    SendAll(fd, tail.data(), tail.size());
  }
  const int status = ReadStatus(fd);
  ::close(fd);
  return status;
}

// Attackers on this machine take its cores from the server and the normal client alike; at a
// lower priority (Linux scheduling is per thread) they take what is left, which is what
// attackers on other machines would cost: only the server's own work. "idle" (SCHED_IDLE) comes
// closest: the scheduler then treats a core running only attackers as free for the server.
void SetAttackerPriority(const std::string& attackers) {
  if (attackers == "idle") {
    sched_param none{};
    ::pthread_setschedparam(::pthread_self(), SCHED_IDLE, &none);
  } else if (attackers == "low") {
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
  }
}

// Phase: the body attack. Returns the answers counted per role, route and status.
nlohmann::ordered_json RunBodyAttack(uint16_t port, const std::vector<Attacker>& attackers,
                                     const Args& a, const std::atomic<bool>& stop) {
  const size_t length = static_cast<size_t>(a.body_mib) << 20;
  const std::vector<std::pair<std::string, HostileBody>> routes = {
      {"/v1/groups/g/ack", HostileBody("[", "]", length)},
      {"/v1/events/batch", HostileBody("{\"events\":[", "]}", length)},
  };
  Mutex mu;
  std::map<std::string, std::map<std::string, std::map<int, uint64_t>>> answers;
  std::vector<std::thread> threads;
  for (const Attacker& who : attackers) {
    for (const auto& [path, body] : routes) {
      for (int c = 0; c < a.connections; ++c) {
        threads.emplace_back([&, path = path, body = &body] {
          SetAttackerPriority(a.attackers);
          ::pthread_setname_np(::pthread_self(), "bench-attacker");
          std::map<int, uint64_t> mine;
          // Independent attackers: a pause drawn uniformly from 0 .. 2 x pause_ms, so that they
          // do not march in waves (--lockstep measures the waves: every pause exactly pause_ms,
          // all started at once).
          std::mt19937 rng(std::random_device{}());
          std::uniform_int_distribution<int> pause(0, 2 * a.pause_ms);
          while (!stop) {
            ++mine[SendHostile(port, path, who.token, *body)];
            std::this_thread::sleep_for(milliseconds(a.lockstep ? a.pause_ms : pause(rng)));
          }
          MutexLock lock(mu);
          for (const auto& [status, n] : mine) answers[who.role][path][status] += n;
        });
      }
    }
  }
  for (auto& t : threads) t.join();
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [role, by_path] : answers) {
    for (const auto& [path, by_status] : by_path) {
      for (const auto& [status, n] : by_status) {
        out[role][path][status > 0 ? std::to_string(status) : "no answer"] = n;
      }
    }
  }
  return out;
}

// Phase: slowloris. `sockets` connections each send one byte of a never-ending header a second;
// one closed by the server (its 408) is opened again. Returns the connections opened.
uint64_t RunSlowloris(uint16_t port, int sockets, const std::atomic<bool>& stop) {
  const std::string drip = "GET /v1/head HTTP/1.1\r\nHost: bench\r\nX-Slow: ";
  std::vector<int> fds(static_cast<size_t>(sockets), -1);
  std::vector<size_t> sent(fds.size(), 0);
  uint64_t opened = 0;
  while (!stop) {
    const auto round = Clock::now();
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i] >= 0 && Readable(fds[i])) {  // answered (408) or closed
        ::close(fds[i]);
        fds[i] = -1;
      }
      if (fds[i] < 0) {
        fds[i] = Connect(port);
        sent[i] = 0;
        if (fds[i] >= 0) ++opened;
      }
      if (fds[i] < 0) continue;
      const char byte = sent[i] < drip.size() ? drip[sent[i]] : 'a';
      if (::send(fds[i], &byte, 1, MSG_NOSIGNAL) != 1) {
        ::close(fds[i]);
        fds[i] = -1;
      }
      ++sent[i];
    }
    std::this_thread::sleep_until(round + milliseconds(1000));
  }
  for (int fd : fds) {
    if (fd >= 0) ::close(fd);
  }
  return opened;
}

// Runs `attack` for `seconds` with the normal client beside it; the normal client's latencies.
template <typename Attack>
Latencies WithNormalClient(const server::ClientOptions& normal, const SigningKey& key,
                           const Args& a, Attack attack) {
  std::atomic<bool> stop{false};
  Latencies latencies;
  std::thread client([&] {
    ::pthread_setname_np(::pthread_self(), "bench-client");
    latencies = RunNormalClient(normal, key, a.rate, stop);
  });
  std::atomic<bool> attack_stop{false};
  std::thread attacker([&] { attack(attack_stop); });
  std::this_thread::sleep_for(std::chrono::seconds(a.seconds));
  attack_stop = true;
  stop = true;
  attacker.join();
  client.join();
  return latencies;
}

std::string Mib(uint64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20));
}

int Run(const Args& a) {
  if (a.connections < 1 || a.body_mib < 1 || a.seconds < 1 || a.rate < 1 || a.slowloris < 0 ||
      a.pause_ms < 0 || a.revocation_runs < 1) {
    return Fail(Status::InvalidArgument(
        "--connections, --body-mib, --seconds, --rate and --revocation-runs must be positive, "
        "--slowloris and --pause-ms not negative"));
  }
  if (a.format != "table" && a.format != "json") {
    return Fail(Status::InvalidArgument("--format is table or json, not \"" + a.format + "\""));
  }
  // Every attacker and slowloris socket holds a descriptor.
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &nofile);
  }
  const std::string scratch =
      a.dir.empty()
          ? (std::filesystem::temp_directory_path() / ("ledger-bench-attack-" + NewEventId()))
                .string()
          : a.dir;
  const std::string data = scratch + "/data";
  std::error_code ec;
  std::filesystem::create_directories(scratch, ec);
  auto ledger_key = SigningKey::Generate("bench.example/ledger").value();
  auto admin = SigningKey::Generate("bench-admin").value();
  LedgerOptions lo;
  lo.master_key = MasterKey::Generate();
  lo.checkpoint_key = ledger_key;
  std::vector<Attacker> attackers;
  std::optional<SigningKey> caseworker;
  {
    auto ledger = CreateLedgerWithAdmin(data, ledger_key, admin, lo);
    if (!ledger.ok()) return Fail(ledger.status());
    for (const char* role_name :
         {"caseworker", "subscriber", "evaluator", "auditor", "dpo", "service"}) {
      const std::string role = role_name;
      auto key = SigningKey::Generate("bench-" + role).value();
      const std::vector<std::string> scope =
          role == "subscriber" ? std::vector<std::string>{"case/"} : std::vector<std::string>{};
      if (auto r = RegisterKey(**ledger, admin, key.verifier(), role, scope); !r.ok()) {
        return Fail(r.status());
      }
      auto token =
          server::TokenStore::Create(server::TokensPath(data), key.key_id_hex(), role, "bench");
      if (!token.ok()) return Fail(token.status());
      attackers.push_back({role, token->token});
      if (role == "caseworker") caseworker = key;
    }
    auto token =
        server::TokenStore::Create(server::TokensPath(data), admin.key_id_hex(), "admin", "bench");
    if (!token.ok()) return Fail(token.status());
    attackers.push_back({"admin", token->token});
    attackers.push_back({"unauthenticated", ""});
  }
  // The normal client is a caseworker of its own token.
  auto normal_token = server::TokenStore::Create(server::TokensPath(data), caseworker->key_id_hex(),
                                                 "caseworker", "normal");
  if (!normal_token.ok()) return Fail(normal_token.status());
  server::ServerOptions so;
  so.data_dir = data;
  so.http_port = 0;
  so.binary_port = 0;  // ephemeral: the revocation phase opens binary sessions
  so.ledger_options = lo;
  so.limits.requests_per_second = 0;  // the limits under test, not the rate limiter
  so.limits.max_connections = 8192;
  // Every attacker comes from 127.0.0.1: the per-address limit (which would refuse most of them
  // with too_many_connections) is lifted, so that the bodies reach the limits under test.
  so.limits.max_connections_per_address = 8192;
  if (a.max_body_memory > 0) so.limits.max_body_memory = a.max_body_memory;
  const server::ServerLimits limits = so.limits;
  auto started = server::Server::Start(std::move(so));
  if (!started.ok()) return Fail(started.status());
  std::unique_ptr<server::Server> local = std::move(started).value();
  const uint16_t port = local->http_port();
  fmt::print(stderr, "bench attack: scratch server on 127.0.0.1:{} ({})\n", port, scratch);
  server::ClientOptions normal;
  normal.port = port;
  normal.token = normal_token->token;
  normal.timeout = milliseconds(30000);
  // Warm up: the first appends open files and fill caches.
  {
    std::atomic<bool> stop{false};
    std::thread warm([&] { RunNormalClient(normal, *caseworker, a.rate, stop); });
    std::this_thread::sleep_for(milliseconds(1000));
    stop = true;
    warm.join();
  }

  nlohmann::ordered_json report;
  report["server"] = {{"max_body_bytes", limits.max_body_bytes},
                      {"max_body_memory", limits.max_body_memory},
                      {"read_timeout_ms", limits.read_timeout.count()},
                      {"cores", std::thread::hardware_concurrency()},
                      {"attackers", a.attackers}};
  std::this_thread::sleep_for(milliseconds(500));
  const uint64_t idle = ResidentBytes();
  report["idle_rss_bytes"] = idle;
  fmt::print(stderr, "bench attack: idle {} MiB; baseline...\n", Mib(idle));

  Latencies baseline = WithNormalClient(normal, *caseworker, a, [](const std::atomic<bool>&) {});
  report["baseline"] = LatencyJson(baseline);

  fmt::print(stderr,
             "bench attack: body attack ({} roles x 2 routes x {} connections, {} MiB "
             "bodies, {} s)...\n",
             attackers.size(), a.connections, a.body_mib, a.seconds);
  nlohmann::ordered_json answers;
  uint64_t peak = 0;
  Latencies under_attack;
  {
    RssSampler sampler;
    under_attack = WithNormalClient(normal, *caseworker, a, [&](const std::atomic<bool>& stop) {
      answers = RunBodyAttack(port, attackers, a, stop);
    });
    peak = sampler.peak();
  }
  std::this_thread::sleep_for(milliseconds(2000));
  const uint64_t after = ResidentBytes();
  report["attack"] = {{"connections_per_role_and_route", a.connections},
                      {"pause_ms", a.pause_ms},
                      {"lockstep", a.lockstep},
                      {"body_bytes", static_cast<uint64_t>(a.body_mib) << 20},
                      {"seconds", a.seconds},
                      {"peak_rss_bytes", peak},
                      {"peak_rss_over_idle_bytes", peak > idle ? peak - idle : 0},
                      {"normal_client", LatencyJson(under_attack)},
                      {"answers", answers}};
  report["after"] = {{"rss_bytes_2s_after", after},
                     {"rss_over_idle_bytes", after > idle ? after - idle : 0}};

  fmt::print(stderr, "bench attack: slowloris ({} sockets, {} s)...\n", a.slowloris, a.seconds);
  uint64_t opened = 0;
  Latencies slow = WithNormalClient(normal, *caseworker, a, [&](const std::atomic<bool>& stop) {
    opened = RunSlowloris(port, a.slowloris, stop);
  });
  report["slowloris"] = {{"sockets", a.slowloris},
                         {"connections_opened", opened},
                         {"normal_client", LatencyJson(slow)}};
  fmt::print(stderr, "bench attack: revocation ({} rounds)...\n", a.revocation_runs);
  auto revocation =
      MeasureRevocation({port, local->binary_port(), data, caseworker->key_id_hex(), "caseworker"},
                        a.revocation_runs);
  if (!revocation.ok()) return Fail(revocation.status());
  report["revocation"] = nlohmann::ordered_json::array();
  for (const auto& r : *revocation) {
    report["revocation"].push_back(
        {{"session", r.session},
         {"median_ms", Percentile(r.ms, 0.5)},
         {"max_ms", r.ms.empty() ? 0.0 : *std::max_element(r.ms.begin(), r.ms.end())},
         {"runs", r.ms.size()},
         {"not_closed_within_5s", r.not_closed}});
  }
  report["targets"] = {{"peak_rss_over_idle_bytes", uint64_t{512} << 20},
                       {"normal_p99_ms", 10},
                       {"revocation_to_close_ms", 1000}};
  report["note"] =
      "the server runs in this process: resident memory is the server's plus the clients', which "
      "stream their bodies from one 64 KiB buffer (negligible)";
  local->Stop();
  local.reset();
  if (a.dir.empty()) std::filesystem::remove_all(scratch, ec);

  if (a.format == "json") {
    fmt::print("{}\n", report.dump(2));
    return kExitOk;
  }
  Table out({"measure", "value"});
  out.AddRow({"cores", std::to_string(std::thread::hardware_concurrency())});
  out.AddRow({"server --max-body / --max-body-memory (MiB)",
              Mib(limits.max_body_bytes) + " / " + Mib(limits.max_body_memory)});
  out.AddRow({"attacking threads' scheduling (--attackers)", a.attackers});
  out.AddRow({"idle resident memory (MiB)", Mib(idle)});
  auto latency_rows = [&](const std::string& what, const Latencies& l) {
    out.AddRow({what + ": normal client p50 / p99 (ms)",
                fmt::format("{:.2f} / {:.2f}", Percentile(l.all, 0.5), Percentile(l.all, 0.99))});
    out.AddRow(
        {"  GET /v1/head p99 / single append p99 (ms)",
         fmt::format("{:.2f} / {:.2f}", Percentile(l.head, 0.99), Percentile(l.append, 0.99))});
    out.AddRow({"  requests / failed", fmt::format("{} / {}", l.all.size(), l.failures)});
  };
  latency_rows("no attack", baseline);
  out.AddRow({fmt::format("body attack: {} roles x 2 routes x {} conns, {} MiB bodies, {} s",
                          attackers.size(), a.connections, a.body_mib, a.seconds),
              ""});
  out.AddRow({"  peak resident memory over idle (MiB)", Mib(peak > idle ? peak - idle : 0)});
  out.AddRow({"  target (MiB)", "<= 512"});
  latency_rows("  during the attack", under_attack);
  for (const auto& [role, by_path] : answers.items()) {
    for (const auto& [path, by_status] : by_path.items()) {
      std::string counts;
      for (const auto& [status, n] : by_status.items()) {
        counts += (counts.empty() ? "" : ", ") + status + ": " + std::to_string(n.get<uint64_t>());
      }
      out.AddRow({"  answers to " + role + " " + path, counts});
    }
  }
  out.AddRow({"2 s after the attack: resident memory over idle (MiB)",
              Mib(after > idle ? after - idle : 0)});
  out.AddRow(
      {fmt::format("slowloris: {} sockets, a header byte a second, {} s", a.slowloris, a.seconds),
       fmt::format("{} connections", opened)});
  latency_rows("  during slowloris", slow);
  out.AddRow({"target normal client p99 (ms)", "< 10"});
  out.AddRow(
      {fmt::format("revocation to close, median / max of {} rounds (ms)", a.revocation_runs), ""});
  for (const auto& r : *revocation) {
    out.AddRow(
        {"  " + r.session,
         r.ms.empty()
             ? "never closed"
             : fmt::format("{:.0f} / {:.0f}{}", Percentile(r.ms, 0.5),
                           *std::max_element(r.ms.begin(), r.ms.end()),
                           r.not_closed ? fmt::format(" ({} not closed)", r.not_closed) : "")});
  }
  out.AddRow({"target revocation to close (ms)", "<= 1000"});
  fmt::print("{}", out.Render());
  fmt::print(
      "(the server runs in this process; the attackers stream from one 64 KiB buffer, so "
      "the memory measured is the server's)\n");
  return kExitOk;
}

}  // namespace

void RegisterBenchAttackCommand(CLI::App& app, int* exit_code) {
  CLI::App* bench = app.get_subcommand("bench");
  auto a = std::make_shared<Args>();
  auto* cmd = bench->add_subcommand(
      "attack", "The server's memory and a normal client's latency under hostile clients");
  cmd->add_option("--connections", a->connections, "Attacking connections per role and route")
      ->capture_default_str();
  cmd->add_option("--body-mib", a->body_mib, "Size of each attacking body")->capture_default_str();
  cmd->add_option("--seconds", a->seconds, "Length of each timed phase")->capture_default_str();
  cmd->add_option("--slowloris", a->slowloris, "Slowloris sockets")->capture_default_str();
  cmd->add_option("--attackers", a->attackers,
                  "Scheduling of the attacking threads: idle (SCHED_IDLE: they use only what the "
                  "server leaves, as attackers on other machines would), low (nice 19) or normal "
                  "(they compete with the server for the cores)")
      ->check(CLI::IsMember({"idle", "low", "normal"}))
      ->capture_default_str();
  cmd->add_option("--revocation-runs", a->revocation_runs,
                  "Rounds of the revocation phase (one session of each kind per round)")
      ->capture_default_str();
  cmd->add_option("--rate", a->rate, "The normal client's requests per second")
      ->capture_default_str();
  cmd->add_flag("--lockstep", a->lockstep,
                "Every attacker pauses exactly --pause-ms, so that they send in waves (default: a "
                "random pause of 0 to twice --pause-ms each)");
  cmd->add_option("--pause-ms", a->pause_ms,
                  "Each attacker's pause between an answer and its next body")
      ->capture_default_str();
  cmd->add_option("--max-body-memory", a->max_body_memory,
                  "The local server's --max-body-memory (default: serve's)");
  cmd->add_option("--format", a->format, "table or json")->capture_default_str();
  cmd->add_option("--dir", a->dir, "Scratch directory for the server (kept)");
  cmd->callback([=] { *exit_code = Run(*a); });
}

}  // namespace ledger::cli
