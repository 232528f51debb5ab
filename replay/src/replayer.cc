#include "replay/replayer.h"

#include <kj/exception.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "entry_prefetcher.h"
#include "replay/event_view.h"

namespace ledger::replay {
namespace {

bool WellFormedName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

}  // namespace

Replayer::Replayer(Ledger& ledger, std::vector<Projection*> projections, ReplayFilter filter)
    : ledger_(ledger), projections_(std::move(projections)), filter_(filter) {}

Replayer::~Replayer() = default;

Result<std::unique_ptr<Replayer>> Replayer::Create(Ledger& ledger,
                                                   std::vector<Projection*> projections,
                                                   ReplayFilter filter) {
  std::set<std::string_view> names;
  for (Projection* p : projections) {
    if (p == nullptr) return Status::InvalidArgument("replayer: a projection is null");
    if (!WellFormedName(p->name())) {
      return Status::InvalidArgument("replayer: projection name \"" + std::string(p->name()) +
                                     "\" is not [a-z0-9_.]{1,64}");
    }
    if (!names.insert(p->name()).second) {
      return Status::InvalidArgument("replayer: projection \"" + std::string(p->name()) +
                                     "\" is given twice");
    }
  }
  std::unique_ptr<Replayer> r(new Replayer(ledger, std::move(projections), filter));
  r->Reset();
  return r;
}

void Replayer::Reset() {
  for (Projection* p : projections_) p->Reset();
  position_ = 0;
  damaged_ = false;
}

Result<ResumeInfo> Replayer::Resume(const StateStore& store) {
  Reset();
  auto rebuild = [&](std::string reason) {
    Reset();
    return ResumeInfo{ResumeKind::kRebuilt, 0, std::move(reason)};
  };
  auto loaded = store.Load();
  if (!loaded.ok()) {
    // A format this program does not know: the state is derived data, so rebuild.
    if (loaded.status().code() == StatusCode::kFailedPrecondition) {
      return rebuild(loaded.status().message());
    }
    return loaded.status();
  }
  if (!loaded->has_value()) return ResumeInfo{ResumeKind::kFresh, 0, ""};
  const SavedState& saved = **loaded;

  if (saved.occurred_at_most_us != filter_.occurred_at_most_us) {
    return rebuild("the saved state was made with another business-time filter");
  }
  std::map<std::string_view, const SavedProjection*> by_name;
  for (const SavedProjection& p : saved.projections) by_name[p.name] = &p;
  if (by_name.size() != projections_.size()) {
    return rebuild("the saved state holds " + std::to_string(saved.projections.size()) +
                   " projections, this replayer feeds " + std::to_string(projections_.size()));
  }
  for (Projection* p : projections_) {
    auto it = by_name.find(p->name());
    if (it == by_name.end()) {
      return rebuild("no saved state for projection " + std::string(p->name()));
    }
    if (it->second->version != p->version()) {
      return rebuild("projection " + std::string(p->name()) + " is version " +
                     std::to_string(p->version()) + ", the saved state is version " +
                     std::to_string(it->second->version));
    }
  }
  uint64_t size = ledger_.log().Size();
  if (saved.position > size) {
    return rebuild("the saved position " + std::to_string(saved.position) +
                   " is beyond the log's end " + std::to_string(size) +
                   ": the state came from another log");
  }
  LEDGER_ASSIGN_OR_RETURN(tlog::Hash root, ledger_.audit().RootAt(saved.position));
  if (root != saved.log_root) {
    return rebuild("the log's root at " + std::to_string(saved.position) +
                   " differs from the saved one: the state came from another log");
  }
  for (Projection* p : projections_) {
    Status s = p->Restore(by_name.at(p->name())->state);
    if (!s.ok()) {
      Reset();
      return s.WithContext("restore projection " + std::string(p->name()));
    }
  }
  position_ = saved.position;
  return ResumeInfo{ResumeKind::kResumed, position_, ""};
}

Result<RunStats> Replayer::Run(const RunOptions& options) {
  if (damaged_) {
    return Status::FailedPrecondition("replayer: a previous run failed; Reset or Resume first");
  }
  const uint64_t size = ledger_.log().Size();
  const uint64_t end = options.to_seq.value_or(size);
  if (end > size) {
    return Status::InvalidArgument("replay to seq " + std::to_string(end) + ": the log has only " +
                                   std::to_string(size) + " entries");
  }
  if (end < position_) {
    return Status::InvalidArgument("replay to seq " + std::to_string(end) +
                                   ": the projections are already at " + std::to_string(position_));
  }
  RunStats stats;
  stats.from = stats.to = position_;
  const uint64_t every = std::max<uint64_t>(options.progress_every, 1);
  auto report = [&]() {
    if (options.progress) {
      options.progress(ReplayProgress{position_, end, stats.applied, stats.skipped});
    }
  };
  if (end == position_) {
    report();
    return stats;
  }

  damaged_ = true;  // until the run completes
  // A long run reads the log ahead on another core (entry_prefetcher.h) while this thread
  // decodes and applies; a short one (an incremental catch-up) reads it here.
  std::unique_ptr<EntryIterator> it;
  std::optional<EntryPrefetcher> prefetcher;
  if (end - position_ >= EntryPrefetcher::kBatchEntries) {
    prefetcher.emplace(ledger_, position_, end);
  } else {
    it = ledger_.log().Scan(position_, /*decode=*/false);
  }
  EntryBatch batch;
  size_t in_batch = 0;
  bool started = false;
  // The next entry's bytes, or nullopt where the log ends.
  auto next_entry = [&]() -> std::optional<std::string_view> {
    if (prefetcher) {
      if (in_batch == batch.size()) {
        if (!prefetcher->Next(&batch)) return std::nullopt;
        in_batch = 0;
      }
      return batch.entry(in_batch++);
    }
    if (started) it->Next();
    started = true;
    if (!it->Valid()) return std::nullopt;
    return std::string_view(it->entry().bytes);
  };
  EventDecoder decoder;
  EventView view;
  const std::optional<int64_t> cutoff = filter_.occurred_at_most_us;
  uint64_t next_report = position_ + every;
  Status status;
  // One catch for the whole loop: Cap'n Proto reports damaged data by exception, also while a
  // projection reads a field. position_ is then the seq being applied.
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    while (position_ < end) {
      const std::optional<std::string_view> bytes = next_entry();
      if (!bytes) break;
      status = decoder.DecodeEntryBytes(position_, *bytes, &view);
      if (!status.ok()) return;
      stats.last_recorded_at_us = view.recorded_at_us();
      if (cutoff && view.occurred_at_us() > *cutoff) {
        ++stats.skipped;
      } else {
        for (Projection* p : projections_) p->Apply(view);
        ++stats.applied;
      }
      ++position_;
      if (position_ >= next_report && position_ < end) {
        report();
        next_report = position_ + every;
      }
    }
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption("entry at seq " + std::to_string(position_) + ": " +
                              e->getDescription().cStr());
  }
  LEDGER_RETURN_IF_ERROR(status);
  LEDGER_RETURN_IF_ERROR(prefetcher ? prefetcher->status() : it->status());
  if (position_ != end) {
    return Status::Corruption("the log ended at seq " + std::to_string(position_) +
                              " before the expected end " + std::to_string(end));
  }
  damaged_ = false;
  stats.to = position_;
  report();
  return stats;
}

