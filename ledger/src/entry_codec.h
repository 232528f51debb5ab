// The stored entry format (schema/entry.capnp; docs/formats.md, "Entry"): its version, its
// encoder, and the one place that reads an Entry root. The public reader (ledger/entry_reader.h)
// and the ledger's own copying decoder (DecodeEntry) both read through ReadEntryRoot, so the
// format is known here and nowhere else.
#ifndef LEDGER_SRC_ENTRY_CODEC_H_
#define LEDGER_SRC_ENTRY_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "entry.capnp.h"
#include "ledger/entry_reader.h"
#include "ledger/types.h"

namespace ledger::internal {

// Written into every entry; a reader refuses any other. A new field needs a new version.
inline constexpr uint16_t kEntryFormatVersion = 1;

// The canonical entry bytes (the Merkle leaf data) for the given fields.
std::string EncodeEntry(std::string_view event, std::string_view key_id, std::string_view signature,
                        uint64_t seq, uint64_t version, int64_t recorded_at_us);

// Decodes canonical entry bytes into an owning Entry; Corruption if they are not a canonical
// entry of a known format version.
Result<Entry> DecodeEntry(std::string_view bytes);

// The fields of a decoded Entry root, as views into its message. Corruption (without position:
// the caller names it) on an unknown format version. May throw kj::Exception on malformed data:
// call it inside the caller's catch.
Status ReadEntryRoot(schema::Entry::Reader entry, EntryFields* out);

}  // namespace ledger::internal

#endif  // LEDGER_SRC_ENTRY_CODEC_H_
