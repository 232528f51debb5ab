// Keyed pseudonyms of one release (docs/evaluator-guide.md, "Pseudonyms"): a BLAKE2b MAC of the
// value under the release key, so that the same person, caseworker or office has the same
// pseudonym throughout one release, and releases made with different keys share none. The key
// is derived from the ledger's master key and a release id: only the ledger can compute it, and
// two releases are linkable only when one is exported with the other's key on purpose.
#ifndef RELEASE_SRC_PSEUDONYMS_H_
#define RELEASE_SRC_PSEUDONYMS_H_

#include <string>
#include <string_view>

#include "ledger/master_key.h"

namespace ledger::release {

// 32 bytes: BLAKE2b("ledger/release-key/v1" 0x00 || release_id) keyed with the master key.
std::string DeriveReleaseKey(const MasterKey& master, std::string_view release_id);

class Pseudonymizer {
 public:
  // REQUIRES: key is 32 bytes.
  explicit Pseudonymizer(std::string key);
  ~Pseudonymizer();
  Pseudonymizer(const Pseudonymizer&) = delete;
  Pseudonymizer& operator=(const Pseudonymizer&) = delete;

  // "p" + 16 base32 characters (80 bits): a person (the subject).
  std::string Person(std::string_view subject) const;
  // "w" + ...: a staff member or service acting (actor.id).
  std::string Actor(std::string_view actor_id) const;
  // "w" + ...: everyone acting in `role` (actor.role): what a release gives as actor.id, since a
  // caseworker's own pseudonym would tell their office, and the set of caseworkers a person
  // met is as identifying as a trajectory.
  std::string Role(std::string_view role) const;
  // "o" + ...: an office.
  std::string Office(std::string_view office) const;
  // "x" + ...: an id a writer chose inside one person's stream (decision, task, course ids).
  // Keyed by the person too, so equal ids in two streams do not link them.
  std::string LocalId(std::string_view subject, std::string_view id) const;
  // 16 hex digits that name the key without revealing it: equal for releases that share it.
  std::string KeyFingerprint() const;

 private:
  std::string Mac(char kind, std::string_view scope, std::string_view value) const;
  std::string key_;
};

}  // namespace ledger::release

#endif  // RELEASE_SRC_PSEUDONYMS_H_
