// ledger bench server: the server measured over loopback with real sockets (docs/cli.md,
// "Benchmarks"): batched appends from many clients, single durable appends at a fixed rate, and
// many WebSocket subscribers receiving every event while events are appended at a fixed rate.
//
// Against a running server (--url, --token for a caseworker key, --key that key, --sub-token for
// the subscribers), or, without --url, against a server this command starts on a scratch ledger
// in the same process (still over loopback sockets).
#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/mutex.h"
#include "bench_common.h"
#include "bench_scratch_server.h"
#include "bench_server_target.h"
#include "bench_signed_events.h"
#include "bench_websocket_subscribers.h"
#include "cli_common.h"
#include "commands.h"
#include "ledger/event_codec.h"
#include "ledger/key_admin.h"
#include "ledger/time_format.h"
#include "server/binary_protocol.h"
#include "server/client.h"
#include "server/server.h"

namespace ledger::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Args {
  std::string url, binary_url, token, key, sub_token, dir;
  int clients = 16, batch = 256, seconds = 10, rate = 1000, subscribers = 1000;
  int delivery_interval_ms = -1;  // the local server's (-1: ServerOptions' default)
  int reports = 64;               // the reports phase's concurrent report clients
  int report_threads = 0;         // the local server's (0: ServerOptions' default)
  std::string phases = "batch,binary,single,subscribe";
};

// The server measured, and the machine's own limit for appends: Ed25519 verifications per
// second on every core (RawVerifyRate), measured in this run.
struct Target : BenchServerTarget {
  double verify_per_s = 0;
};

