#include "export_events.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

#include "base/mutex.h"
#include "ledger/event_codec.h"
#include "ledger/time_format.h"
#include "release_format.h"

namespace ledger::release::internal {
namespace {

namespace fs = std::filesystem;

// case.opened's office when the office is generalised away (an id, as the catalogue wants).
constexpr std::string_view kSuppressedOffice = "suppressed";

// How one event's data is released: its fields' formats, and whose it is.
struct ValueContext {
  const std::map<std::string, std::string>* formats;
  const std::string* type;
  const std::string* subject;
  const PersonTimeline* timeline;
  const Pseudonymizer* names;
  const replay::ReportZone* zone;
  bool office_kept;
};

// The released value of one scalar field of format `f` at `path`.
void ReleaseScalar(nlohmann::ordered_json& value, const std::string& path, const std::string& f,
                   const ValueContext& ctx) {
  const std::string text = value.get<std::string>();
  if (f == "date") {
    auto d = ParseDate(text);
    value = d.ok() ? ctx.timeline->Day(DaysFromCivil(*d)) : 0;
  } else if (f == "instant") {
    auto us = ParseInstantMicros(text);
    value = us.ok() ? ctx.timeline->Day(DaysFromCivil(ctx.zone->DateAt(*us))) : 0;
  } else if (f == "month") {
    auto m = ParseMonth(text);
    value = m.ok() ? ctx.timeline->Month(MonthNumberOf(*m)) : 0;
  } else if (f == "id") {
    if (*ctx.type == "case.opened" && path == "office") {
      value = ctx.office_kept ? ctx.names->Office(text) : std::string(kSuppressedOffice);
    } else {
      value = ctx.names->LocalId(*ctx.subject, text);
    }
  } else if (f == "subject") {
    value = ctx.names->Person(text);
  }
}

// Released values of one event's data (docs/evaluator-guide.md, "What each value becomes").
void ReleaseValues(nlohmann::ordered_json& value, const std::string& path,
                   const ValueContext& ctx) {
  if (value.is_object()) {
    for (auto it = value.begin(); it != value.end();) {
      const std::string child = path.empty() ? it.key() : path + "." + it.key();
      auto format = ctx.formats->find(child);
      const std::string f = format == ctx.formats->end() ? "" : format->second;
      // Digests, event ids, and the quasi-identifiers persons.csv gives generalised.
      if (f == "sha256" || f == "uuid" || f == "kommune" ||
          (*ctx.type == "case.opened" && (child == "age_at_intake" || child == "sex"))) {
        it = value.erase(it);
        continue;
      }
      ReleaseValues(it.value(), child, ctx);
      ++it;
    }
    return;
  }
  if (value.is_array()) {
    for (auto& element : value) ReleaseValues(element, path, ctx);
    return;
  }
  auto format = ctx.formats->find(path);
  if (format == ctx.formats->end() || !value.is_string()) return;
  ReleaseScalar(value, path, format->second, ctx);
}

// The events the indicators need (trajectory.h): payments and category assignments, and status
// and income observations in a window before a horizon (released days, synthetic calendar).
bool Needed(std::string_view type, const nlohmann::ordered_json& data, const Released& person) {
  if (type == "payment.made" || type == "category.assigned") return true;
  const bool status = type == "status.observed";
  if (!status && type != "income.recorded") return false;
  auto as_of = data.find("as_of");
  if (as_of == data.end() || !as_of->is_number_integer()) return false;
  const int64_t day = as_of->get<int64_t>();
  const int32_t window = status ? 31 : 62;
  for (int32_t h : person.horizon_days) {
    if (day >= h - window && day <= h) return true;
  }
  return false;
}

// Event type names <-> small numbers, shared by the writers.
class TypeTable {
 public:
  uint16_t Id(const std::string& type) LEDGER_EXCLUDES(mutex_) {
    MutexLock lock(mutex_);
    auto [it, fresh] = ids_.emplace(type, static_cast<uint16_t>(ids_.size()));
    return it->second;
  }

 private:
  Mutex mutex_;
  std::map<std::string, uint16_t> ids_ LEDGER_GUARDED_BY(mutex_);
};

// What becomes of one event of a released person.
enum class Disposition {
  kReleased,
  kCensored,  // after the person's released follow-up end
  kMerged,    // an observation another one of its released day stands for
};

// Writes released people's events into one part file.
class PartWriter {
 public:
  PartWriter(const EventSource& source, const std::set<uint64_t>& kept, TypeTable& types,
             PartResult& out)
      : source_(source),
        kept_(kept),
        types_(types),
        out_(out),
        file_(out.path, std::ios::binary | std::ios::trunc) {}

