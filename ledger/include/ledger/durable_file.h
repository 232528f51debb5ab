// Small files written whole and durably: the one home of this primitive for every module (the
// ledger's anchor, the server's token and group files, backups).
#ifndef LEDGER_DURABLE_FILE_H_
#define LEDGER_DURABLE_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "ledger/status.h"

namespace ledger {

// Writes `bytes` to `path` so that a reader (or a crash, or a power loss) sees the old file or
// the new one, never a mix: a temporary file beside it, fsync, rename, fsync of the directory.
// Creates the parent directory if needed. The file gets `mode` (less the umask).
Status WriteFileAtomic(const std::string& path, std::string_view bytes, unsigned mode = 0600);

// The whole file; NotFound if it does not exist, Corruption if it is larger than `max_bytes`
// (read no further than that: a file that size is not one we wrote).
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes = size_t{16} << 20);

// fsync of a directory, so that the names created or renamed in it are durable.
Status SyncDirectory(const std::string& dir);

}  // namespace ledger

#endif  // LEDGER_DURABLE_FILE_H_
