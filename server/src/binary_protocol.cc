#include "server/binary_protocol.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/exception.h>

#include <cstring>

#include "protocol.capnp.h"

namespace ledger::server::binary {
namespace {

namespace pb = ::ledger::server::protocol;

// Bounds for untrusted messages: a frame is at most 16 MiB by default, so walking more words
// than it holds (pointer amplification) is refused, and nothing legitimate nests deeper than 8.
constexpr uint64_t kTraversalLimitWords = (64ull << 20) / 8;
constexpr int kNestingLimit = 16;
constexpr size_t kMaxTextBytes = 1 << 20;

std::string Serialize(capnp::MessageBuilder& message) {
  auto words = capnp::messageToFlatArray(message);
  auto bytes = words.asBytes();
  std::string out(kFrameHeaderBytes, '\0');
  const uint32_t n = static_cast<uint32_t>(bytes.size());
  out[0] = static_cast<char>(n >> 24);
  out[1] = static_cast<char>(n >> 16);
  out[2] = static_cast<char>(n >> 8);
  out[3] = static_cast<char>(n);
  out.append(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
  return out;
}

kj::ArrayPtr<const kj::byte> Bytes(std::string_view s) {
  return kj::arrayPtr(reinterpret_cast<const kj::byte*>(s.data()), s.size());
}
std::string Str(capnp::Data::Reader d) {
  return std::string(reinterpret_cast<const char*>(d.begin()), d.size());
}
std::string Str(capnp::Text::Reader t) { return std::string(t.cStr(), t.size()); }

// Text from a peer: bounded, no NUL (Cap'n Proto Text may hold one).
bool GoodText(capnp::Text::Reader t) {
  return t.size() <= kMaxTextBytes && std::memchr(t.cStr(), '\0', t.size()) == nullptr;
}

template <typename Root, typename Fn>
auto Decode(std::string_view message, Fn&& fn)
    -> decltype(fn(std::declval<typename Root::Reader>())) {
  if (message.empty() || message.size() % sizeof(capnp::word) != 0) {
    return Status::InvalidArgument("a message is a positive multiple of 8 bytes");
  }
  // Copied: the frame's bytes need not be word-aligned.
  auto words = kj::heapArray<capnp::word>(message.size() / sizeof(capnp::word));
  std::memcpy(words.begin(), message.data(), message.size());
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kTraversalLimitWords;
  options.nestingLimit = kNestingLimit;
  std::optional<decltype(fn(std::declval<typename Root::Reader>()))> out;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    capnp::FlatArrayMessageReader reader(words.asPtr(), options);
    // Every word must belong to the message: trailing bytes are refused.
    if (reader.getEnd() != words.end()) {
      out.emplace(Status::InvalidArgument("bytes after the message"));
      return;
    }
    out.emplace(fn(reader.getRoot<Root>()));
  });
  KJ_IF_MAYBE (e, error) {
    return Status::InvalidArgument(std::string("not a valid message: ") +
                                   e->getDescription().cStr());
  }
  return std::move(*out);
}

Result<SignedEvent> ReadEvent(pb::SignedEvent::Reader r, size_t index) {
  const std::string where = "events[" + std::to_string(index) + "]";
  SignedEvent e;
  e.event = Str(r.getEvent());
  e.key_id = Str(r.getKeyId());
  e.signature = Str(r.getSignature());
  if (e.key_id.size() != 4) return Status::InvalidArgument(where + ".keyId: must be 4 bytes");
  if (e.signature.size() != 64) {
    return Status::InvalidArgument(where + ".signature: must be 64 bytes");
  }
  for (auto d : r.getDisclosures()) {
    if (!GoodText(d.getField()) || !GoodText(d.getValue())) {
      return Status::InvalidArgument(where + ".disclosures: bad text");
    }
    e.disclosures.push_back({Str(d.getSalt()), Str(d.getField()), Str(d.getValue())});
  }
  return e;
}

Result<std::vector<std::string>> ReadTexts(capnp::List<capnp::Text>::Reader list,
                                           const char* what) {
  std::vector<std::string> out;
  if (list.size() > 64) return Status::InvalidArgument(std::string(what) + ": at most 64");
  for (auto t : list) {
    if (!GoodText(t) || t.size() > 256)
      return Status::InvalidArgument(std::string(what) + ": bad text");
    out.push_back(Str(t));
  }
  return out;
}

Result<ClientMessage> ReadClient(pb::ClientMessage::Reader m) {
  switch (m.which()) {
    case pb::ClientMessage::HELLO: {
      auto h = m.getHello();
      if (!GoodText(h.getToken())) return Status::InvalidArgument("hello.token: bad text");
      return ClientMessage(Hello{Str(h.getToken()), h.getProtocolVersion()});
    }
    case pb::ClientMessage::APPEND: {
      auto a = m.getAppend();
      AppendBatch batch;
      batch.request_id = a.getRequestId();
      batch.atomic = a.getAtomic();
      size_t i = 0;
      for (auto e : a.getEvents()) {
        LEDGER_ASSIGN_OR_RETURN(SignedEvent event, ReadEvent(e, i++));
        batch.events.push_back(std::move(event));
      }
      return ClientMessage(std::move(batch));
    }
    case pb::ClientMessage::SUBSCRIBE: {
      auto s = m.getSubscribe();
      Subscribe sub;
      sub.from = s.getFrom();
      sub.from_end = s.getFromEnd();
      LEDGER_ASSIGN_OR_RETURN(sub.type_prefixes, ReadTexts(s.getTypePrefixes(), "typePrefixes"));
      LEDGER_ASSIGN_OR_RETURN(sub.stream_prefixes,
                              ReadTexts(s.getStreamPrefixes(), "streamPrefixes"));
      if (!GoodText(s.getGroup())) return Status::InvalidArgument("group: bad text");
      sub.group = Str(s.getGroup());
      sub.heartbeat_ms = s.getHeartbeatMs();
      return ClientMessage(std::move(sub));
    }
    case pb::ClientMessage::ACK:
      return ClientMessage(Ack{m.getAck().getPosition()});
  }
  return Status::InvalidArgument("unknown client message");
}

Result<ServerMessage> ReadServer(pb::ServerMessage::Reader m) {
  switch (m.which()) {
    case pb::ServerMessage::WELCOME:
      return ServerMessage(Welcome{m.getWelcome().getSize(), Str(m.getWelcome().getRole())});
    case pb::ServerMessage::APPEND_RESULT: {
      AppendReply reply;
      reply.request_id = m.getAppendResult().getRequestId();
      for (auto r : m.getAppendResult().getResults()) {
        EventResult e;
        e.ok = r.getOk();
        e.result.seq = r.getSeq();
        e.result.version = r.getVersion();
        e.result.recorded_at_us = r.getRecordedAtUs();
        e.result.duplicate = r.getDuplicate();
        e.error_code = Str(r.getErrorCode());
        e.error_message = Str(r.getErrorMessage());
        reply.results.push_back(std::move(e));
      }
      return ServerMessage(std::move(reply));
    }
    case pb::ServerMessage::ENTRIES: {
      Entries out;
      out.next = m.getEntries().getNext();
      for (auto e : m.getEntries().getEntries()) {
        out.entries.emplace_back(e.getSeq(), Str(e.getEntry()));
      }
      return ServerMessage(std::move(out));
    }
    case pb::ServerMessage::CAUGHT_UP:
      return ServerMessage(CaughtUp{m.getCaughtUp().getPosition()});
    case pb::ServerMessage::HEARTBEAT:
      return ServerMessage(Heartbeat{m.getHeartbeat().getPosition(), m.getHeartbeat().getHead()});
    case pb::ServerMessage::ACKED:
      return ServerMessage(Acked{m.getAcked().getPosition()});
    case pb::ServerMessage::ERROR: {
      auto e = m.getError();
      return ServerMessage(
          Error{Str(e.getCode()), Str(e.getMessage()), e.getRequestId(), e.getFatal()});
    }
    case pb::ServerMessage::END:
      return ServerMessage(
          End{m.getEnd().getPosition(), Str(m.getEnd().getReason()), Str(m.getEnd().getMessage())});
  }
  return Status::InvalidArgument("unknown server message");
}

}  // namespace

