#include "bench_revocation.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "server/binary_protocol.h"
#include "server/client.h"
#include "server/token_store.h"

namespace ledger::cli {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kWaitForClose{5000};

// A loopback TCP connection: enough to open a session and see when the server closes it.
class Conn {
 public:
  explicit Conn(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) Close();
  }
  ~Conn() { Close(); }
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  bool Send(std::string_view bytes) {
    while (fd_ >= 0 && !bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return fd_ >= 0;
  }
  // Appends what arrives until `done(buffer)` (which may consume what it has seen) or
  // `timeout`; false on timeout or close.
  bool ReadUntil(const std::function<bool(std::string&)>& done, milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    while (!done(buffer_)) {
      const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now());
      if (left.count() <= 0 || !Wait(left)) return false;
      char chunk[16384];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }
  // Reads and drops until the server closes; the time it did, or nullopt after `timeout`.
  std::optional<Clock::time_point> WaitForClose(milliseconds timeout) {
    const auto end = Clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(end - Clock::now());
      if (left.count() <= 0 || !Wait(left)) return std::nullopt;
      char chunk[16384];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return Clock::now();
    }
  }
  std::string& buffer() { return buffer_; }
  bool ok() const { return fd_ >= 0; }

 private:
  bool Wait(milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
  std::string buffer_;
};

// Whether `buffer` holds a whole binary frame of type T at its front (dropping earlier frames).
template <typename T>
bool HasFrame(std::string& buffer) {
  while (buffer.size() >= server::binary::kFrameHeaderBytes) {
    auto n = server::binary::FrameLength(std::string_view(buffer).substr(0, 4), 1 << 30);
    if (!n.ok() || buffer.size() < 4 + *n) return false;
    auto m = server::binary::DecodeServerMessage(std::string_view(buffer).substr(4, *n));
    buffer.erase(0, 4 + *n);
    if (m.ok() && std::holds_alternative<T>(*m)) return true;
  }
  return false;
}

bool Contains(const std::string& buffer, std::string_view what) {
  return buffer.find(what) != std::string::npos;
}

// One open session: waits for its close in its own thread.
struct Session {
  std::string name;
  std::unique_ptr<Conn> conn;                       // or
  std::unique_ptr<server::Subscription> websocket;  // for the WebSocket
};

Result<std::vector<Session>> OpenSessions(const RevocationBenchTarget& t,
                                          const std::string& token) {
  std::vector<Session> out;
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  const auto timeout = milliseconds(5000);
  {
    Session s{"SSE subscription", std::make_unique<Conn>(t.http_port), nullptr};
    s.conn->Send("GET /v1/subscribe?from=end&heartbeat_ms=60000 HTTP/1.1\r\nHost: b\r\n" + auth +
                 "\r\n");
    if (!s.conn->ReadUntil([](std::string& b) { return Contains(b, "event: caught_up"); },
                           timeout)) {
      return Status::Unavailable("the SSE subscription did not open");
    }
    out.push_back(std::move(s));
  }
  {
    server::ClientOptions o;
    o.port = t.http_port;
    o.token = token;
    LEDGER_ASSIGN_OR_RETURN(auto ws, server::Subscription::Open(o, "from=end&heartbeat_ms=60000"));
    LEDGER_ASSIGN_OR_RETURN(std::string first, ws->Next(timeout));
    if (!Contains(first, "caught_up")) return Status::Unavailable("the WebSocket did not open");
    out.push_back(Session{"WebSocket subscription", nullptr, std::move(ws)});
  }
  {
    Session s{"kept-alive HTTP connection", std::make_unique<Conn>(t.http_port), nullptr};
    s.conn->Send("GET /v1/head HTTP/1.1\r\nHost: b\r\n" + auth + "\r\n");
    if (!s.conn->ReadUntil([](std::string& b) { return Contains(b, "}"); }, timeout) ||
        !s.conn->buffer().starts_with("HTTP/1.1 200")) {
      return Status::Unavailable("the kept-alive HTTP request failed: " + s.conn->buffer());
    }
    out.push_back(std::move(s));
  }
  if (t.binary_port != 0) {
    using namespace server::binary;
    const std::string hello = EncodeFrame(ClientMessage(Hello{token, kProtocolVersion}));
    {
      Session s{"binary subscription", std::make_unique<Conn>(t.binary_port), nullptr};
      s.conn->Send(hello);
      if (!s.conn->ReadUntil(HasFrame<Welcome>, timeout)) {
        return Status::Unavailable("the binary hello failed");
      }
      s.conn->Send(EncodeFrame(ClientMessage(Subscribe{0, true, {}, {}, "", 60000})));
      if (!s.conn->ReadUntil(HasFrame<CaughtUp>, timeout)) {
        return Status::Unavailable("the binary subscription did not open");
      }
      out.push_back(std::move(s));
    }
    {
      Session s{"binary connection (idle, appending)", std::make_unique<Conn>(t.binary_port),
                nullptr};
      s.conn->Send(hello);
      if (!s.conn->ReadUntil(HasFrame<Welcome>, timeout)) {
        return Status::Unavailable("the binary hello failed");
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace

Result<std::vector<RevocationTimes>> MeasureRevocation(const RevocationBenchTarget& t, int runs) {
  std::vector<RevocationTimes> times;
  const std::string tokens = server::TokensPath(t.data_dir);
  for (int run = 0; run < runs; ++run) {
    LEDGER_ASSIGN_OR_RETURN(
        auto token, server::TokenStore::Create(tokens, t.key_id_hex, t.role, "bench-revocation"));
    LEDGER_ASSIGN_OR_RETURN(auto sessions, OpenSessions(t, token.token));
    if (times.empty()) {
      for (const auto& s : sessions) times.push_back({s.name, {}, 0});
    }
    std::vector<std::optional<Clock::time_point>> closed(sessions.size());
    const auto revoked_at = Clock::now();
    LEDGER_RETURN_IF_ERROR(server::TokenStore::Revoke(tokens, token.record.id));
    std::vector<std::thread> waiters;
    for (size_t i = 0; i < sessions.size(); ++i) {
      waiters.emplace_back([&, i] {
        Session& s = sessions[i];
        if (s.conn) {
          closed[i] = s.conn->WaitForClose(kWaitForClose);
          return;
        }
        const auto end = Clock::now() + kWaitForClose;
        while (Clock::now() < end) {
          auto m = s.websocket->Next(std::chrono::duration_cast<milliseconds>(end - Clock::now()));
          if (!m.ok() && m.status().code() == StatusCode::kIOError) {
            closed[i] = Clock::now();
            return;
          }
        }
      });
    }
    for (auto& w : waiters) w.join();
    for (size_t i = 0; i < sessions.size(); ++i) {
      if (closed[i]) {
        times[i].ms.push_back(
            std::chrono::duration<double, std::milli>(*closed[i] - revoked_at).count());
      } else {
        ++times[i].not_closed;
      }
    }
  }
  return times;
}

}  // namespace ledger::cli
