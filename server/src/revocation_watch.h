// Revocation of what is already open. A request is authenticated when it arrives, but a
// subscription, a binary-protocol connection or a kept-alive HTTP connection outlives the
// request that opened it: each registers here with the credentials it runs under, and a thread
// rechecks them (Authenticator::Recheck) every `interval`. A session whose token or key has been
// revoked is told once (`notify`: it ends with a last message saying why) and, if it is still
// open a second later (a peer that does not read), closed without a word (`close`).
#ifndef SERVER_SRC_REVOCATION_WATCH_H_
#define SERVER_SRC_REVOCATION_WATCH_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "auth.h"
#include "base/mutex.h"
#include "periodic_thread.h"

namespace ledger::server::internal {

class RevocationWatch {
 public:
  struct Session {
    Principal principal;
    // Called once, with why the credentials no longer hold. Must not block (it posts to the
    // session's strand): it runs under the watch's lock, so that after Remove returns neither
    // callback runs again.
    std::function<void(const Status&)> notify;
    // Called once, a second after `notify` if the session is still registered.
    std::function<void()> close;
  };

  // A session still open this long after it was told is closed.
  static constexpr std::chrono::milliseconds kGrace{1000};

  RevocationWatch(Authenticator& auth, std::chrono::milliseconds interval);
  ~RevocationWatch();  // Stop()s
  RevocationWatch(const RevocationWatch&) = delete;
  RevocationWatch& operator=(const RevocationWatch&) = delete;

  void Start();
  void Stop();  // idempotent

  uint64_t Add(Session session) LEDGER_EXCLUDES(mu_);
  void Remove(uint64_t id) LEDGER_EXCLUDES(mu_);
  size_t sessions() const LEDGER_EXCLUDES(mu_);

  // Rechecks every session once (the thread's round; tests may call it).
  void CheckNow() LEDGER_EXCLUDES(mu_);

 private:
  struct Entry {
    Session session;
    bool notified = false;
    bool closed = false;
    std::chrono::steady_clock::time_point notified_at{};
  };

  Authenticator& auth_;
  const std::chrono::milliseconds interval_;
  mutable Mutex mu_;
  std::map<uint64_t, Entry> sessions_ LEDGER_GUARDED_BY(mu_);
  uint64_t next_id_ LEDGER_GUARDED_BY(mu_) = 0;
  PeriodicThread thread_;  // last: stopped first when destroyed
};

}  // namespace ledger::server::internal

#endif  // SERVER_SRC_REVOCATION_WATCH_H_
