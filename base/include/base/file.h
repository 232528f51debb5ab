// Whole files: read at once, or written whole and durably. The one home of these primitives for
// every module (the ledger's anchor, the server's token and group files, backups, the CLI's
// inputs, audit exports).
#ifndef BASE_FILE_H_
#define BASE_FILE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger {

// Writes `bytes` to `path` so that a reader (or a crash, or a power loss) sees the old file or
// the new one, never a mix: a temporary file beside it, fsync, rename, fsync of the directory.
// Creates the parent directory if needed. The file gets `mode` (less the umask).
Status WriteFileAtomic(const std::string& path, std::string_view bytes, unsigned mode = 0600);

// The whole file. NotFound if it does not exist, IOError if it cannot be read (a directory, no
// permission); both messages name the path and the reason.
Result<std::string> ReadFile(const std::string& path);

// The whole file, as ReadFile, but Corruption if it is larger than `max_bytes` (read no further
// than that: a file that size is not one we wrote).
Result<std::string> ReadSmallFile(const std::string& path, size_t max_bytes = size_t{16} << 20);

// fsync of a directory, so that the names created or renamed in it are durable.
Status SyncDirectory(const std::string& dir);

}  // namespace ledger

#endif  // BASE_FILE_H_
