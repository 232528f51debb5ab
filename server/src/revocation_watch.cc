#include "revocation_watch.h"

#include <unordered_map>
#include <vector>

#include "base/mutex.h"

namespace ledger::server::internal {

RevocationWatch::RevocationWatch(Authenticator& auth, std::chrono::milliseconds interval)
    : auth_(auth), interval_(interval) {}

RevocationWatch::~RevocationWatch() { Stop(); }

void RevocationWatch::Start() {
  thread_.Start("ledger-revoke", interval_, [this] { CheckNow(); });
}

void RevocationWatch::Stop() { thread_.Stop(); }

uint64_t RevocationWatch::Add(Session session) {
  MutexLock lock(mu_);
  const uint64_t id = next_id_++;
  sessions_.emplace(id, Entry{std::move(session)});
  return id;
}

void RevocationWatch::Remove(uint64_t id) {
  MutexLock lock(mu_);
  sessions_.erase(id);
}

size_t RevocationWatch::sessions() const {
  MutexLock lock(mu_);
  return sessions_.size();
}

void RevocationWatch::CheckNow() {
  // The distinct credentials first, checked without the lock (Recheck reads the tokens file and
  // the ledger's key registry): many sessions share one token.
  std::unordered_map<std::string, Principal> distinct;
  {
    MutexLock lock(mu_);
    for (const auto& [id, e] : sessions_) {
      if (!e.notified) distinct.emplace(e.session.principal.token_id, e.session.principal);
    }
  }
  std::unordered_map<std::string, Status> verdicts;
  for (const auto& [token_id, p] : distinct) {
    Status s = auth_.Recheck(p);
    if (!s.ok()) verdicts.emplace(token_id, std::move(s));
  }
  const auto now = std::chrono::steady_clock::now();
  MutexLock lock(mu_);
  for (auto& [id, e] : sessions_) {
    if (!e.notified) {
      auto it = verdicts.find(e.session.principal.token_id);
      if (it == verdicts.end()) continue;
      e.notified = true;
      e.notified_at = now;
      if (e.session.notify) e.session.notify(it->second);
    } else if (!e.closed && now - e.notified_at >= kGrace) {
      e.closed = true;
      if (e.session.close) e.session.close();
    }
  }
}

}  // namespace ledger::server::internal
