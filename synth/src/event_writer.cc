#include "event_writer.h"

#include <algorithm>

#include "prng.h"
#include "pseudonyms.h"

namespace ledger::synth {
namespace {

const std::vector<std::string>& Codes(Basis basis) {
  static const std::vector<std::string> kAssistance = {"NO:sotjl§18", "GDPR:6(1)(e)"};
  static const std::vector<std::string> kConditions = {"NO:sotjl§20a", "GDPR:6(1)(e)"};
  static const std::vector<std::string> kAppeal = {"NO:sotjl§20a", "NO:fvl§28"};
  static const std::vector<std::string> kAdvice = {"NO:sotjl§17", "GDPR:6(1)(e)"};
  static const std::vector<std::string> kConsent = {"GDPR:6(1)(a)", "NO:fvl§13a(1)"};
  static const std::vector<std::string> kStatute = {"NO:fvl§13b(1)(5)", "GDPR:6(1)(e)"};
  switch (basis) {
    case Basis::kAssistance:
      return kAssistance;
    case Basis::kConditions:
      return kConditions;
    case Basis::kAppeal:
      return kAppeal;
    case Basis::kAdvice:
      return kAdvice;
    case Basis::kConsent:
      return kConsent;
    case Basis::kStatuteDisclosure:
      return kStatute;
  }
  return kAdvice;
}

}  // namespace

void EventWriter::SetSlice(Minute begin, Minute end) {
  begin_ = begin;
  end_ = std::min(end, cohort_.end_minute);
}

void EventWriter::StartParticipant(uint32_t participant, const std::string& subject) {
  participant_ = participant;
  next_seq_ = 0;
  id_key_ = StreamKey(cohort_.seed, participant, static_cast<uint64_t>(StreamTag::kEventIds));
  subject_ = subject;
  stream_ = "case/" + subject;
}

void EventWriter::Keep(Minute at, uint32_t seq, std::string_view type, const Actor& actor,
                       Basis basis, Json data, const Personal* personal) {
  const uint64_t hi = Mix64(id_key_ ^ (uint64_t{seq} * 0x9e3779b97f4a7c15ULL));
  const uint64_t lo = Mix64(hi ^ 0xa0761d6478bd642fULL);
  // Staff type at their own pace: the seconds are as random as the id.
  const int second = static_cast<int>((lo >> 7) % 60);

  Json line = Json::object();
  line["id"] = FormatUuid(hi, lo);
  line["stream"] = stream_;
  line["type"] = type;
  line["occurred_at"] = FormatInstant(at, second);
  line["subject"] = subject_;
  line["actor"] = Json{{"id", actor.id}, {"role", actor.role}};
  line["legal_basis"] = Codes(basis);
  line["data"] = std::move(data);
  if (personal != nullptr) {
    line["personal"] = Json{{"name", personal->name},
                            {"national_id", personal->national_id},
                            {"birth_date", FormatDate(personal->birth_date)}};
  }
  kept_.push_back(Kept{at * 60 + second, participant_, seq, line.dump()});
}

void EventWriter::Flush(const std::function<void(std::string_view)>& sink) {
  std::sort(kept_.begin(), kept_.end(), [](const Kept& a, const Kept& b) {
    if (a.second != b.second) return a.second < b.second;
    if (a.participant != b.participant) return a.participant < b.participant;
    return a.seq < b.seq;
  });
  for (const Kept& k : kept_) sink(k.line);
  kept_.clear();
}

}  // namespace ledger::synth
