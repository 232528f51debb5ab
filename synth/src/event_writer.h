// Turns the simulation's events into `ledger append` JSON lines and puts them in time order.
//
// The generator runs every participant's simulation once per time slice and keeps only the
// events inside the slice (see cohort_generator.cc), so Emit must be called with the same
// sequence of events whatever the slice: the simulation never branches on what was kept. Every
// Emit call, kept or not, takes the participant's next sequence number; the number fixes the
// event's UUID and its seconds, so a line is the same bytes in every slicing.
//
// Line grammar (keys in this order; `personal` only on case.opened):
//   {"id":uuid,"stream":"case/"+subject,"type":t,"occurred_at":instant,"subject":subject,
//    "actor":{"id":id,"role":role},"legal_basis":[code,...],"data":{...},"personal":{...}}
#ifndef LEDGER_SYNTH_EVENT_WRITER_H_
#define LEDGER_SYNTH_EVENT_WRITER_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "calendar.h"
#include "cohort.h"

namespace ledger::synth {

using Json = nlohmann::ordered_json;

struct Actor {
  std::string_view id;
  std::string_view role;  // "caseworker" or "service"
};

// The legal bases the generator uses, each a fixed list of codes.
enum class Basis {
  kAssistance,        // NO:sotjl§18: economic assistance
  kConditions,        // NO:sotjl§20a: activity conditions and sanctions
  kAppeal,            // NO:sotjl§20a with NO:fvl§28: appeal of a sanction
  kAdvice,            // NO:sotjl§17: information, advice and follow-up
  kConsent,           // GDPR:6(1)(a) with NO:fvl§13a(1): consent to share
  kStatuteDisclosure  // NO:fvl§13b(1)(5): sharing with another agency without consent
};

// Plain personal values of case.opened, which `ledger append` turns into salted digests.
struct Personal {
  std::string_view name;
  std::string_view national_id;
  Day birth_date;
};

class EventWriter {
 public:
  explicit EventWriter(const Cohort& cohort) : cohort_(cohort) {}

  // Keeps events with begin <= occurred_at < end from now on (never at or after the window end).
  void SetSlice(Minute begin, Minute end);

  // Starts the next participant's sequence of events.
  void StartParticipant(uint32_t participant, const std::string& subject);

  // Whether an event at `at` would be kept. Lets a caller skip costly preparation that draws no
  // random numbers (the simulation must never branch on it otherwise).
  bool Keeps(Minute at) const { return at >= begin_ && at < end_; }

  // One event at local minute `at`; fill(data) writes the type's fields into `data` and runs
  // only when the event is kept, so it must not draw random numbers.
  template <typename Fill>
  void Emit(Minute at, std::string_view type, const Actor& actor, Basis basis, Fill&& fill,
            const Personal* personal = nullptr) {
    const uint32_t seq = next_seq_++;
    if (!Keeps(at)) return;
    Json data = Json::object();
    fill(data);
    Keep(at, seq, type, actor, basis, std::move(data), personal);
  }

  // Writes the kept events ordered by (occurred_at, participant, sequence) and forgets them.
  void Flush(const std::function<void(std::string_view)>& sink);

  size_t kept() const { return kept_.size(); }

 private:
  struct Kept {
    int64_t second;  // local seconds since 1970: the occurred_at order
    uint32_t participant;
    uint32_t seq;
    std::string line;
  };

  void Keep(Minute at, uint32_t seq, std::string_view type, const Actor& actor, Basis basis,
            Json data, const Personal* personal);

  const Cohort& cohort_;
  Minute begin_ = 0, end_ = 0;
  uint32_t participant_ = 0;
  uint32_t next_seq_ = 0;
  uint64_t id_key_ = 0;
  std::string subject_;
  std::string stream_;
  std::vector<Kept> kept_;
};

}  // namespace ledger::synth

#endif  // LEDGER_SYNTH_EVENT_WRITER_H_
