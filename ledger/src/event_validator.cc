#include "event_validator.h"

#include <capnp/any.h>
#include <capnp/dynamic.h>

#include <set>
#include <string>

#include "json_codec.h"
#include "ledger/time_format.h"
#include "schema_rules.h"
#include "value_formats.h"

namespace ledger::internal {
namespace {

using capnp::DynamicList;
using capnp::DynamicStruct;
using capnp::DynamicValue;

Status PathError(const std::string& path, std::string_view what) {
  std::string m = path;
  m += ": ";
  m += what;
  return Status::InvalidArgument(std::move(m));
}

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

Status CheckText(capnp::Text::Reader value, const FieldRule& rule, const std::string& path) {
  // Cap'n Proto text may hold NUL bytes that C-string readers would cut off: refuse them, so
  // that what is checked is all there is.
  std::string_view text(value.begin(), value.size());
  if (text.find('\0') != std::string_view::npos) return PathError(path, "NUL byte in text");
  if (rule.format.empty()) return PathError(path, "field has no value format (schema bug)");
  Status s = CheckValueFormat(rule.format, text);
  return s.ok() ? s : s.WithContext(path);
}

Status CheckNumber(DynamicValue::Reader v, const FieldRule& rule, const std::string& path) {
  int64_t value;
  if (v.getType() == DynamicValue::UINT) {
    uint64_t u = v.as<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return PathError(path, "number too large");
    value = static_cast<int64_t>(u);
  } else if (v.getType() == DynamicValue::INT) {
    value = v.as<int64_t>();
  } else {
    return Status::Ok();
  }
  if (rule.optional && value == 0) return Status::Ok();  // an unset optional number
  if ((rule.min && value < *rule.min) || (rule.max && value > *rule.max)) {
    std::string m = "must be between " + std::to_string(rule.min.value_or(0)) + " and " +
                    std::to_string(rule.max.value_or(INT64_MAX)) + ", got " + std::to_string(value);
    return PathError(path, m);
  }
  return Status::Ok();
}

Status CheckStruct(DynamicStruct::Reader reader, const std::string& path);

Status CheckField(DynamicStruct::Reader reader, const FieldRule& rule, const std::string& path) {
  auto type = rule.field.getType();
  bool pointer = type.isStruct() || type.isList() || type.isText() || type.isData();
  if (pointer && !reader.has(rule.field)) {
    if (rule.optional) return Status::Ok();
    return PathError(path, "missing required field");
  }
  auto value = reader.get(rule.field);
  switch (value.getType()) {
    case DynamicValue::TEXT:
      return CheckText(value.as<capnp::Text>(), rule, path);
    case DynamicValue::DATA:
      if (rule.format == "sha256" && value.as<capnp::Data>().size() != 32) {
        return PathError(path, "expected a 32-byte SHA-256 digest");
      }
      return Status::Ok();
    case DynamicValue::INT:
    case DynamicValue::UINT:
      return CheckNumber(value, rule, path);
    case DynamicValue::ENUM:
      if (value.as<capnp::DynamicEnum>().getEnumerant() == nullptr) {
        return PathError(path, "unknown enum value");
      }
      return Status::Ok();
    case DynamicValue::STRUCT:
      return CheckStruct(value.as<DynamicStruct>(), path);
    case DynamicValue::LIST: {
      auto list = value.as<DynamicList>();
      if ((rule.min_items && list.size() < *rule.min_items) ||
          (rule.max_items && list.size() > *rule.max_items)) {
        return PathError(path, "must have between " + std::to_string(rule.min_items.value_or(0)) +
                                   " and " + std::to_string(rule.max_items.value_or(4096)) +
                                   " items, has " + std::to_string(list.size()));
      }
      for (unsigned i = 0; i < list.size(); ++i) {
        std::string item_path = path + "[" + std::to_string(i) + "]";
        auto item = list[i];
        if (item.getType() == DynamicValue::TEXT) {
          LEDGER_RETURN_IF_ERROR(CheckText(item.as<capnp::Text>(), rule, item_path));
        } else if (item.getType() == DynamicValue::STRUCT) {
          LEDGER_RETURN_IF_ERROR(CheckStruct(item.as<DynamicStruct>(), item_path));
        } else if (item.getType() == DynamicValue::ENUM &&
                   item.as<capnp::DynamicEnum>().getEnumerant() == nullptr) {
          return PathError(item_path, "unknown enum value");
        }
      }
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

// A struct may not be larger than this build's schema: canonical form drops trailing zero data
// and null pointers, so anything beyond the schema's sections is content no check would see
// (an unknown field, smuggled personal data).
Status CheckStructSize(DynamicStruct::Reader reader, const std::string& path) {
  auto layout = reader.getSchema().getProto().getStruct();
  capnp::AnyStruct::Reader any = reader.as<capnp::AnyStruct>();
  if (any.getDataSection().size() > layout.getDataWordCount() * 8u ||
      any.getPointerSection().size() > layout.getPointerCount()) {
    return PathError(path.empty() ? "event" : path, "holds fields unknown to this ledger's schema");
  }
  return Status::Ok();
}

Status CheckStruct(DynamicStruct::Reader reader, const std::string& path) {
  LEDGER_RETURN_IF_ERROR(CheckStructSize(reader, path));
  for (const auto& rule : RulesFor(reader.getSchema()).fields) {
    if (rule.in_union) continue;
    LEDGER_RETURN_IF_ERROR(CheckField(reader, rule, Join(path, rule.json_name)));
  }
  return Status::Ok();
}

Status DateOrder(capnp::Text::Reader from, capnp::Text::Reader to, std::string_view from_name,
                 std::string_view to_name) {
  // Both are valid dates by now; ISO dates compare as strings.
  if (std::string_view(from.cStr()) > std::string_view(to.cStr())) {
    std::string m = "data.";
    m += to_name;
    m += " is before data.";
    m += from_name;
    return Status::InvalidArgument(std::move(m));
  }
  return Status::Ok();
}

Status CheckAgreement(schema::AgreementSigned::Reader a) {
  LEDGER_RETURN_IF_ERROR(DateOrder(a.getStart(), a.getEnd(), "start", "end"));
  std::set<std::string_view> problems;
  for (auto p : a.getProblems()) {
    if (!problems.insert(p.getProblemId().cStr()).second) {
      return Status::InvalidArgument(std::string("data.problems: problem_id \"") +
                                     p.getProblemId().cStr() + "\" appears twice");
    }
  }
  std::set<std::string_view> tasks;
  for (auto t : a.getTasks()) {
    if (!tasks.insert(t.getTaskId().cStr()).second) {
      return Status::InvalidArgument(std::string("data.tasks: task_id \"") + t.getTaskId().cStr() +
                                     "\" appears twice");
    }
    if (!problems.count(t.getProblemId().cStr())) {
      return Status::InvalidArgument(std::string("data.tasks: task \"") + t.getTaskId().cStr() +
                                     "\" names problem_id \"" + t.getProblemId().cStr() +
                                     "\" that the agreement does not list");
    }
  }
  return Status::Ok();
}

// Rules that tie fields of one event together.
Status CheckCrossFields(schema::Event::Reader event) {
  using D = schema::Event::Data;
  auto data = event.getData();
  switch (data.which()) {
    case D::ASSISTANCE_DECIDED: {
      auto d = data.getAssistanceDecided();
      return DateOrder(d.getPeriodFrom(), d.getPeriodTo(), "period_from", "period_to");
    }
    case D::CONDITION_SET: {
      auto d = data.getConditionSet();
      return DateOrder(d.getStart(), d.getEnd(), "start", "end");
    }
    case D::SANCTION_IMPOSED: {
      auto d = data.getSanctionImposed();
      if ((d.getReductionNok() == 0) == (d.getReductionPct() == 0)) {
        return Status::InvalidArgument(
            "data: exactly one of reduction_nok and reduction_pct must be given (and non-zero)");
      }
      return DateOrder(d.getFrom(), d.getTo(), "from", "to");
    }
    case D::AGREEMENT_SIGNED:
      return CheckAgreement(data.getAgreementSigned());
    case D::SUBJECT_SHREDDED: {
      auto d = data.getSubjectShredded();
      if (d.hasRequestId() == d.hasRetentionRule()) {
        return Status::InvalidArgument(
            "data: exactly one of request_id and retention_rule must be given");
      }
      return Status::Ok();
    }
    case D::RELEASE_EXPORTED: {
      auto c = data.getReleaseExported().getCohort();
      LEDGER_RETURN_IF_ERROR(
          DateOrder(c.getIntakeFrom(), c.getIntakeTo(), "cohort.intake_from", "cohort.intake_to"));
      if (c.getAgeMin() > c.getAgeMax()) {
        return Status::InvalidArgument("data.cohort: age_min is above age_max");
      }
      return Status::Ok();
    }
    default:
      return Status::Ok();
  }
}

}  // namespace

StreamKind StreamKindOfType(std::string_view type) {
  if (type.starts_with("key.")) return StreamKind::kKeys;
  if (type.starts_with("release.")) return StreamKind::kReleases;
  return StreamKind::kCase;
}

Status ValidateEvent(schema::Event::Reader event) {
  std::string_view type = EventTypeName(event);
  if (type.empty()) return PathError("type", "unknown event type (not in this ledger's catalogue)");
  LEDGER_RETURN_IF_ERROR(CheckStruct(event, ""));
  if (auto data = EventData(event, nullptr)) LEDGER_RETURN_IF_ERROR(CheckStruct(*data, "data"));
  std::string_view stream = event.getStream().cStr();
  switch (StreamKindOfType(type)) {
    case StreamKind::kKeys:
      if (stream != "keys") return PathError("stream", "a key.* event belongs in stream \"keys\"");
      break;
    case StreamKind::kReleases:
      if (stream != "releases") {
        return PathError("stream", "a release.* event belongs in stream \"releases\"");
      }
      break;
    case StreamKind::kCase:
      if (!stream.starts_with("case/")) {
        std::string m = "a ";
        m += type;
        m += " event belongs in a case/<subject> stream";
        return PathError("stream", m);
      }
      if (!event.hasSubject() || stream.substr(5) != event.getSubject().cStr()) {
        return PathError("subject",
                         "must equal the suffix of stream \"" + std::string(stream) + "\"");
      }
      break;
  }
  if (StreamKindOfType(type) != StreamKind::kCase && event.hasSubject()) {
    return PathError("subject", "only events in a case/<subject> stream have a subject");
  }
  return CheckCrossFields(event);
}

}  // namespace ledger::internal
