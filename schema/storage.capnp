# Records the ledger keeps beside its entries to answer appends without replaying the log. They
# are derived state: every one of them can be rebuilt from the entries (docs/architecture.md).
# Do not change field ordinals.
@0xb4b42abf823bf107;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("ledger::schema");

# meta/head: the log's size and clock, written in every commit.
struct LedgerHead {
  size @0 :UInt64;            # number of entries; the next seq
  lastRecordedAt @1 :Int64;   # recorded_at of entry size-1, microseconds
  streams @2 :UInt64;         # number of streams
}

# meta/identity: written once by `ledger init`.
struct LedgerIdentity {
  origin @0 :Text;            # checkpoint origin line and ledger key name
  publicKey @1 :Data;         # the ledger's Ed25519 public key (checkpoints)
  createdAt @2 :Int64;
  formatVersion @3 :UInt16;   # on-disk format
  firstAdminKeyId @4 :Data;   # the only key the ledger accepts a self-signed registration from
}

# stream_heads/<stream>
struct StreamHead {
  nextVersion @0 :UInt64;
  office @1 :Text;            # from case.opened, for office-scoped keys
  shredded @2 :Bool;          # subject.shredded was appended: nothing may follow
}

# keys/<4-byte key id>
struct KeyState {
  keyIdHex @0 :Text;
  name @1 :Text;
  publicKey @2 :Data;
  role @3 :Text;
  scope @4 :List(Text);
  registeredSeq @5 :UInt64;
  registeredAt @6 :Int64;
  revoked @7 :Bool;
  revokedSeq @8 :UInt64;
  revokedAt @9 :Int64;
}