std::string EncodeFrame(const ClientMessage& message) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<pb::ClientMessage>();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Hello>) {
          auto h = root.initHello();
          h.setToken(m.token);
          h.setProtocolVersion(m.protocol_version);
        } else if constexpr (std::is_same_v<T, AppendBatch>) {
          auto a = root.initAppend();
          a.setRequestId(m.request_id);
          a.setAtomic(m.atomic);
          auto events = a.initEvents(static_cast<unsigned>(m.events.size()));
          for (size_t i = 0; i < m.events.size(); ++i) {
            const SignedEvent& e = m.events[i];
            auto out = events[static_cast<unsigned>(i)];
            out.setEvent(Bytes(e.event));
            out.setKeyId(Bytes(e.key_id));
            out.setSignature(Bytes(e.signature));
            auto ds = out.initDisclosures(static_cast<unsigned>(e.disclosures.size()));
            for (size_t k = 0; k < e.disclosures.size(); ++k) {
              ds[static_cast<unsigned>(k)].setSalt(Bytes(e.disclosures[k].salt));
              ds[static_cast<unsigned>(k)].setField(e.disclosures[k].field);
              ds[static_cast<unsigned>(k)].setValue(e.disclosures[k].value);
            }
          }
        } else if constexpr (std::is_same_v<T, Subscribe>) {
          auto s = root.initSubscribe();
          s.setFrom(m.from);
          s.setFromEnd(m.from_end);
          auto types = s.initTypePrefixes(static_cast<unsigned>(m.type_prefixes.size()));
          for (size_t i = 0; i < m.type_prefixes.size(); ++i) {
            types.set(static_cast<unsigned>(i), m.type_prefixes[i]);
          }
          auto streams = s.initStreamPrefixes(static_cast<unsigned>(m.stream_prefixes.size()));
          for (size_t i = 0; i < m.stream_prefixes.size(); ++i) {
            streams.set(static_cast<unsigned>(i), m.stream_prefixes[i]);
          }
          s.setGroup(m.group);
          s.setHeartbeatMs(m.heartbeat_ms);
        } else {
          root.initAck().setPosition(m.position);
        }
      },
      message);
  return Serialize(builder);
}