Status Replayer::ApplyAppended(const SignedEvent& event, const AppendResult& result) {
  if (damaged_) {
    return Status::FailedPrecondition("replayer: a previous run failed; Reset or Resume first");
  }
  if (result.seq < position_) return Status::Ok();
  if (result.seq > position_) {
    RunOptions to_it;
    to_it.to_seq = result.seq;
    LEDGER_RETURN_IF_ERROR(Run(to_it).status());
  }
  Entry entry;
  entry.seq = result.seq;
  entry.version = result.version;
  entry.recorded_at_us = result.recorded_at_us;
  entry.event = event.event;
  EventDecoder decoder;
  EventView view;
  damaged_ = true;  // until the entry is applied
  Status status;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    status = decoder.DecodeEntry(entry, &view);
    if (!status.ok()) return;
    const std::optional<int64_t> cutoff = filter_.occurred_at_most_us;
    if (!cutoff || view.occurred_at_us() <= *cutoff) {
      for (Projection* p : projections_) p->Apply(view);
    }
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption("appended entry at seq " + std::to_string(result.seq) + ": " +
                              e->getDescription().cStr());
  }
  LEDGER_RETURN_IF_ERROR(status);
  ++position_;
  damaged_ = false;
  return Status::Ok();
}

Result<LogPoint> Replayer::Point() {
  LEDGER_ASSIGN_OR_RETURN(tlog::Hash root, ledger_.audit().RootAt(position_));
  return LogPoint{position_, root};
}

Result<SavedState> Replayer::Snapshot() {
  if (damaged_) {
    return Status::FailedPrecondition("replayer: a run failed; its state must not be saved");
  }
  SavedState s;
  s.position = position_;
  LEDGER_ASSIGN_OR_RETURN(s.log_root, ledger_.audit().RootAt(position_));
  s.occurred_at_most_us = filter_.occurred_at_most_us;
  for (Projection* p : projections_) {
    s.projections.push_back(SavedProjection{std::string(p->name()), p->version(), p->Serialize()});
  }
  // Canonical order: by name, whatever order the caller listed them in.
  std::sort(s.projections.begin(), s.projections.end(),
            [](const SavedProjection& a, const SavedProjection& b) { return a.name < b.name; });
  return s;
}

Status Replayer::Save(StateStore& store) {
  LEDGER_ASSIGN_OR_RETURN(SavedState s, Snapshot());
  return store.Save(s);
}

}  // namespace ledger::replay
