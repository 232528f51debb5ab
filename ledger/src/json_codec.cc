#include "json_codec.h"

#include <capnp/dynamic.h>

#include <cstddef>
#include <iterator>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "crypto.h"
#include "schema_rules.h"

namespace ledger::internal {
namespace {

using capnp::DynamicList;
using capnp::DynamicStruct;
using capnp::DynamicValue;
using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// --- Strict parsing ------------------------------------------------------------------------------

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsNumberChar(char c) {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// A pointer into the text that records how many bytes nlohmann's lexer has fetched: the SAX
// callbacks get no position, and this is how they learn where they are. The lexer fetches each
// byte once, in order, and at most one byte past a token (after a number).
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, const char* begin, size_t* fetched)
      : p_(p), begin_(begin), fetched_(fetched) {}
  reference operator*() const { return *p_; }
  CountingIterator& operator++() {
    ++p_;
    *fetched_ = static_cast<size_t>(p_ - begin_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const CountingIterator& other) const { return p_ == other.p_; }
  bool operator!=(const CountingIterator& other) const { return p_ != other.p_; }

 private:
  const char* p_;
  const char* begin_;
  size_t* fetched_;
};

// The index of the opening quote of the string whose closing quote is at `closing`.
size_t StringStart(std::string_view text, size_t closing) {
  for (size_t i = closing; i-- > 0;) {
    if (text[i] != '"') continue;
    size_t backslashes = 0;
    while (backslashes < i && text[i - 1 - backslashes] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return i;
  }
  return closing;
}

// The first index of the token whose last byte is at `last`: a string, a number or a literal is
// followed back to its start, a structural character is its own start.
size_t TokenStart(std::string_view text, size_t last) {
  if (last >= text.size()) return last;
  char c = text[last];
  if (c == '"') return StringStart(text, last);
  bool number = IsNumberChar(c) && c != 'e' && c != 'E';
  bool word = c >= 'a' && c <= 'z';
  size_t i = last;
  while (i > 0 && ((number && IsNumberChar(text[i - 1])) ||
                   (word && text[i - 1] >= 'a' && text[i - 1] <= 'z'))) {
    --i;
  }
  return i;
}

// The grammar error nlohmann describes, without its prefix ("[json.exception.parse_error.101]
// parse error at line 1, column 9: syntax error while parsing object - ") and without the input
// it echoes ("; last read: '...'"), which may be personal or not even UTF-8.
std::string GrammarError(const Json::exception& e) {
  std::string_view m = e.what();
  size_t syntax = m.find("syntax error ");
  size_t dash = syntax == std::string_view::npos ? syntax : m.find("- ", syntax);
  if (dash != std::string_view::npos) {
    m.remove_prefix(dash + 2);
  } else if (size_t bracket = m.find("] "); bracket != std::string_view::npos) {
    m.remove_prefix(bracket + 2);
  }
  m = m.substr(0, m.find("; last read: "));
  return std::string(m);
}

// Builds the value like nlohmann's own DOM parser, refusing what ParseJsonStrict refuses. On the
// first refusal it records where and why and stops the parse.
class StrictJsonBuilder {
 public:
  StrictJsonBuilder(std::string_view text, const size_t* fetched, size_t max_elements)
      : text_(text), fetched_(fetched), max_elements_(max_elements) {}

  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool v) { return Put(Json(v)); }
  bool number_integer(Json::number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(Json::number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(Json::number_float_t v, const Json::string_t& literal) {
    // The lexer has fetched the byte after the number unless the number ends the text.
    size_t end = *fetched_;
    if (end > 0 && !(end == text_.size() && IsNumberChar(text_[end - 1]))) --end;
    size_t start = literal.size() <= end ? end - literal.size() : 0;
    if (!CheckNumber(literal, start, /*overflow=*/false)) return false;
    return Put(Json(v));
  }
  bool string(Json::string_t& v) { return Put(Json(std::move(v))); }
  bool binary(Json::binary_t& /*v*/) { return Fail(*fetched_, "malformed JSON: binary value"); }
  bool start_object(size_t /*elements*/) { return Open(Json::object()); }
  bool start_array(size_t /*elements*/) { return Open(Json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }
  bool key(Json::string_t& k) {
    Frame& f = frames_.back();
    f.key = std::move(k);
    f.key_pending = true;
    if (f.value->contains(f.key)) {
      // The lexer stopped at the key's closing quote.
      return Fail(StringStart(text_, *fetched_ - 1), "duplicate key");
    }
    return true;
  }
  bool parse_error(size_t position, const std::string& last_token, const Json::exception& e) {
    if (e.id == 406) {  // a number beyond a double's range; `position` is just past it
      size_t start = last_token.size() <= position ? position - last_token.size() : 0;
      return CheckNumber(last_token, start, /*overflow=*/true);
    }
    std::string what = GrammarError(e);
    // `position` counts the bytes read, the one at fault last.
    size_t index = position > 0 ? position - 1 : 0;
    if (what.starts_with("unexpected ") && !what.starts_with("unexpected end of input")) {
      index = TokenStart(text_, index);
      if (index < text_.size() && (text_[index] == '}' || text_[index] == ']')) {
        size_t before = index;
        while (before > 0 && IsJsonSpace(text_[before - 1])) --before;
        if (before > 0 && text_[before - 1] == ',') {
          return Fail(before - 1,
                      std::string("malformed JSON: trailing comma before '") + text_[index] + "'");
        }
      }
    } else if (what == "invalid literal") {
      // Point at the start of a misspelt true, false or null, not where it went wrong.
      while (index > 0 && index <= text_.size() && text_[index - 1] >= 'a' &&
             text_[index - 1] <= 'z') {
        --index;
      }
    } else if (what.find("surrogate") != std::string::npos ||
               what.find("'\\u'") != std::string::npos) {
      // Point at the escape, not at the byte after it that gave it away.
      size_t escape = text_.rfind("\\u", index);
      if (escape != std::string_view::npos) index = escape;
    }
    return Fail(index, "malformed JSON: " + what);
  }

  Json& root() { return root_; }
  bool failed() const { return failed_; }
  size_t error_index() const { return error_index_; }
  const std::string& error_path() const { return error_path_; }
  const std::string& error_what() const { return error_what_; }

 private:
  struct Frame {
    Json* value;               // an object or an array
    std::string key;           // objects: the last key read
    bool key_pending = false;  // objects: its value is not yet complete
  };

  // The path of the field being read: "data.tasks[0].due".
  std::string Path() const {
    std::string path;
    for (size_t i = 0; i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      const bool child_open = i + 1 < frames_.size();
      if (f.value->is_object()) {
        if (!child_open && !f.key_pending) continue;
        if (!path.empty()) path += '.';
        path += Utf8Prefix(f.key, 64);
      } else if (child_open) {
        path += '[' + std::to_string(f.value->size() - 1) + ']';
      }
    }
    return path;
  }

  bool Fail(size_t index, std::string what, bool with_path = true) {
    failed_ = true;
    error_index_ = index;
    if (with_path) error_path_ = Path();
    error_what_ = std::move(what);
    return false;
  }

  bool CheckNumber(std::string_view literal, size_t start, bool overflow) {
    if (literal.size() > kMaxJsonNumberChars) {
      return Fail(start,
                  "number longer than " + std::to_string(kMaxJsonNumberChars) + " characters");
    }
    if (literal.find_first_of(".eE") == std::string_view::npos) {
      return Fail(start, "integer outside the 64-bit range");
    }
    if (overflow) return Fail(start, "number outside the range of a double");
    return true;
  }

  // Invariant: a container's address is stable while it is on the stack, because only the
  // innermost open container grows.
  Json* Insert(Json&& v) {
    if (frames_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Frame& f = frames_.back();
    if (f.value->is_array()) {
      f.value->push_back(std::move(v));
      return &f.value->back();
    }
    f.key_pending = false;
    auto& object = f.value->get_ref<Json::object_t&>();
    return &object.emplace(f.key, std::move(v)).first->second;
  }
  // Counts one more value; false (and the parse stops) past max_elements_, before the value is
  // built: what a hostile text makes the parser allocate is bounded by the limit, not its size.
  bool Count() {
    if (++elements_ <= max_elements_) return true;
    return Fail(*fetched_ > 0 ? *fetched_ - 1 : 0,
                "more than " + std::to_string(max_elements_) + " JSON elements",
                /*with_path=*/false);
  }
  bool Put(Json&& v) {
    if (!Count()) return false;
    Insert(std::move(v));
    return true;
  }
  bool Open(Json&& container) {
    if (frames_.size() >= kMaxJsonDepth) {
      // The path would be as deep as the nesting.
      return Fail(*fetched_ - 1, "nesting deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                  /*with_path=*/false);
    }
    if (!Count()) return false;
    Json* v = Insert(std::move(container));
    frames_.push_back(Frame{v, std::string(), false});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }

  std::string_view text_;
  const size_t* fetched_;
  const size_t max_elements_;
  size_t elements_ = 0;
  Json root_;
  std::vector<Frame> frames_;
  bool failed_ = false;
  size_t error_index_ = 0;
  std::string error_path_, error_what_;
};

// "column C: [path: ]what", with "line L, " in front for a text of several lines.
Status StrictJsonError(std::string_view text, size_t index, const std::string& path,
                       std::string_view what) {
  size_t line = 1, line_start = 0;
  for (size_t i = 0; i < index && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::string m;
  if (text.find('\n') != std::string_view::npos) m = "line " + std::to_string(line) + ", ";
  m += "column " + std::to_string(index - line_start + 1) + ": ";
  if (!path.empty()) m += path + ": ";
  m += what;
  return Status::InvalidArgument(std::move(m));
}

// --- JSON to Cap'n Proto -------------------------------------------------------------------------

Status PathError(const std::string& path, std::string_view what) {
  std::string m = path;
  m += ": ";
  m += what;
  return Status::InvalidArgument(std::move(m));
}

std::string JsonKind(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null:
      return "null";
    case Json::value_t::object:
      return "an object";
    case Json::value_t::array:
      return "an array";
    case Json::value_t::string:
      return "a string";
    case Json::value_t::boolean:
      return "a boolean";
    case Json::value_t::binary:
      return "binary";
    case Json::value_t::discarded:
      return "invalid";
    default:
      return "a number";
  }
}

Status ExpectedKind(const std::string& path, std::string_view expected, const Json& got) {
  std::string m = "expected ";
  m += expected;
  m += ", got ";
  m += JsonKind(got);
  return PathError(path, m);
}

Status FillStruct(const Json& json, DynamicStruct::Builder builder, const std::string& path);

// Converts a scalar JSON value to the Cap'n Proto value of `type`; for Text and Data the result
// refers to `storage`, which must outlive its use.
Result<DynamicValue::Reader> ScalarFromJson(const Json& j, capnp::Type type, const FieldRule* rule,
                                            const std::string& path, std::string* storage) {
  auto integer = [&](int64_t lo, uint64_t hi) -> Result<DynamicValue::Reader> {
    if (!j.is_number_integer()) return ExpectedKind(path, "an integer", j);
    if (j.is_number_unsigned()) {
      uint64_t v = j.get<uint64_t>();
      if (v > hi) return PathError(path, "integer out of range for its type");
      if (type.which() == capnp::schema::Type::INT64 ||
          type.which() == capnp::schema::Type::INT32 ||
          type.which() == capnp::schema::Type::INT16 || type.which() == capnp::schema::Type::INT8) {
        return DynamicValue::Reader(static_cast<int64_t>(v));
      }
      return DynamicValue::Reader(v);
    }
    int64_t v = j.get<int64_t>();
    if (v < lo || (v >= 0 && static_cast<uint64_t>(v) > hi)) {
      return PathError(path, "integer out of range for its type");
    }
    return DynamicValue::Reader(v);
  };
  switch (type.which()) {
    case capnp::schema::Type::BOOL:
      if (!j.is_boolean()) return ExpectedKind(path, "true or false", j);
      return DynamicValue::Reader(j.get<bool>());
    case capnp::schema::Type::INT8:
      return integer(INT8_MIN, INT8_MAX);
    case capnp::schema::Type::INT16:
      return integer(INT16_MIN, INT16_MAX);
    case capnp::schema::Type::INT32:
      return integer(INT32_MIN, INT32_MAX);
    case capnp::schema::Type::INT64:
      return integer(INT64_MIN, INT64_MAX);
    case capnp::schema::Type::UINT8:
      return integer(0, UINT8_MAX);
    case capnp::schema::Type::UINT16:
      return integer(0, UINT16_MAX);
    case capnp::schema::Type::UINT32:
      return integer(0, UINT32_MAX);
    case capnp::schema::Type::UINT64:
      return integer(0, UINT64_MAX);
    case capnp::schema::Type::FLOAT32:
    case capnp::schema::Type::FLOAT64:
      if (!j.is_number()) return ExpectedKind(path, "a number", j);
      return DynamicValue::Reader(j.get<double>());
    case capnp::schema::Type::TEXT:
      if (rule && rule->format == "expected_version" && j.is_number_unsigned()) {
        *storage = std::to_string(j.get<uint64_t>());
      } else if (!j.is_string()) {
        return ExpectedKind(path, "a string", j);
      } else {
        *storage = j.get<std::string>();
      }
      if (storage->find('\0') != std::string::npos) return PathError(path, "NUL in string");
      return DynamicValue::Reader(capnp::Text::Reader(storage->data(), storage->size()));
    case capnp::schema::Type::DATA: {
      if (!j.is_string()) return ExpectedKind(path, "a string", j);
      auto text = j.get<std::string>();
      bool hex = rule && rule->format == "sha256";
      auto decoded = hex ? HexDecode(text) : Base64Decode(text);
      if (!decoded.ok() || (hex && (text.size() != 64 || HexEncode(*decoded) != text))) {
        return PathError(path, hex ? "expected 64 lowercase hex digits" : "expected base64");
      }
      *storage = std::move(decoded).value();
      return DynamicValue::Reader(capnp::Data::Reader(
          reinterpret_cast<const capnp::byte*>(storage->data()), storage->size()));
    }
    case capnp::schema::Type::ENUM: {
      auto schema = type.asEnum();
      if (!j.is_string()) return ExpectedKind(path, "a string", j);
      auto e = FindEnumerant(schema, j.get<std::string>());
      if (!e) {
        std::string m = "\"" + Utf8Prefix(j.get<std::string>(), 64) + "\" is not one of: ";
        m += EnumChoices(schema);
        return PathError(path, m);
      }
      return DynamicValue::Reader(capnp::DynamicEnum(*e));
    }
    default:
      return PathError(path, "field type not supported in JSON");
  }
}

Status FillList(const Json& json, DynamicList::Builder list, const FieldRule* rule,
                const std::string& path) {
  auto element = list.getSchema().getElementType();
  for (size_t i = 0; i < json.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    const Json& item = json[i];
    if (element.isStruct()) {
      LEDGER_RETURN_IF_ERROR(
          FillStruct(item, list[static_cast<unsigned>(i)].as<DynamicStruct>(), item_path));
    } else if (element.isList()) {
      return PathError(item_path, "nested lists are not supported");
    } else {
      std::string storage;
      LEDGER_ASSIGN_OR_RETURN(auto value, ScalarFromJson(item, element, rule, item_path, &storage));
      list.set(static_cast<unsigned>(i), value);
    }
  }
  return Status::Ok();
}

Status FillField(const Json& value, DynamicStruct::Builder builder, const FieldRule& rule,
                 const std::string& path) {
  auto type = rule.field.getType();
  if (type.isStruct()) {
    if (!value.is_object()) return ExpectedKind(path, "an object", value);
    return FillStruct(value, builder.init(rule.field).as<DynamicStruct>(), path);
  }
  if (type.isList()) {
    if (!value.is_array()) return ExpectedKind(path, "an array", value);
    if (value.size() > 4096) return PathError(path, "too many elements");
    auto list = builder.init(rule.field, static_cast<unsigned>(value.size())).as<DynamicList>();
    return FillList(value, list, &rule, path);
  }
  std::string storage;
  LEDGER_ASSIGN_OR_RETURN(auto scalar, ScalarFromJson(value, type, &rule, path, &storage));
  builder.set(rule.field, scalar);
  return Status::Ok();
}

std::string Join(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out = path;
  out += '.';
  out += key;
  return out;
}

// Fills a struct's non-union fields from a JSON object; refuses unknown keys and missing
// required fields. `skip` names keys the caller handles itself.
Status FillFields(const Json& json, DynamicStruct::Builder builder, const std::string& path,
                  std::initializer_list<std::string_view> skip) {
  const auto& rules = RulesFor(builder.getSchema());
  for (auto it = json.begin(); it != json.end(); ++it) {
    bool skipped = false;
    for (auto s : skip) skipped = skipped || it.key() == s;
    if (skipped) continue;
    const FieldRule* rule = rules.FindByJsonName(it.key());
    if (rule == nullptr) return PathError(Join(path, it.key()), "unknown field");
    if (it.value().is_null() && (rule->optional || rule->has_default)) continue;
    LEDGER_RETURN_IF_ERROR(FillField(it.value(), builder, *rule, Join(path, it.key())));
  }
  for (const auto& rule : rules.fields) {
    if (rule.in_union || rule.optional || rule.has_default) continue;
    auto found = json.find(rule.json_name);
    if (found == json.end() || found->is_null()) {
      return PathError(Join(path, rule.json_name), "missing required field");
    }
  }
  return Status::Ok();
}

Status FillStruct(const Json& json, DynamicStruct::Builder builder, const std::string& path) {
  if (!json.is_object()) return ExpectedKind(path.empty() ? "event" : path, "an object", json);
  return FillFields(json, builder, path, {});
}

OrderedJson ScalarToJson(DynamicValue::Reader value, const FieldRule* rule) {
  switch (value.getType()) {
    case DynamicValue::BOOL:
      return value.as<bool>();
    case DynamicValue::INT:
      return value.as<int64_t>();
    case DynamicValue::UINT:
      return value.as<uint64_t>();
    case DynamicValue::FLOAT:
      return value.as<double>();
    case DynamicValue::TEXT: {
      auto t = value.as<capnp::Text>();
      std::string s(t.cStr(), t.size());
      if (rule && rule->format == "expected_version" && !s.empty() && s[0] >= '0' && s[0] <= '9') {
        return std::stoull(s);
      }
      return s;
    }
    case DynamicValue::DATA: {
      auto d = value.as<capnp::Data>();
      std::string_view bytes(reinterpret_cast<const char*>(d.begin()), d.size());
      return rule && rule->format == "sha256" ? HexEncode(bytes) : Base64Encode(bytes);
    }
    case DynamicValue::ENUM: {
      auto e = value.as<capnp::DynamicEnum>().getEnumerant();
      KJ_IF_MAYBE (known, e) {
        return EnumJsonName(*known);
      }
      return value.as<capnp::DynamicEnum>().getRaw();
    }
    default:
      return nullptr;
  }
}

OrderedJson StructToJson(DynamicStruct::Reader reader);

OrderedJson ValueToJson(DynamicValue::Reader value, const FieldRule* rule) {
  switch (value.getType()) {
    case DynamicValue::STRUCT:
      return StructToJson(value.as<DynamicStruct>());
    case DynamicValue::LIST: {
      OrderedJson arr = OrderedJson::array();
      for (auto item : value.as<DynamicList>()) arr.push_back(ValueToJson(item, rule));
      return arr;
    }
    default:
      return ScalarToJson(value, rule);
  }
}

bool IsUnsetOptional(DynamicStruct::Reader reader, const FieldRule& rule) {
  if (!rule.optional) return false;
  auto type = rule.field.getType();
  if (type.isStruct() || type.isList() || type.isText() || type.isData()) {
    return !reader.has(rule.field);
  }
  // An optional number is absent when 0 (schema/annotations.capnp).
  auto v = reader.get(rule.field);
  switch (v.getType()) {
    case DynamicValue::INT:
      return v.as<int64_t>() == 0;
    case DynamicValue::UINT:
      return v.as<uint64_t>() == 0;
    case DynamicValue::BOOL:
      return !v.as<bool>();
    default:
      return false;
  }
}

void AppendFields(DynamicStruct::Reader reader, OrderedJson& out) {
  for (const auto& rule : RulesFor(reader.getSchema()).fields) {
    if (rule.in_union || IsUnsetOptional(reader, rule)) continue;
    out[rule.json_name] = ValueToJson(reader.get(rule.field), &rule);
  }
}

OrderedJson StructToJson(DynamicStruct::Reader reader) {
  OrderedJson out = OrderedJson::object();
  AppendFields(reader, out);
  return out;
}

}  // namespace

Result<nlohmann::json> ParseJsonStrict(std::string_view text, size_t max_elements) {
  size_t fetched = 0;
  StrictJsonBuilder builder(text, &fetched, max_elements);
  const char* begin = text.data();
  bool parsed = Json::sax_parse(CountingIterator(begin, begin, &fetched),
                                CountingIterator(begin + text.size(), begin, &fetched), &builder,
                                Json::input_format_t::json, /*strict=*/true,
                                /*ignore_comments=*/false);
  // nlohmann reads a NUL byte as the end of the text: whatever went wrong at or after it (or
  // nothing, if the value was complete before it), the NUL is the fault.
  const size_t nul = text.find('\0');
  if (nul != std::string_view::npos && (parsed || builder.error_index() >= nul)) {
    return StrictJsonError(text, nul, parsed ? std::string() : builder.error_path(), "NUL byte");
  }
  if (!parsed || builder.failed()) {
    return StrictJsonError(text, builder.error_index(), builder.error_path(), builder.error_what());
  }
  return std::move(builder.root());
}

std::string Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) to the start of the sequence they belong to.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "...";
}

Status EventFromJson(const nlohmann::json& json, schema::Event::Builder event) {
  if (!json.is_object()) return ExpectedKind("event", "a JSON object", json);
  DynamicStruct::Builder builder = event;
  LEDGER_RETURN_IF_ERROR(FillFields(json, builder, "", {"type", "data"}));
  auto type = json.find("type");
  if (type == json.end()) return PathError("type", "missing required field");
  if (!type->is_string()) return ExpectedKind("type", "a string", *type);
  // `data` is a group holding the union of event types.
  DynamicStruct::Builder data_group = builder.get("data").as<DynamicStruct>();
  const FieldRule* member =
      RulesFor(data_group.getSchema()).FindByEventType(type->get<std::string>());
  if (member == nullptr) {
    return PathError("type", "unknown event type \"" + Utf8Prefix(type->get<std::string>(), 64) +
                                 "\" (see the catalogue in docs/events.md)");
  }
  auto data = json.find("data");
  if (data == json.end()) return PathError("data", "missing required field");
  if (!data->is_object()) return ExpectedKind("data", "an object", *data);
  return FillStruct(*data, data_group.init(member->field).as<DynamicStruct>(), "data");
}

std::optional<DynamicStruct::Reader> EventData(schema::Event::Reader event,
                                               const FieldRule** rule) {
  DynamicStruct::Reader group = DynamicStruct::Reader(event).get("data").as<DynamicStruct>();
  KJ_IF_MAYBE (field, group.which()) {
    const FieldRule* r = RulesFor(group.getSchema()).FindByField(*field);
    if (r == nullptr || r->event_type.empty()) return std::nullopt;
    if (rule) *rule = r;
    return group.get(*field).as<DynamicStruct>();
  }
  return std::nullopt;
}

std::string_view EventTypeName(schema::Event::Reader event) {
  const FieldRule* rule = nullptr;
  if (EventData(event, &rule)) return rule->event_type;
  return {};
}

nlohmann::ordered_json EventToJson(schema::Event::Reader event) {
  DynamicStruct::Reader reader = event;
  const auto& rules = RulesFor(reader.getSchema());
  const FieldRule* member = nullptr;
  auto data = EventData(event, &member);
  OrderedJson out = OrderedJson::object();
  for (const auto& rule : rules.fields) {
    if (rule.in_union || rule.json_name == "data" || IsUnsetOptional(reader, rule)) continue;
    out[rule.json_name] = ValueToJson(reader.get(rule.field), &rule);
    if (rule.json_name == "stream") out["type"] = member ? member->event_type : "";
  }
  if (data) out["data"] = StructToJson(*data);
  return out;
}

}  // namespace ledger::internal
