// API tokens: bearer secrets bound to a registered key and its role, stored only as hashes.
//
// A token is "ldgr_" <16 hex: token id> "_" <64 hex: 32 random bytes>. The store keeps, per
// token, its id and SHA-256("ledger/api-token/v1" 0x00 || token) (docs/formats.md, "API token"),
// never the token itself: whoever reads the file cannot use it. The file is
// <data>/server/tokens.json, rewritten atomically (temporary file, fsync, rename) under an
// advisory lock, so that `ledger tokens create` may run while the server serves; the server
// reloads the file when it changes.
//
// A token authorises nothing by itself: the server checks on every request that its key is
// registered in the ledger with the token's role and not revoked.
#ifndef SERVER_TOKEN_STORE_H_
#define SERVER_TOKEN_STORE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ledger::server {

struct TokenRecord {
  std::string id;          // 16 hex digits, public (appears in logs and the access log)
  std::string hash_hex;    // SHA-256 of the token text with its domain prefix
  std::string key_id_hex;  // the registered key the token acts for (8 hex digits)
  std::string role;        // must be that key's role
  std::string name;        // a label for people
  int64_t created_at_us = 0;
  bool revoked = false;
};

struct NewToken {
  std::string token;  // shown once; not stored
  TokenRecord record;
};

// <data_dir>/server/tokens.json
std::string TokensPath(const std::string& data_dir);

class TokenStore {
 public:
  // Reads the file; a missing file is an empty store. Corruption if it does not parse.
  static Result<TokenStore> Load(const std::string& path);

  // Creates a token for `key_id_hex` and `role`, and writes the file (re-read under the lock,
  // so concurrent creators do not lose each other's tokens). InvalidArgument for a malformed key
  // id or an unknown role.
  static Result<NewToken> Create(const std::string& path, const std::string& key_id_hex,
                                 const std::string& role, const std::string& name);
  // Marks token `id` revoked. NotFound if there is none.
  static Status Revoke(const std::string& path, const std::string& id);

  const std::vector<TokenRecord>& tokens() const { return tokens_; }

  // The record of `token` if it is well formed, known and not revoked. PermissionDenied
  // otherwise, with a message that does not reveal which part was wrong.
  Result<TokenRecord> Authenticate(std::string_view token) const;

 private:
  std::vector<TokenRecord> tokens_;
};

// The roles of the spec (shared/spec/events.md, "Roles").
bool IsKnownRole(std::string_view role);

}  // namespace ledger::server

#endif  // SERVER_TOKEN_STORE_H_
