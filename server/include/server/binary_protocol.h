// The binary protocol's messages as plain values, and their frames (docs/protocol.md;
// server/protocol.capnp). Encoding and decoding are pure functions, shared by the server and
// clients; decoding takes untrusted bytes and never throws.
//
//   frame = length[4 bytes, big-endian] message[length]    ; 0 < length <= max frame size
//   message = standard Cap'n Proto serialization of ClientMessage or ServerMessage
#ifndef SERVER_BINARY_PROTOCOL_H_
#define SERVER_BINARY_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "ledger/types.h"

namespace ledger::server::binary {

inline constexpr uint32_t kProtocolVersion = 1;
inline constexpr size_t kFrameHeaderBytes = 4;

// Client to server.
struct Hello {
  std::string token;
  uint32_t protocol_version = kProtocolVersion;
};
struct AppendBatch {
  uint64_t request_id = 0;
  bool atomic = false;
  std::vector<SignedEvent> events;
};
struct Subscribe {
  uint64_t from = 0;
  bool from_end = false;
  std::vector<std::string> type_prefixes, stream_prefixes;
  std::string group;
  uint32_t heartbeat_ms = 0;
};
struct Ack {
  uint64_t position = 0;
};
using ClientMessage = std::variant<Hello, AppendBatch, Subscribe, Ack>;

// Server to client.
struct Welcome {
  uint64_t size = 0;
  std::string role;
};
struct EventResult {
  bool ok = false;
  AppendResult result;  // when ok
  std::string error_code, error_message;
};
struct AppendReply {
  uint64_t request_id = 0;
  std::vector<EventResult> results;
};
struct Entries {
  std::vector<std::pair<uint64_t, std::string>> entries;  // seq, canonical entry bytes
  uint64_t next = 0;
};
struct CaughtUp {
  uint64_t position = 0;
};
struct Heartbeat {
  uint64_t position = 0, head = 0;
};
struct Acked {
  uint64_t position = 0;
};
struct Error {
  std::string code, message;
  uint64_t request_id = 0;
  bool fatal = false;
};
struct End {
  uint64_t position = 0;
  std::string reason;   // "shutdown", "error", "revoked"
  std::string message;  // for people: why; may be empty
};
using ServerMessage =
    std::variant<Welcome, AppendReply, Entries, CaughtUp, Heartbeat, Acked, Error, End>;

// A whole frame (header included).
std::string EncodeFrame(const ClientMessage& message);
std::string EncodeFrame(const ServerMessage& message);

// The length a frame header announces. InvalidArgument for 0 or more than `max_frame_bytes`
// (the connection cannot be resynchronised after that: close it).
Result<uint32_t> FrameLength(std::string_view header, size_t max_frame_bytes);

// A frame's message (without its header). InvalidArgument naming what is wrong: not a message,
// an unknown union member, a field out of its bounds, too deep or too large to walk.
Result<ClientMessage> DecodeClientMessage(std::string_view message);
Result<ServerMessage> DecodeServerMessage(std::string_view message);

}  // namespace ledger::server::binary

#endif  // SERVER_BINARY_PROTOCOL_H_
