// Backups of a served data directory (docs/operations.md, "Backup"): the ledger through a
// RocksDB checkpoint (VerifiableHistory::Backup) and the server's own files in <data>/server/
// (tokens, consumer groups, the access log), made while the ledger stays open and appends go on.
// Used by `ledger backup` and by POST /v1/admin/backup.
#ifndef SERVER_BACKUP_H_
#define SERVER_BACKUP_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "server/access_log.h"

namespace ledger::server {

struct BackupResult {
  std::string dir;                        // the copy, absolute
  TreeHead head;                          // the copied ledger's head
  std::vector<std::string> server_files;  // copied into <dir>/server/: "tokens.json", ...
};

// Copies `ledger` (open on `data_dir`) and the server files of `data_dir` into `out`, which
// must not exist or be an empty directory (FailedPrecondition otherwise; missing parents are
// created). The server files are copied first, so that no consumer group position in the copy
// is beyond the copied log's end. `access_log`: the log this process appends to, copied under
// its lock; null when no one appends (the file is copied as it is). Nothing is left behind in
// `out` on failure, except when the ledger copy succeeded and moving the server files in did
// not (IOError naming both).
Result<BackupResult> BackupDataDir(Ledger& ledger, const std::string& data_dir,
                                   const std::string& out, const AccessLog* access_log = nullptr);

}  // namespace ledger::server

#endif  // SERVER_BACKUP_H_
