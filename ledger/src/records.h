// Encoding of everything the ledger stores besides the canonical entry itself: the framed entry
// value (a checksum in front, so a flipped byte is Corruption on read), stream heads, key
// states, the log head and identity, and disclosure lists. Formats: schema/storage.capnp and
// docs/formats.md ("Storage layout").
#ifndef LEDGER_SRC_RECORDS_H_
#define LEDGER_SRC_RECORDS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "case_state.h"
#include "ledger/ledger.h"
#include "ledger/types.h"
#include "tlog/compact_range.h"

namespace ledger::internal {

struct StreamHeadRecord {
  uint64_t next_version = 0;
  std::string office;
  bool shredded = false;
  CaseState case_state;  // case streams only
};

struct LedgerHeadRecord {
  uint64_t size = 0;
  int64_t last_recorded_at_us = 0;
  uint64_t streams = 0;
};

struct IdRecord {
  uint64_t seq = 0;
  uint64_t version = 0;
  int64_t recorded_at_us = 0;
  std::string content_digest;  // SHA-256 of the canonical event bytes
};

// Stored value = CRC-32 (4 bytes, big-endian) || entry bytes.
std::string FrameEntry(std::string_view entry_bytes);
// Checks the frame's checksum and returns the entry bytes inside it (not decoded).
Result<std::string_view> CheckEntryFrame(uint64_t seq, std::string_view value);
// Checks the frame and decodes; Corruption names the seq.
Result<Entry> UnframeEntry(uint64_t seq, std::string_view value);

std::string EncodeStreamHead(const StreamHeadRecord& head);
Result<StreamHeadRecord> DecodeStreamHead(std::string_view bytes);
// Only the consent facts and restrictions of a stream head (fast: the rest is not built).
Status DecodeStreamConsents(std::string_view bytes, SubjectConsents* out);
std::string EncodeLedgerHead(const LedgerHeadRecord& head);
Result<LedgerHeadRecord> DecodeLedgerHead(std::string_view bytes);
std::string EncodeIdentity(const LedgerIdentity& identity, int64_t created_at_us);
Result<LedgerIdentity> DecodeIdentity(std::string_view bytes, int64_t* created_at_us);
std::string EncodeKeyState(const KeyInfo& key);
Result<KeyInfo> DecodeKeyState(std::string_view bytes);
std::string EncodeIdRecord(const IdRecord& record);
Result<IdRecord> DecodeIdRecord(std::string_view bytes);
std::string EncodeDisclosures(const std::vector<Disclosure>& disclosures);
Result<std::vector<Disclosure>> DecodeDisclosures(std::string_view bytes);

// The writer's compact range: BE64 size, then the covering subtree hashes (32 bytes each).
std::string EncodeRange(const tlog::CompactRange& range);
Result<tlog::CompactRange> DecodeRange(std::string_view bytes);

// Keys of the columns.
std::string TreeNodeKey(uint8_t level, uint64_t index);
std::string StreamIndexKey(std::string_view stream, uint64_t version);
inline constexpr std::string_view kMetaHeadKey = "head";
inline constexpr std::string_view kMetaIdentityKey = "identity";
inline constexpr std::string_view kMetaCountPrefix = "count/";
inline constexpr std::string_view kMetaRangeKey = "range";
inline constexpr std::string_view kMetaLastCheckpointKey = "last_checkpoint";
// The vault's master key check value (vault.h, MasterKeyCheck).
inline constexpr std::string_view kMetaVaultCheckKey = "vault_check";
// The privacy policy, as PolicyToJson writes it.
inline constexpr std::string_view kMetaPrivacyPolicyKey = "privacy_policy";
// Present (empty value) once the ledger keeps anchor files (anchor.h): from then on their
// absence is Corruption.
inline constexpr std::string_view kMetaAnchoredKey = "anchored";
// Present while `ledger repair` rebuilds the derived columns: until it finishes they are
// incomplete, and the ledger refuses to open for appends.
inline constexpr std::string_view kMetaRepairKey = "repair_in_progress";
// Present (empty value) while the ledger is a replica (Ledger::CreateReplica): entries come only
// through AppendReplicated, and no personal value is kept here (they stay with the primary).
inline constexpr std::string_view kMetaReplicaKey = "replica";
// BE64 seq, in a promoted replica (opened with the ledger's key): the entries before it were
// replicated, so their personal values were never in this directory.
inline constexpr std::string_view kMetaValuesFromKey = "values_from";
// The first seq whose personal values this directory keeps (see the two keys above): 0 in a
// ledger that was never a replica, none (UINT64_MAX) in a replica.
class KvStore;
Result<uint64_t> PersonalValuesKeptFrom(KvStore& store);
// "purge/" BE64(seq): the to-do a subject.shredded at seq leaves, in its own batch, until what it
// deleted is physically gone from the files (erasure_purge.h).
inline constexpr std::string_view kMetaPurgePrefix = "purge/";

}  // namespace ledger::internal

#endif  // LEDGER_SRC_RECORDS_H_
