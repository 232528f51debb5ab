// What the ledger publishes to NATS JetStream, and how a replica reads it back (docs/formats.md,
// "Replication messages"). One stream per ledger; its name is the subject prefix:
//
//   <stream>.log.identity    once, first: the ledger's identity, signed with the ledger's key
//   <stream>.log.entries     a run of consecutive entries, exactly as stored (headers
//                            Ledger-First-Seq, Ledger-Count; body: per entry a 4-byte big-endian
//                            length, then the entry's canonical bytes)
//   <stream>.log.checkpoint  a signed checkpoint (header Ledger-Size), after the entries it covers
//   <stream>.fetch           (core NATS, not stored) a replica asks the primary for entries the
//                            stream lacks: body "<first seq> <count>", reply as .log.entries
//
// Nothing here is trusted by a replica until verified: entries against their authors' keys and
// the signed checkpoints, the identity against the ledger's verifier key.
#ifndef REPLICATION_MESSAGES_H_
#define REPLICATION_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger::replication {

// The subjects of one ledger's stream.
struct StreamSubjects {
  explicit StreamSubjects(std::string stream_name) : stream(std::move(stream_name)) {}
  std::string stream;  // e.g. "LEDGER"
  std::string log_wildcard() const { return stream + ".log.>"; }
  std::string identity() const { return stream + ".log.identity"; }
  std::string entries() const { return stream + ".log.entries"; }
  std::string checkpoint() const { return stream + ".log.checkpoint"; }
  std::string fetch() const { return stream + ".fetch"; }
};

// A stream name NATS accepts and that makes valid subjects: 1 to 64 of A-Z a-z 0-9 _ -.
Status ValidateStreamName(std::string_view name);

inline constexpr std::string_view kFirstSeqHeader = "Ledger-First-Seq";
inline constexpr std::string_view kCountHeader = "Ledger-Count";
inline constexpr std::string_view kSizeHeader = "Ledger-Size";
// At most this many bytes of entries go in one message (NATS's default limit is 1 MiB).
inline constexpr size_t kMaxEntriesPayload = 512 * 1024;

// The body of an entries message: each entry as a 4-byte big-endian length and its bytes.
std::string EncodeEntries(const std::vector<std::string>& entries);
// Exactly `count` entries, or InvalidArgument naming what is wrong.
Result<std::vector<std::string>> DecodeEntries(std::string_view body, uint64_t count);

// The identity message: a signed note (c2sp.org/signed-note) by the ledger's key, whose text is
//   ledger-identity/v1
//   origin <origin>
//   public-key <base64 of the Ed25519 public key>
//   first-admin <8 hex digits>
//   max-agreement-problems <1..16>
// A replica is created with exactly this identity, so it judges entries by the same rules.
std::string SignIdentity(const LedgerIdentity& identity, const SigningKey& ledger_key);
// Verifies the note with the ledger's verifier key (`<name>+<id>+<base64>`) and parses it; the
// identity's origin and public key must be the verifier key's.
Result<LedgerIdentity> OpenIdentity(std::string_view note, std::string_view verifier_key);

}  // namespace ledger::replication

#endif  // REPLICATION_MESSAGES_H_