  Status Person(const std::string& subject, const Released& person) {
    for (uint64_t from = 0;;) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<Entry> entries,
                              source_.ledger->log().ReadStream("case/" + subject, from, 1024));
      if (entries.empty()) return Status::Ok();
      from += entries.size();
      for (const Entry& e : entries) LEDGER_RETURN_IF_ERROR(Event(subject, person, e));
    }
  }

  Status Close() {
    file_.flush();
    if (!file_) return Status::IOError("cannot write " + out_.path.string());
    return Status::Ok();
  }

 private:
  Status Event(const std::string& subject, const Released& person, const Entry& e) {
    LEDGER_ASSIGN_OR_RETURN(nlohmann::ordered_json source, EventJsonValueFromCanonical(e.event));
    const std::string& type = source.at("type").get_ref<const std::string&>();
    LEDGER_ASSIGN_OR_RETURN(int64_t occurred_us,
                            ParseInstantMicros(source.at("occurred_at").get<std::string>()));
    if (occurred_us > source_.as_of_end_us || !IsReleasedType(type)) return Status::Ok();
    const int64_t occurred_day = DaysFromCivil(source_.zone->DateAt(occurred_us));
    switch (Classify(type, source, occurred_day, person, e.seq)) {
      case Disposition::kCensored:
        ++out_.censored;
        return Status::Ok();
      case Disposition::kMerged:
        ++out_.merged;
        return Status::Ok();
      case Disposition::kReleased:
        break;
    }
    return Write(subject, person, e.seq, type, occurred_day, source);
  }

  // Follow-up as released: nothing after the end of the month `followed_months` after intake.
  Disposition Classify(const std::string& type, const nlohmann::ordered_json& source,
                       int64_t occurred_day, const Released& person, uint64_t seq) const {
    if (occurred_day > person.end_day) return Disposition::kCensored;
    if (type == "payment.made") {
      auto month = ParseMonth(source.at("data").value("month", std::string()));
      if (month.ok() && MonthNumberOf(*month) > person.end_month) return Disposition::kCensored;
    }
    if ((type == "status.observed" || type == "income.recorded") && kept_.count(seq) == 0) {
      return Disposition::kMerged;
    }
    return Disposition::kReleased;
  }

  // One line of the part file, and its trajectory event.
  Status Write(const std::string& subject, const Released& person, uint64_t seq,
               const std::string& type, int64_t occurred_day, nlohmann::ordered_json& source) {
    auto f = formats_.find(type);
    if (f == formats_.end()) {
      LEDGER_ASSIGN_OR_RETURN(auto got, DataFieldFormats(type));
      f = formats_.emplace(type, std::move(got)).first;
    }
    nlohmann::ordered_json data = std::move(source.at("data"));
    ReleaseValues(data, "",
                  ValueContext{&f->second, &type, &subject, &person.timeline, source_.names,
                               source_.zone, person.office_kept});
    nlohmann::ordered_json line;
    line["person"] = person.person.person;
    const int32_t day = person.timeline.Day(occurred_day);
    line["day"] = day;
    line["type"] = type;
    const nlohmann::json& actor = source.at("actor");
    const std::string& role = actor.at("role").get_ref<const std::string&>();
    line["actor"] = {{"id", source_.names->Role(role)}, {"role", role}};
    line["legal_basis"] = std::move(source.at("legal_basis"));
    WrittenLine written;
    written.event.person = person.index;
    written.event.type = TypeId(type);
    written.event.day = day;
    written.event.required = type == "case.opened";
    written.event.needed = Needed(type, data, person);
    written.seq = seq;
    out_.lines.push_back(written);
    line["data"] = std::move(data);
    file_ << line.dump() << '\n';
    ++out_.events;
    return Status::Ok();
  }

  uint16_t TypeId(const std::string& type) {
    auto it = type_ids_.find(type);
    if (it == type_ids_.end()) it = type_ids_.emplace(type, types_.Id(type)).first;
    return it->second;
  }

  const EventSource& source_;
  const std::set<uint64_t>& kept_;
  TypeTable& types_;
  PartResult& out_;
  std::ofstream file_;
  std::map<std::string, std::map<std::string, std::string>> formats_;
  std::map<std::string, uint16_t> type_ids_;
};

