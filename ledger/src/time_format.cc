#include "ledger/time_format.h"

#include <chrono>
#include <cstdio>

namespace ledger {
namespace {

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

Status BadValue(std::string_view what, std::string_view text) {
  std::string m = "not a valid ";
  m += what;
  m += ": \"";
  m += text.substr(0, 64);
  m += "\"";
  return Status::InvalidArgument(std::move(m));
}

}  // namespace

// Howard Hinnant's days_from_civil algorithm.
int64_t DaysFromCivil(const CivilDate& date) {
  int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t mp = (date.month + 9) % 12;
  const int64_t doy = (153 * mp + 2) / 5 + date.day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return CivilDate{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) {
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return leap ? 29 : 28;
  }
  return kDays[month - 1];
}

Result<CivilDate> ParseDate(std::string_view text) {
  CivilDate d;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseDigits(text, 0, 4, &d.year) ||
      !ParseDigits(text, 5, 2, &d.month) || !ParseDigits(text, 8, 2, &d.day) || d.year < 1900 ||
      d.month < 1 || d.month > 12 || d.day < 1 || d.day > DaysInMonth(d.year, d.month)) {
    return BadValue("date (YYYY-MM-DD)", text);
  }
  return d;
}

std::string FormatDate(const CivilDate& date) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

Result<CivilDate> ParseMonth(std::string_view text) {
  CivilDate d;
  if (text.size() != 7 || text[4] != '-' || !ParseDigits(text, 0, 4, &d.year) ||
      !ParseDigits(text, 5, 2, &d.month) || d.year < 1900 || d.month < 1 || d.month > 12) {
    return BadValue("month (YYYY-MM)", text);
  }
  return d;
}

Result<int64_t> ParseInstantMicros(std::string_view text) {
  const char* what = "RFC 3339 instant with a zone (2008-01-15T09:30:00+01:00)";
  if (text.size() < 20) return BadValue(what, text);
  auto date = ParseDate(text.substr(0, 10));
  int hh, mm, ss;
  if (!date.ok() || (text[10] != 'T' && text[10] != 't') || !ParseDigits(text, 11, 2, &hh) ||
      text[13] != ':' || !ParseDigits(text, 14, 2, &mm) || text[16] != ':' ||
      !ParseDigits(text, 17, 2, &ss) || hh > 23 || mm > 59 || ss > 59) {
    return BadValue(what, text);
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++digits > 6) return BadValue("instant (more than 6 fractional digits)", text);
      micros = micros * 10 + (text[pos] - '0');
      ++pos;
    }
    if (digits == 0) return BadValue(what, text);
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ParseDigits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return BadValue(what, text);
    }
    offset_minutes = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return BadValue(what, text);
  }
  if (pos != text.size()) return BadValue(what, text);
  int64_t seconds = DaysFromCivil(*date) * 86400 + hh * 3600 + mm * 60 + ss - offset_minutes * 60;
  return seconds * 1000000 + micros;
}

std::string FormatInstantMicros(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t frac = micros % 1000000;
  if (frac < 0) {
    frac += 1000000;
    seconds -= 1;
  }
  int64_t days = seconds / 86400;
  int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  CivilDate d = CivilFromDays(days);
  char buf[40];
  if (frac == 0) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", d.year, d.month, d.day,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", d.year, d.month, d.day,
                  static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                  static_cast<int>(rem % 60), static_cast<int>(frac));
  }
  return buf;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ledger
