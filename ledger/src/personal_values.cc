#include "personal_values.h"

#include <string>

#include "ledger/time_format.h"

namespace ledger::internal {
namespace {
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxNotesBytes = 4096;
}  // namespace

Status CheckPersonalValue(std::string_view field, std::string_view value) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("personal." + std::string(field) + ": " + std::string(why));
  };
  if (field != "name" && field != "national_id" && field != "birth_date" && field != "notes") {
    return bad("unknown personal field (name, national_id, birth_date, notes)");
  }
  if (value.empty()) return bad("empty value");
  if (value.find('\0') != std::string_view::npos) return bad("NUL in value");
  if (field == "name") return value.size() <= kMaxNameBytes ? Status::Ok() : bad("over 200 bytes");
  if (field == "national_id") {
    bool digits = value.size() == 11;
    for (char c : value) digits = digits && c >= '0' && c <= '9';
    return digits ? Status::Ok() : bad("expected 11 digits");
  }
  if (field == "birth_date") {
    // The value is personal: the message must not repeat it.
    return ParseDate(value).ok() ? Status::Ok() : bad("not a valid date (YYYY-MM-DD)");
  }
  return value.size() <= kMaxNotesBytes ? Status::Ok() : bad("over 4096 bytes");
}

}  // namespace ledger::internal