// The machine's own limit for appends, measured in the same run: Ed25519 verifications per
// second on every core (the server verifies each event once), over the benchmark's own events.
double RawVerifyRate(const SigningKey& key, double seconds) {
  const auto sample = SignBenchEvents(key, 512, "bv-" + NewEventId() + "-");
  std::vector<std::string> messages;
  for (const auto& e : sample) messages.push_back(EventSigningMessage(e.event));
  const VerifierKey verifier = key.verifier();
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> total{0}, failures{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < std::max(1u, std::thread::hardware_concurrency()); ++t) {
    pool.emplace_back([&, t] {
      uint64_t n = 0;
      for (size_t i = t; !stop.load(std::memory_order_relaxed); i = (i + 1) % messages.size()) {
        if (!verifier.Verify(messages[i], sample[i].signature)) ++failures;
        ++n;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const double rate = static_cast<double>(total.load()) /
                      std::chrono::duration<double>(Clock::now() - start).count();
  return failures ? 0 : rate;
}

std::string RatioText(double rate, double limit) {
  return limit > 0 ? fmt::format("{:.2f}", rate / limit) : "-";
}

// Phase 1: `clients` connections each posting batches of `batch` events.
void BenchBatch(const Target& t, const Args& a, Table& out) {
  const size_t per_client = static_cast<size_t>(std::max(1, a.batch)) * 12;
  auto events = SignBenchEvents(*t.key, per_client * static_cast<size_t>(a.clients),
                                "bb-" + NewEventId() + "-");
  std::vector<std::string> bodies;
  for (size_t i = 0; i < events.size(); i += static_cast<size_t>(a.batch)) {
    std::vector<SignedEvent> chunk(
        events.begin() + static_cast<long>(i),
        events.begin() +
            static_cast<long>(std::min(events.size(), i + static_cast<size_t>(a.batch))));
    bodies.push_back(server::BatchBody(chunk, false).value());
  }
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> ok{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < a.clients; ++c) {
    threads.emplace_back([&] {
      auto client = server::Client::Connect(BenchClientOptions(t, t.token));
      if (!client.ok()) return;
      for (size_t i; (i = next++) < bodies.size();) {
        auto r = (*client)->Post("/v1/events/batch", bodies[i]);
        if (r.ok() && r->status == 200)
          ok += nlohmann::json::parse(r->body)["appended"].get<uint64_t>();
      }
    });
  }
  for (auto& th : threads) th.join();
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  const double rate = static_cast<double>(ok) / s;
  out.AddRow(
      {fmt::format("batched appends, HTTP/JSON, {} clients x {} (events/s)", a.clients, a.batch),
       Thousands(static_cast<uint64_t>(rate))});
  out.AddRow({"  ratio to raw Ed25519 verify, all cores", RatioText(rate, t.verify_per_s)});
  out.AddRow({"  target", ">= 20,000"});
  out.AddRow({"  events appended", Thousands(ok)});
}

// A blocking binary-protocol connection (docs/protocol.md), enough for the benchmark.
class BinaryConn {
 public:
  BinaryConn(const std::string& host, uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
    ok_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~BinaryConn() { ::close(fd_); }
  bool Send(const std::string& frame) {
    for (size_t done = 0; ok_ && done < frame.size();) {
      ssize_t n = ::send(fd_, frame.data() + done, frame.size() - done, MSG_NOSIGNAL);
      if (n <= 0)
        ok_ = false;
      else
        done += static_cast<size_t>(n);
    }
    return ok_;
  }
  std::optional<server::binary::ServerMessage> Next() {
    std::string header = Read(4);
    if (header.size() != 4) return std::nullopt;
    auto n = server::binary::FrameLength(header, 1u << 30);
    if (!n.ok()) return std::nullopt;
    std::string body = Read(*n);
    if (body.size() != *n) return std::nullopt;
    auto m = server::binary::DecodeServerMessage(body);
    if (!m.ok()) return std::nullopt;
    return std::move(m).value();
  }

 private:
  std::string Read(size_t n) {
    std::string out(n, '\0');
    for (size_t done = 0; done < n;) {
      ssize_t r = ::recv(fd_, out.data() + done, n - done, 0);
      if (r <= 0) return "";
      done += static_cast<size_t>(r);
    }
    return out;
  }
  int fd_;
  bool ok_ = false;
};

// Phase 1b: the same batches over the binary protocol (canonical bytes, no JSON).
void BenchBatchBinary(const Target& t, const Args& a, Table& out) {
  const size_t per_client = static_cast<size_t>(std::max(1, a.batch)) * 12;
  auto events = SignBenchEvents(*t.key, per_client * static_cast<size_t>(a.clients),
                                "bn-" + NewEventId() + "-");
  std::vector<std::string> frames;
  for (size_t i = 0; i < events.size(); i += static_cast<size_t>(a.batch)) {
    server::binary::AppendBatch b;
    b.request_id = i;
    b.events.assign(events.begin() + static_cast<long>(i),
                    events.begin() + static_cast<long>(std::min(events.size(),
                                                                i + static_cast<size_t>(a.batch))));
    frames.push_back(server::binary::EncodeFrame(server::binary::ClientMessage(std::move(b))));
  }
  std::atomic<size_t> next{0};
  std::atomic<uint64_t> ok{0};
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < a.clients; ++c) {
    threads.emplace_back([&] {
      BinaryConn conn(t.host, t.binary_port);
      conn.Send(server::binary::EncodeFrame(
          server::binary::ClientMessage(server::binary::Hello{t.token})));
      if (!conn.Next()) return;
      for (size_t i; (i = next++) < frames.size();) {
        if (!conn.Send(frames[i])) return;
        auto m = conn.Next();
        if (!m) return;
        if (auto* r = std::get_if<server::binary::AppendReply>(&*m)) {
          for (const auto& e : r->results) ok += e.ok ? 1 : 0;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  const double s = std::chrono::duration<double>(Clock::now() - start).count();
  const double rate = static_cast<double>(ok) / s;
  out.AddRow({fmt::format("batched appends, binary protocol, {} clients x {} (events/s)", a.clients,
                          a.batch),
              Thousands(static_cast<uint64_t>(rate))});
  out.AddRow({"  ratio to raw Ed25519 verify, all cores", RatioText(rate, t.verify_per_s)});
  out.AddRow({"  target", ">= 20,000"});
}

// Phase 2: single durable appends paced at `rate` per second from 8 clients.
void BenchSingle(const Target& t, const Args& a, Table& out) {
  const size_t n = static_cast<size_t>(a.rate) * static_cast<size_t>(a.seconds);
  const auto bodies = SignBenchEventBodies(*t.key, n, "bs-" + NewEventId() + "-");
  constexpr int kClients = 8;
  Mutex mu;
  std::vector<double> latencies;
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      auto client = server::Client::Connect(BenchClientOptions(t, t.token));
      if (!client.ok()) return;
      std::vector<double> mine;
      for (size_t i = static_cast<size_t>(c); i < n; i += kClients) {
        const auto due =
            start + std::chrono::microseconds(static_cast<int64_t>(i) * 1000000 / a.rate);
        std::this_thread::sleep_until(due);
        const auto sent = Clock::now();
        auto r = (*client)->Post("/v1/events", bodies[i]);
        if (r.ok() && r->status == 201) {
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        }
      }
      MutexLock lock(mu);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
    });
  }
  for (auto& th : threads) th.join();
  out.AddRow({fmt::format("single durable appends at {}/s: p50 (ms)", a.rate),
              fmt::format("{:.2f}", Percentile(latencies, 0.5))});
  out.AddRow({"  p99 (ms)", fmt::format("{:.2f}", Percentile(latencies, 0.99))});
  out.AddRow({"  target p99 (ms)", "<= 10"});
  out.AddRow({"  acknowledged", Thousands(latencies.size())});
}

// Phase 4 (issue 14): `reports` clients each asking for the compliance report over and over
// (each replays the whole log: run it after the batch phase has filled the ledger) while single
// appends are paced at `rate` from 8 clients and one client reads /v1/head 20 times a second:
// the latency appends and reads keep beside heavy requests. A 503 busy waits its Retry-After.
void BenchReports(const Target& t, const Args& a, Table& out) {
  const size_t n = static_cast<size_t>(a.rate) * static_cast<size_t>(a.seconds);
  const auto bodies = SignBenchEventBodies(*t.key, n, "br-" + NewEventId() + "-");
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> answered{0}, busy{0}, failed{0};
  std::vector<std::thread> reporters;
  for (int r = 0; r < a.reports; ++r) {
    reporters.emplace_back([&] {
      auto client = server::Client::Connect(BenchClientOptions(t, t.sub_token));
      if (!client.ok()) {
        ++failed;
        return;
      }
      while (!stop.load()) {
        auto res = (*client)->Get("/v1/reports/compliance");
        if (res.ok() && res->status == 200) {
          ++answered;
        } else if (res.ok() && res->status == 503) {
          ++busy;
          std::this_thread::sleep_for(std::chrono::seconds(1));
        } else {
          ++failed;
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(500));  // the reports under way
  Mutex mu;
  std::vector<double> appends, heads;
  std::atomic<bool> appending{true};
  std::thread reader([&] {
    auto client = server::Client::Connect(BenchClientOptions(t, t.sub_token));
    if (!client.ok()) return;
    std::vector<double> mine;
    while (appending.load()) {
      const auto sent = Clock::now();
      auto r = (*client)->Get("/v1/head");
      if (r.ok() && r->status == 200) {
        mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
      }
      std::this_thread::sleep_until(sent + milliseconds(50));
    }
    MutexLock lock(mu);
    heads = std::move(mine);
  });
  constexpr int kClients = 8;
  const auto start = Clock::now();
  std::vector<std::thread> writers;
  for (int c = 0; c < kClients; ++c) {
    writers.emplace_back([&, c] {
      auto client = server::Client::Connect(BenchClientOptions(t, t.token));
      if (!client.ok()) return;
      std::vector<double> mine;
      for (size_t i = static_cast<size_t>(c); i < n; i += kClients) {
        std::this_thread::sleep_until(
            start + std::chrono::microseconds(static_cast<int64_t>(i) * 1000000 / a.rate));
        const auto sent = Clock::now();
        auto r = (*client)->Post("/v1/events", bodies[i]);
        if (r.ok() && r->status == 201) {
          mine.push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        }
      }
      MutexLock lock(mu);
      appends.insert(appends.end(), mine.begin(), mine.end());
    });
  }
  for (auto& th : writers) th.join();
  appending = false;
  reader.join();
  stop = true;
  for (auto& th : reporters) th.join();
  auto ms = [](const std::vector<double>& v) {
    return fmt::format("{:.2f} / {:.2f} / {:.2f}", Percentile(v, 0.5), Percentile(v, 0.99),
                       v.empty() ? 0.0 : *std::max_element(v.begin(), v.end()));
  };
  out.AddRow({fmt::format("{} clients asking for compliance reports; appends at {}/s: "
                          "append p50 / p99 / max (ms)",
                          a.reports, a.rate),
              ms(appends)});
  out.AddRow({"  acknowledged", Thousands(appends.size())});
  out.AddRow({"  GET /v1/head 20/s: p50 / p99 / max (ms)", ms(heads)});
  out.AddRow({"  reports answered, refused busy, failed",
              fmt::format("{}, {}, {}", answered.load(), busy.load(), failed.load())});
}

// Phase 3: `subscribers` WebSocket subscribers from the end; events appended at `rate`/s;
// delivery lag = arrival time - the entry's recorded_at (the server's clock at commit).
void BenchSubscribe(const Target& t, const Args& a, Table& out) {
  const auto f = RunWebSocketSubscribers(t, a.subscribers, a.rate, a.seconds);
  out.AddRow(
      {fmt::format("{} WebSocket subscribers at {} events/s: lag p50 (ms)", a.subscribers, a.rate),
       fmt::format("{:.1f}", f.delivery.lag_p50_ms)});
  out.AddRow({"  lag p99 (ms)", fmt::format("{:.1f}", f.delivery.lag_p99_ms)});
  out.AddRow({"  target p99 (ms)", "<= 100"});
  out.AddRow({"  subscribers that received every event",
              fmt::format("{} of {}", f.delivery.receivers_complete, a.subscribers)});
  out.AddRow({"  server resident memory (MiB)", Thousands(f.server_rss_bytes >> 20)});
  out.AddRow({"  target memory (MiB)", "< 1,024"});
}

int Run(const Args& a) {
  Target t;
  std::unique_ptr<server::Server> local;
  std::string scratch;
  if (!a.url.empty()) {
    const size_t colon = a.url.rfind(':');
    if (colon == std::string::npos || a.token.empty() || a.key.empty() || a.sub_token.empty()) {
      return Fail(Status::InvalidArgument("--url HOST:PORT needs --token, --key and --sub-token"));
    }
    t.host = a.url.substr(0, colon);
    t.port = static_cast<uint16_t>(std::stoi(a.url.substr(colon + 1)));
    t.token = a.token;
    t.sub_token = a.sub_token;
    if (!a.binary_url.empty()) {
      t.binary_port =
          static_cast<uint16_t>(std::stoi(a.binary_url.substr(a.binary_url.rfind(':') + 1)));
    }
    auto key = SigningKey::ReadFile(a.key);
    if (!key.ok()) return Fail(key.status());
    t.key = *key;
  } else {
    // A scratch ledger and a server in this process, on loopback.
    scratch =
        a.dir.empty()
            ? (std::filesystem::temp_directory_path() / ("ledger-bench-server-" + NewEventId()))
                  .string()
            : a.dir;
    ScratchServerOptions so;
    so.delivery_interval_ms = a.delivery_interval_ms;
    so.report_threads = a.report_threads;
    auto started = StartScratchServer(scratch, so);
    if (!started.ok()) return Fail(started.status());
    static_cast<BenchServerTarget&>(t) = std::move(started->target);
    local = std::move(started->server);
    fmt::print(stderr, "bench: scratch server on 127.0.0.1:{} ({})\n", t.port, scratch);
  }
  // Each subscriber holds a socket; leave room for them.
  RaiseOpenFileLimit();
  Table out({"measure", "value"});
  t.verify_per_s = RawVerifyRate(*t.key, 1.5);
  out.AddRow({"cores", std::to_string(std::thread::hardware_concurrency())});
  out.AddRow(
      {"raw Ed25519 verify, all cores (/s)", Thousands(static_cast<uint64_t>(t.verify_per_s))});
  if (a.phases.find("batch") != std::string::npos) BenchBatch(t, a, out);
  if (a.phases.find("binary") != std::string::npos && t.binary_port != 0)
    BenchBatchBinary(t, a, out);
  if (a.phases.find("single") != std::string::npos) BenchSingle(t, a, out);
  if (a.phases.find("reports") != std::string::npos) BenchReports(t, a, out);
  if (a.phases.find("subscribe") != std::string::npos) BenchSubscribe(t, a, out);
  fmt::print("{}", out.Render());
  if (local) {
    local->Stop();
    local.reset();
    if (a.dir.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(scratch, ec);
    }
  }
  return kExitOk;
}

}  // namespace

void RegisterBenchServerCommand(CLI::App& app, int* exit_code) {
  CLI::App* bench = app.get_subcommand("bench");
  auto a = std::make_shared<Args>();
  auto* cmd =
      bench->add_subcommand("server", "The server over loopback: appends, latency, subscribers");
  cmd->add_option("--url", a->url, "HOST:PORT of a running server (default: start one here)");
  cmd->add_option("--binary-url", a->binary_url, "HOST:PORT of its binary protocol (batch phase)");
  cmd->add_option("--token", a->token, "Token of a caseworker key (appends)");
  cmd->add_option("--key", a->key, "That caseworker's key file (signs the events)");
  cmd->add_option("--sub-token", a->sub_token, "Token for the subscribers (auditor or subscriber)");
  cmd->add_option("--dir", a->dir, "Scratch directory for a local server (kept)");
  cmd->add_option("--clients", a->clients, "Batch-appending connections")->capture_default_str();
  cmd->add_option("--batch", a->batch, "Events per batch")->capture_default_str();
  cmd->add_option("--seconds", a->seconds, "Length of the paced phases")->capture_default_str();
  cmd->add_option("--rate", a->rate, "Events per second in the paced phases")
      ->capture_default_str();
  cmd->add_option("--subscribers", a->subscribers, "WebSocket subscribers")->capture_default_str();
  cmd->add_option("--phases", a->phases,
                  "Comma-separated: batch, binary, single, reports, subscribe")
      ->capture_default_str();
  cmd->add_option("--reports", a->reports, "Concurrent report clients (reports phase)")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  cmd->add_option("--report-threads", a->report_threads,
                  "The local server's --report-threads (default: serve's)")
      ->check(CLI::Range(0, 512));
  cmd->add_option("--delivery-interval-ms", a->delivery_interval_ms,
                  "The local server's --delivery-interval-ms (default: serve's)")
      ->check(CLI::Range(0, 1000));
  cmd->callback([=] { *exit_code = Run(*a); });
}

}  // namespace ledger::cli
