// The one reader of stored entry bytes (schema/entry.capnp; docs/formats.md, "Entry") for code
// above the ledger: replay and release read the log as raw entry bytes (EventLog::Scan with
// decode = false, an export's entry bundles) and decode them here, without copying, instead of
// knowing the entry format themselves.
#ifndef LEDGER_ENTRY_READER_H_
#define LEDGER_ENTRY_READER_H_

#include <cstdint>
#include <string_view>

#include "base/aligned_words.h"
#include "base/status.h"

namespace ledger {

// The fields of one entry as views: into the bytes given to EntryReader::Read, or into the
// reader's buffer when those bytes were not 8-byte aligned.
struct EntryFields {
  uint64_t seq = 0;
  uint64_t version = 0;
  int64_t recorded_at_us = 0;
  std::string_view key_id;     // 4 bytes
  std::string_view signature;  // 64 bytes
  // The canonical event bytes as signed. Starts on an 8-byte boundary, so the event can be read
  // in place as a Cap'n Proto message of its own.
  std::string_view event;
};

// Decodes entries in place, reusing one buffer for unaligned input. Not thread-safe: one per
// thread.
//
// Input is bounded by Cap'n Proto reader limits, as everything from disk is. It is not checked
// to be canonical (the verifier does that, ledger/verify.h): a reader trusts the ledger's own
// CRC-checked reads and needs only the fields.
class EntryReader {
 public:
  EntryReader();
  ~EntryReader();
  EntryReader(const EntryReader&) = delete;
  EntryReader& operator=(const EntryReader&) = delete;

  // Reads the entry expected at `seq`. Corruption naming the seq if the bytes are not whole
  // words, do not decode, carry an unknown entry format version, name another seq, or hold an
  // event that is not a whole number of aligned words. The views in `out` stay valid while
  // `bytes` live and until the next Read.
  Status Read(uint64_t seq, std::string_view bytes, EntryFields* out);

 private:
  AlignedWords aligned_;
};

}  // namespace ledger

#endif  // LEDGER_ENTRY_READER_H_
