// Who is asking: bearer tokens (server/token_store.h) checked against the ledger's key registry
// on every request, and what each role may see (shared/spec/events.md, "Roles").
#ifndef SERVER_SRC_AUTH_H_
#define SERVER_SRC_AUTH_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "ledger/ledger.h"
#include "server/token_store.h"

namespace ledger::server::internal {

struct Principal {
  std::string token_id;
  std::string key_id_hex;
  std::string key_id;  // 4 raw bytes
  std::string role;
  std::vector<std::string> scope;  // the key's registered scope; empty: everything the role sees
};

// Tokens from the file, reloaded when it changes (looked at on every check), so that
// `ledger tokens create|revoke` take effect while the server runs.
class Authenticator {
 public:
  Authenticator(std::string tokens_path, Ledger& ledger);
  // Loads the file now. Corruption if it does not parse.
  Status Load() LEDGER_EXCLUDES(mu_);

  // From an Authorization header value "Bearer <token>". PermissionDenied for a missing,
  // malformed, unknown or revoked token, or one whose key is not registered with the token's
  // role (or is revoked) in the ledger.
  Result<Principal> Authenticate(std::string_view authorization) LEDGER_EXCLUDES(mu_);

  // Whether `p`, authenticated earlier, still holds: its token is known and not revoked (the
  // file reread if it changed) and its key is still registered with its role and not revoked.
  // PermissionDenied saying which otherwise. For what outlives one request: a subscription, a
  // binary connection's appends (revocation_watch.h).
  Status Recheck(const Principal& p) LEDGER_EXCLUDES(mu_);

 private:
  // Rereads the file if it changed (one stat per call: a request that arrives after
  // `ledger tokens revoke` returned is refused).
  void ReloadIfChanged() LEDGER_REQUIRES(mu_);

  const std::string path_;
  Ledger& ledger_;
  Mutex mu_;
  TokenStore store_ LEDGER_GUARDED_BY(mu_);
  int64_t file_mtime_ns_ LEDGER_GUARDED_BY(mu_) = -1;
};

// The office named by the case.opened of each case stream, for keys scoped "office:<id>".
// Cached; a stream's first event never changes.
class OfficeIndex {
 public:
  explicit OfficeIndex(Ledger& ledger) : ledger_(ledger) {}
  // "" if the stream has no case.opened (or is not a case stream).
  std::string OfficeOf(const std::string& stream) LEDGER_EXCLUDES(mu_);

 private:
  Ledger& ledger_;
  Mutex mu_;
  std::unordered_map<std::string, std::string> offices_ LEDGER_GUARDED_BY(mu_);
};

// Roles that see every stream (and no personal value): auditor; admin.
bool SeesEverything(const Principal& p);
// Whether `p` may see entries of `stream`: everything for auditors and admins, `releases` only
// for evaluators, and the key's scope for the rest (office:<id>, a prefix ending in '/', or
// one exact stream; no scope: every stream).
bool StreamVisible(const Principal& p, const std::string& stream, OfficeIndex& offices);
// Personal values (disclosures): caseworkers and DPOs, within their scope.
bool MayReadPersonal(const Principal& p);
// Appending: roles that may append anything (the ledger checks the types).
bool MayAppend(const Principal& p);
// A token acts for one key: it appends only events that key signed, so that a stolen token
// cannot pass off events signed by other keys. PermissionDenied naming both keys otherwise.
Status CheckSigner(const SignedEvent& event, const Principal& p);
// Checkpoints, tiles, proofs, reports over everyone: auditors, admins and DPOs.
bool MayAudit(const Principal& p);
// What docs/api.md's role table gives an evaluator: the `releases` stream and release exports
// only. The log's head and consumer groups (GET /v1/head, /v1/groups/..., a subscription's
// `group`) are for every other role; PermissionDenied for an evaluator.
Status CheckMayReadHead(const Principal& p);
Status CheckMayUseGroups(const Principal& p);

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_AUTH_H_
