// The values that cross the ledger's public API: what a writer hands in, what an append
// returns, and what a reader gets back. Byte strings are std::string (binary-safe).
#ifndef LEDGER_TYPES_H_
#define LEDGER_TYPES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace ledger {

// A personal value travelling beside its event: the event carries only
// SHA-256 digest(salt, field, value) (docs/formats.md, "Personal digest").
struct Disclosure {
  std::string salt;   // 16 random bytes
  std::string field;  // "name", "national_id", "birth_date" or "notes"
  std::string value;  // the plain value
};

// An event as its author signed it.
struct SignedEvent {
  std::string event;      // canonical Cap'n Proto bytes of schema Event
  std::string key_id;     // 4 bytes: the author key's signed-note key id
  std::string signature;  // 64 bytes: Ed25519 over the event signing message
  std::vector<Disclosure> disclosures;
};

struct AppendResult {
  uint64_t seq = 0;            // global position (Merkle leaf index)
  uint64_t version = 0;        // position within the stream
  int64_t recorded_at_us = 0;  // ledger time, microseconds since the epoch
  bool duplicate = false;      // the id was appended before with the same content
};

// A stored entry (schema/entry.capnp) as read back; its integrity was checked on read.
struct Entry {
  uint64_t seq = 0;
  uint64_t version = 0;
  int64_t recorded_at_us = 0;
  std::string key_id;     // 4 bytes
  std::string signature;  // 64 bytes
  std::string event;      // canonical event bytes, as signed
  std::string bytes;      // the canonical entry bytes: Merkle leaf data
};

// A key as the registry holds it (stream `keys`).
struct KeyInfo {
  std::string key_id_hex;  // 8 hex digits
  std::string name;
  std::string public_key;  // 32 raw bytes
  std::string role;        // "admin", "caseworker", ...
  std::vector<std::string> scope;
  uint64_t registered_seq = 0;
  int64_t registered_at_us = 0;
  bool revoked = false;
  uint64_t revoked_seq = 0;
  int64_t revoked_at_us = 0;
};

}  // namespace ledger

#endif  // LEDGER_TYPES_H_