// The released people in pseudonym order, with their ledger subjects.
struct PersonOrder {
  std::vector<std::pair<std::string_view, Released*>> order;  // (pseudonym, person)
  std::map<std::string_view, std::string_view> subject_of;    // pseudonym -> subject
};

PersonOrder OrderByPseudonym(ReleasePlan& plan) {
  PersonOrder out;
  for (auto& [subject, r] : plan.released) {
    out.order.emplace_back(r.person.person, &r);
    out.subject_of.emplace(r.person.person, subject);
  }
  std::sort(out.order.begin(), out.order.end());
  for (size_t i = 0; i < out.order.size(); ++i) {
    out.order[i].second->index = static_cast<uint32_t>(i);
  }
  return out;
}

}  // namespace

Result<EventParts> WriteEventParts(const EventSource& source, ReleasePlan& plan,
                                   const fs::path& staging,
                                   const std::function<void(uint64_t, uint64_t)>& progress) {
  const PersonOrder people = OrderByPseudonym(plan);
  const auto& order = people.order;
  const size_t workers = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
  EventParts out;
  out.parts.resize(workers);
  std::atomic<uint64_t> done{0};
  Mutex progress_mutex;
  std::vector<std::thread> threads;
  TypeTable types;
  for (size_t w = 0; w < workers; ++w) {
    const size_t from = order.size() * w / workers, to = order.size() * (w + 1) / workers;
    PartResult& part = out.parts[w];
    part.path = staging / ("events.part" + std::to_string(w));
    threads.emplace_back([&, from, to] {
      PartWriter writer(source, plan.kept_observations, types, part);
      for (size_t i = from; i < to && part.status.ok(); ++i) {
        part.status =
            writer.Person(std::string(people.subject_of.at(order[i].first)), *order[i].second);
        const uint64_t n = ++done;
        if (n % 256 == 0) {
          MutexLock lock(progress_mutex);
          progress(n, order.size());
        }
      }
      Status closed = writer.Close();
      if (part.status.ok()) part.status = closed;
    });
  }
  for (std::thread& t : threads) t.join();
  progress(order.size(), order.size());
  for (PartResult& part : out.parts) {
    if (!part.status.ok()) return part.status;
    out.observations_merged += part.merged;
    out.events_censored += part.censored;
    for (const WrittenLine& l : part.lines) out.lines.push_back(l.event);
  }
  out.people = static_cast<uint32_t>(order.size());
  return out;
}

Result<TrajectoryPrivacy> ProtectTrajectories(const std::vector<TrajectoryEvent>& lines,
                                              uint32_t people, const TrajectoryParams& lkc) {
  // Measured with L = 2 when nothing is enforced (--lkc-l 0).
  const TrajectoryParams measured{lkc.l == 0 ? 2 : lkc.l, lkc.k, lkc.bucket_days};
  TrajectoryPrivacy out;
  LEDGER_ASSIGN_OR_RETURN(out.before, MeasureTrajectories(lines, people, measured));
  LEDGER_ASSIGN_OR_RETURN(out.enforcement, EnforceLkc(lines, people, lkc));
  LEDGER_ASSIGN_OR_RETURN(
      out.after, MeasureTrajectories(lines, people, measured, &out.enforcement.suppressed));
  if (lkc.l > 0 && out.after.violating_sets != 0) {
    return Status::Corruption("LKC-privacy does not hold after suppression");
  }
  return out;
}

Result<JoinedEvents> JoinParts(const std::vector<PartResult>& parts,
                               const std::vector<bool>& suppressed, const fs::path& events_path) {
  JoinedEvents out;
  std::ofstream events(events_path, std::ios::binary | std::ios::trunc);
  std::error_code ec;
  size_t index = 0;
  for (const PartResult& part : parts) {
    std::ifstream in(part.path, std::ios::binary);
    std::string line;
    for (const WrittenLine& l : part.lines) {
      if (!std::getline(in, line)) return Status::IOError("cannot read " + part.path.string());
      if (suppressed[index++]) {
        out.suppressed_seqs.insert(l.seq);
        continue;
      }
      events << line << '\n';
      ++out.events;
    }
    in.close();
    fs::remove(part.path, ec);
  }
  events.flush();
  if (!events) return Status::IOError("cannot write " + events_path.string());
  return out;
}

}  // namespace ledger::release::internal
