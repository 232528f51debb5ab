// A file compiled into the binary at build time (cmake/EmbedFiles.cmake): the server serves the
// bytes of the source tree it was built from and reads no file at run time.
#ifndef SERVER_SRC_EMBEDDED_FILE_H_
#define SERVER_SRC_EMBEDDED_FILE_H_

#include <span>
#include <string_view>

namespace ledger::server::internal {

// One embedded file: its name and its bytes, exactly.
struct EmbeddedFile {
  std::string_view name;
  std::string_view bytes;
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_EMBEDDED_FILE_H_
