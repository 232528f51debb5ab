// Key administration on top of the append path: creating a ledger with its first admin key,
// and registering or revoking keys with events in the `keys` stream signed by an admin.
#ifndef LEDGER_KEY_ADMIN_H_
#define LEDGER_KEY_ADMIN_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "ledger/ledger.h"
#include "ledger/signing_key.h"

namespace ledger {

// A random version 4 UUID in lowercase: a fresh event id.
std::string NewEventId();

// Creates a ledger in `data_dir` whose checkpoints are signed by `ledger_key` (its name is the
// origin), and registers `admin_key` as the first admin with a self-signed key.registered (the
// only event the ledger accepts from an unregistered key, and only as its first key).
Result<std::unique_ptr<Ledger>> CreateLedgerWithAdmin(const std::string& data_dir,
                                                      const SigningKey& ledger_key,
                                                      const SigningKey& admin_key,
                                                      const LedgerOptions& options = {},
                                                      uint32_t max_agreement_problems = 3);
// The same in memory (tests).
Result<std::unique_ptr<Ledger>> CreateInMemoryLedgerWithAdmin(const SigningKey& ledger_key,
                                                              const SigningKey& admin_key,
                                                              const LedgerOptions& options = {});

// Appends key.registered for `key` with `role` and `scope`, signed by `admin`.
Result<AppendResult> RegisterKey(Ledger& ledger, const SigningKey& admin, const VerifierKey& key,
                                 const std::string& role, const std::vector<std::string>& scope);
// Appends key.revoked for the key with 8-hex id `key_id_hex`, signed by `admin`.
Result<AppendResult> RevokeKey(Ledger& ledger, const SigningKey& admin,
                               const std::string& key_id_hex, const std::string& reason);

// The JSON input line (for SignEventJson) of a key.registered event.
std::string KeyRegisteredJson(const SigningKey& admin, const VerifierKey& key,
                              const std::string& role, const std::vector<std::string>& scope);

}  // namespace ledger

#endif  // LEDGER_KEY_ADMIN_H_
