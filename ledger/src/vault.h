// The personal-data vault (docs/privacy.md): personal values sealed with XChaCha20-Poly1305
// under a key of their own subject, each subject key sealed under the master key. Shredding a
// subject deletes its key and its sealed values in the same atomic batch as the
// subject.shredded entry; the entries only ever held salted digests, so every signature and
// proof stays valid.
//
// Column kPersonal:
//   "k/" subject                    -> nonce(24) || seal_master(subject key), AD = "ledger/
//                                      subject-key/v1" 0x00 origin 0x00 subject
//   "v/" subject 0x00 BE64(seq)     -> nonce(24) || seal_subject(DisclosureList), AD = "ledger/
//                                      personal/v1" 0x00 subject 0x00 BE64(seq)
// Invariant: a subject key exists in plaintext only in memory; the master key never touches
// the data directory (only a keyed check value of it, in the identity).
#ifndef LEDGER_SRC_VAULT_H_
#define LEDGER_SRC_VAULT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/mutex.h"
#include "base/status.h"
#include "ledger/master_key.h"
#include "ledger/types.h"
#include "storage/kv_store.h"

namespace ledger::internal {

// The identity's check value for `key`: BLAKE2b keyed by the master key over a fixed label and
// the origin. Reveals nothing about the key.
std::string MasterKeyCheck(const MasterKey& key, std::string_view origin);

std::string SubjectKeyKey(std::string_view subject);
std::string PersonalValueKey(std::string_view subject, uint64_t seq);
// [begin, end) of every personal value of the subject.
std::pair<std::string, std::string> PersonalValueRange(std::string_view subject);

class Vault {
 public:
  Vault(KvStore* store, std::optional<MasterKey> master, std::string origin);
  ~Vault();

  bool has_master_key() const { return master_.has_value(); }

  // A fresh random subject key and its sealed form for the "k/" record.
  struct NewKey {
    std::string key;
    std::string sealed;
  };
  Result<NewKey> CreateSubjectKey(std::string_view subject) const;
  // The committed subject key: cached, or unsealed from the store. NotFound if there is none.
  Result<std::string> SubjectKey(std::string_view subject) LEDGER_EXCLUDES(mu_);
  // Called once a batch holding new keys is durable.
  void Remember(const std::string& subject, const std::string& key) LEDGER_EXCLUDES(mu_);
  // Called once a shredding is durable: wipes the cached key.
  void Forget(const std::string& subject) LEDGER_EXCLUDES(mu_);

  std::string Seal(std::string_view subject_key, std::string_view subject, uint64_t seq,
                   const std::vector<Disclosure>& disclosures) const;
  Result<std::vector<Disclosure>> Open(std::string_view subject_key, std::string_view subject,
                                       uint64_t seq, std::string_view sealed) const;

 private:
  Status NeedMaster() const;

  KvStore* const store_;
  const std::optional<MasterKey> master_;
  const std::string origin_;
  Mutex mu_;
  // Unsealed subject keys, bounded: cleared (and wiped) when it would exceed kMaxCached.
  static constexpr size_t kMaxCached = 100000;
  std::map<std::string, std::string, std::less<>> cache_ LEDGER_GUARDED_BY(mu_);
};

}  // namespace ledger::internal

#endif  // LEDGER_SRC_VAULT_H_
