// What an open ledger holds, shared by its three services (EventLog, PersonalData and
// VerifiableHistory: ledger/log.h, privacy.h, audit.h): the store, the options it was opened
// with, its identity, the key registry, the vault, the one writer and the erasure purger.
// Opening (ledger.cc) loads it from the store and checks the store against its anchor; the
// services hold a pointer to it and never own it. Not part of the public API.
//
// Thread safety: after Load(), every method may be called from any thread (the objects it hands
// out are thread-safe themselves).
#ifndef LEDGER_SRC_LEDGER_STATE_H_
#define LEDGER_SRC_LEDGER_STATE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "anchor.h"
#include "base/status.h"
#include "erasure_purge.h"
#include "key_registry.h"
#include "ledger/ledger.h"
#include "log_writer.h"
#include "records.h"
#include "storage/kv_store.h"
#include "tlog/proof.h"
#include "vault.h"

namespace ledger::internal {

class LedgerState {
 public:
  // `dir`: where the anchor files live; empty for a ledger without a directory.
  LedgerState(std::unique_ptr<KvStore> store, LedgerOptions options, std::string dir = {});
  ~LedgerState();
  LedgerState(const LedgerState&) = delete;
  LedgerState& operator=(const LedgerState&) = delete;

  // Writes a new ledger's identity and empty head. `replica`: the ledger takes entries only
  // through AppendReplicated (records.h).
  Status Initialize(const LedgerIdentity& identity, bool replica = false);
  // Loads the committed state, checks the store against its anchor and its index counts, binds
  // the master key, promotes a replica opened to be the primary, and starts the writer (and,
  // writable, the erasure purger). Every other method REQUIRES: Load() returned OK.
  Status Load();

  bool read_only() const { return options_.read_only; }
  // A replica (records.h, kMetaReplicaKey): it takes entries only through AppendReplicated.
  bool replica() const { return replica_; }
  // The first seq whose personal values are kept here: 0, UINT64_MAX in a replica, the size
  // at promotion in a promoted one.
  uint64_t values_from() const { return values_from_; }
  Status ReadOnlyRefusal(std::string_view what) const {
    return Status::FailedPrecondition(std::string(what) + ": the ledger was opened read-only");
  }
  // The anchor's finding first: a store that lost entries cannot be judged by its indexes.
  const Status& integrity_at_open() const {
    return integrity_at_open_.ok() ? derived_at_open_ : integrity_at_open_;
  }
  const Status& anchor_at_open() const { return integrity_at_open_; }

  const LedgerOptions& options() const { return options_; }
  const LedgerIdentity& identity() const { return identity_; }
  int64_t created_at_us() const { return created_at_us_; }
  KvStore* store() { return store_.get(); }
  KeyRegistry& keys() { return keys_; }
  Vault& vault() { return *vault_; }
  LogWriter& writer() { return *writer_; }
  // Null for a read-only ledger.
  ErasurePurger* purger() { return purger_.get(); }
  // Committed entries: the next seq.
  uint64_t size() { return writer_->head().size; }

  // Reads stored perfect-subtree hashes (the `tree` column) for tlog's proofs; a missing or
  // malformed node is Corruption.
  tlog::NodeReader NodeReader();
  // The committed entry at `seq`, checksum-checked and decoded.
  Result<Entry> ReadSeq(uint64_t seq);

 private:
  Status CheckIndexCounts(uint64_t size);
  Status LoadAnchor(uint64_t store_size, const tlog::CompactRange& range, SignedTreeHead* last);
  Status BindMasterKey();
  Result<SignedTreeHead> LoadLastCheckpoint();
  Status CheckHead(const LedgerHeadRecord& head);

  std::unique_ptr<KvStore> store_;
  LedgerOptions options_;
  const std::string dir_;
  Status integrity_at_open_;  // the store against its anchor
  Status derived_at_open_;    // the index counts (CheckIndexCounts)
  // Before writer_: the writer records into it until it is destroyed.
  std::unique_ptr<AnchorWriter> anchor_;
  // A replica (records.h, kMetaReplicaKey) and the first seq whose personal values are kept here.
  bool replica_ = false;
  uint64_t values_from_ = 0;
  LedgerIdentity identity_;
  int64_t created_at_us_ = 0;
  KeyRegistry keys_;
  std::unique_ptr<Vault> vault_;  // before writer_: the writer uses it
  std::unique_ptr<LogWriter> writer_;
  // After writer_: destroyed first, so it never outlives the store (declared after store_).
  std::unique_ptr<ErasurePurger> purger_;
};

// The way into a Ledger's private parts, for ledger/src (opening on a given store, the verifier,
// repair) and tests of internals.
class LedgerAccess {
 public:
  static std::unique_ptr<Ledger> Wrap(std::unique_ptr<LedgerState> state) {
    return std::unique_ptr<Ledger>(new Ledger(std::move(state)));
  }
  static LedgerState& State(Ledger& ledger) { return *ledger.state_; }
};

// The store under a ledger, for the verifier and repair.
inline KvStore* StoreOf(Ledger& ledger) { return LedgerAccess::State(ledger).store(); }
// What opening found when it compared the store with its anchor only (IntegrityAtOpen also
// reports the index counts).
inline Status AnchorAtOpen(Ledger& ledger) { return LedgerAccess::State(ledger).anchor_at_open(); }

}  // namespace ledger::internal

#endif  // LEDGER_SRC_LEDGER_STATE_H_
