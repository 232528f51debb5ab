# The ledger server's binary protocol (docs/protocol.md): length-prefixed Cap'n Proto frames over
# TCP. Every frame is a 4-byte big-endian length N, then N bytes: one message in the standard
# (unpacked) Cap'n Proto serialization, root ClientMessage (client to server) or ServerMessage
# (server to client).
#
# Do not change field ordinals or meanings; add fields, and a new protocol version for a change.
@0xf3ee226cbfc3bad5;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::server::protocol");

struct ClientMessage {
  union {
    hello @0 :Hello;
    append @1 :AppendBatch;
    subscribe @2 :Subscribe;
    ack @3 :Ack;
  }
}

# The first frame of every connection.
struct Hello {
  token @0 :Text;            # an API token (docs/api.md, "Tokens")
  protocolVersion @1 :UInt32; # 1
}

struct Disclosure {
  salt @0 :Data;
  field @1 :Text;
  value @2 :Text;
}

struct SignedEvent {
  event @0 :Data;      # canonical event bytes (docs/formats.md, "Event")
  keyId @1 :Data;      # 4 bytes
  signature @2 :Data;  # 64 bytes
  disclosures @3 :List(Disclosure);
}

struct AppendBatch {
  requestId @0 :UInt64;  # echoed in the AppendResult
  atomic @1 :Bool;       # all or nothing
  events @2 :List(SignedEvent);
}

struct Subscribe {
  from @0 :UInt64;
  fromEnd @1 :Bool;          # start at the end of the log (from is ignored)
  typePrefixes @2 :List(Text);
  streamPrefixes @3 :List(Text);
  group @4 :Text;            # consumer group: start from its position if it has one
  heartbeatMs @5 :UInt32;    # 0: the server's default
}

struct Ack {
  position @0 :UInt64;  # for the subscription's group
}

struct ServerMessage {
  union {
    welcome @0 :Welcome;
    appendResult @1 :AppendResult;
    entries @2 :Entries;
    caughtUp @3 :Position;
    heartbeat @4 :Heartbeat;
    acked @5 :Position;
    error @6 :Error;
    end @7 :End;
  }
}

struct Welcome {
  size @0 :UInt64;  # the log's durable size
  role @1 :Text;
}

struct EventResult {
  ok @0 :Bool;
  seq @1 :UInt64;
  version @2 :UInt64;
  recordedAtUs @3 :Int64;
  duplicate @4 :Bool;
  errorCode @5 :Text;     # docs/api.md, "Errors"
  errorMessage @6 :Text;
}

struct AppendResult {
  requestId @0 :UInt64;
  results @1 :List(EventResult);  # one per event, in order (an atomic refusal: every one refused)
}

struct DeliveredEntry {
  seq @0 :UInt64;
  entry @1 :Data;  # the canonical entry bytes (schema/entry.capnp): the Merkle leaf
}

struct Entries {
  entries @0 :List(DeliveredEntry);
  next @1 :UInt64;  # the position to resume from
}

struct Position {
  position @0 :UInt64;
}

struct Heartbeat {
  position @0 :UInt64;
  head @1 :UInt64;
}

struct Error {
  code @0 :Text;
  message @1 :Text;
  requestId @2 :UInt64;
  fatal @3 :Bool;  # the server closes the connection after it
}

struct End {
  position @0 :UInt64;
  reason @1 :Text;    # "shutdown", "error", "revoked"
  message @2 :Text;   # for people: why (e.g. which credential was revoked); may be empty
}