std::string EncodeFrame(const ServerMessage& message) {
  capnp::MallocMessageBuilder builder;
  auto root = builder.initRoot<pb::ServerMessage>();
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, Welcome>) {
          auto w = root.initWelcome();
          w.setSize(m.size);
          w.setRole(m.role);
        } else if constexpr (std::is_same_v<T, AppendReply>) {
          auto a = root.initAppendResult();
          a.setRequestId(m.request_id);
          auto results = a.initResults(static_cast<unsigned>(m.results.size()));
          for (size_t i = 0; i < m.results.size(); ++i) {
            const EventResult& r = m.results[i];
            auto out = results[static_cast<unsigned>(i)];
            out.setOk(r.ok);
            out.setSeq(r.result.seq);
            out.setVersion(r.result.version);
            out.setRecordedAtUs(r.result.recorded_at_us);
            out.setDuplicate(r.result.duplicate);
            out.setErrorCode(r.error_code);
            out.setErrorMessage(r.error_message);
          }
        } else if constexpr (std::is_same_v<T, Entries>) {
          auto e = root.initEntries();
          e.setNext(m.next);
          auto list = e.initEntries(static_cast<unsigned>(m.entries.size()));
          for (size_t i = 0; i < m.entries.size(); ++i) {
            list[static_cast<unsigned>(i)].setSeq(m.entries[i].first);
            list[static_cast<unsigned>(i)].setEntry(Bytes(m.entries[i].second));
          }
        } else if constexpr (std::is_same_v<T, CaughtUp>) {
          root.initCaughtUp().setPosition(m.position);
        } else if constexpr (std::is_same_v<T, Heartbeat>) {
          auto h = root.initHeartbeat();
          h.setPosition(m.position);
          h.setHead(m.head);
        } else if constexpr (std::is_same_v<T, Acked>) {
          root.initAcked().setPosition(m.position);
        } else if constexpr (std::is_same_v<T, Error>) {
          auto e = root.initError();
          e.setCode(m.code);
          e.setMessage(m.message);
          e.setRequestId(m.request_id);
          e.setFatal(m.fatal);
        } else {
          auto e = root.initEnd();
          e.setPosition(m.position);
          e.setReason(m.reason);
          e.setMessage(m.message);
        }
      },
      message);
  return Serialize(builder);
}

Result<uint32_t> FrameLength(std::string_view header, size_t max_frame_bytes) {
  if (header.size() != kFrameHeaderBytes) return Status::InvalidArgument("short frame header");
  const auto* b = reinterpret_cast<const unsigned char*>(header.data());
  const uint32_t n = uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3];
  if (n == 0) return Status::InvalidArgument("empty frame");
  if (n > max_frame_bytes) {
    return Status::InvalidArgument("frame of " + std::to_string(n) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(max_frame_bytes));
  }
  return n;
}

Result<ClientMessage> DecodeClientMessage(std::string_view message) {
  return Decode<pb::ClientMessage>(message,
                                   [](pb::ClientMessage::Reader m) { return ReadClient(m); });
}

Result<ServerMessage> DecodeServerMessage(std::string_view message) {
  return Decode<pb::ServerMessage>(message,
                                   [](pb::ServerMessage::Reader m) { return ReadServer(m); });
}

}  // namespace ledger::server::binary
