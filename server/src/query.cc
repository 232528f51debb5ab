#include "query.h"

#include "base/hex.h"

namespace ledger::server::internal {

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    auto byte = HexDecode(text.substr(i + 1, 2));
    if (!byte.ok()) return std::nullopt;
    out += *byte;
    i += 2;
  }
  return out;
}

Result<Target> ParseTarget(std::string_view target) {
  if (target.empty() || target[0] != '/') {
    return Status::InvalidArgument("request target must start with '/'");
  }
  Target out;
  const size_t q = target.find('?');
  auto path = PercentDecode(target.substr(0, q));
  if (!path) return Status::InvalidArgument("bad percent escape in the path");
  out.path = std::move(*path);
  if (q == std::string_view::npos) return out;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq));
    auto value =
        PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return Status::InvalidArgument("bad percent escape in the query");
    out.params[*name] = std::move(*value);
  }
  return out;
}

Result<std::optional<uint64_t>> DecimalParam(const Target& target, const std::string& name) {
  auto it = target.params.find(name);
  if (it == target.params.end()) return std::optional<uint64_t>();
  auto v = ParseDecimal(it->second);
  if (!v.ok()) {
    return Status::InvalidArgument("parameter " + name + " must be a decimal number, got \"" +
                                   it->second + "\"");
  }
  return std::optional<uint64_t>(*v);
}

}  // namespace ledger::server::internal
