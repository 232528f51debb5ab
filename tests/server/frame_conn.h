// Binary-protocol frames (docs/protocol.md) over a raw loopback connection, for the server's
// tests.
#ifndef LEDGER_TESTS_SERVER_FRAME_CONN_H_
#define LEDGER_TESTS_SERVER_FRAME_CONN_H_

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "server/binary_protocol.h"
#include "server_fixture.h"

namespace ledger::server::testing {

class FrameConn {
 public:
  using Millis = std::chrono::milliseconds;

  explicit FrameConn(uint16_t port) : conn_(port) {}
  bool Send(const std::string& frame) { return conn_.Send(frame); }

  // The next frame's message, or nullopt if none arrives within `timeout` or the peer closed.
  std::optional<binary::ServerMessage> Next(Millis timeout = Millis(5000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (buffer_.size() >= binary::kFrameHeaderBytes) {
        auto n = binary::FrameLength(std::string_view(buffer_).substr(0, 4), 1 << 30);
        if (!n.ok()) return std::nullopt;
        if (buffer_.size() >= 4 + *n) {
          auto m = binary::DecodeServerMessage(std::string_view(buffer_).substr(4, *n));
          buffer_.erase(0, 4 + *n);
          if (!m.ok()) return std::nullopt;
          return *m;
        }
      }
      const auto left = std::chrono::duration_cast<Millis>(end - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      bool closed = false;
      buffer_ += conn_.Read(std::min(left, Millis(50)), &closed);
      closed_ = closed;
      if (closed && buffer_.size() < 4) return std::nullopt;
    }
  }

  // The next message of type T, passing over others.
  template <typename T>
  std::optional<T> NextOf(Millis timeout = Millis(5000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      auto m = Next(std::chrono::duration_cast<Millis>(end - std::chrono::steady_clock::now()));
      if (!m) return std::nullopt;
      if (auto* t = std::get_if<T>(&*m)) return *t;
    }
    return std::nullopt;
  }

  // True once a read found the connection closed by the server.
  bool closed() const { return closed_; }

 private:
  RawConn conn_;
  std::string buffer_;
  bool closed_ = false;
};

}  // namespace ledger::server::testing

#endif  // LEDGER_TESTS_SERVER_FRAME_CONN_H_
