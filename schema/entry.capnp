# What the ledger stores at each position, and what the Merkle tree hashes: the canonical
# encoding of an `Entry` is leaf i of the log (docs/formats.md, "Entry").
#
# Do not change field ordinals or meanings; a new field needs a new entry format version.
@0xda915b094d5c82b4;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::schema");

struct Entry {
  # Canonical Cap'n Proto bytes of the `Event` (event.capnp) exactly as the author signed them.
  event @0 :Data;
  # The author's key id: 4 bytes, as in c2sp.org/signed-note.
  keyId @1 :Data;
  # Ed25519 signature over "ledger/event/v1" || 0x00 || event (docs/formats.md).
  signature @2 :Data;
  # Global position, gapless from 0; also the Merkle leaf index.
  seq @3 :UInt64;
  # Position within the event's stream, gapless from 0.
  version @4 :UInt64;
  # When the ledger recorded it: microseconds since 1970-01-01T00:00:00Z, never decreasing.
  recordedAt @5 :Int64;
  # Format version of this entry encoding; 1.
  formatVersion @6 :UInt16;
}

# A personal value that travels beside an event: the ledger checks
# SHA-256(grammar in docs/formats.md) against the event's digest and keeps it out of the entry.
struct Disclosure {
  salt @0 :Data;
  field @1 :Text;
  value @2 :Text;
}

struct DisclosureList {
  items @0 :List(Disclosure);
}
