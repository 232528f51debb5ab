#include "same_event.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include <algorithm>
#include <utility>

#include "canonical.h"
#include "event.capnp.h"

namespace ledger::internal {

Result<std::string> CanonicalWithoutPersonal(std::string_view canonical_event) {
  LEDGER_ASSIGN_OR_RETURN(auto msg, CanonicalMessage::Decode(canonical_event, "event"));
  std::string out;
  kj::Maybe<kj::Exception> error = kj::runCatchingExceptions([&]() {
    capnp::MallocMessageBuilder copy;
    copy.setRoot(msg->Root<schema::Event>());
    auto root = copy.getRoot<schema::Event>();
    if (root.hasPersonal()) root.disownPersonal();
    out = CanonicalBytes(root.asReader());
  });
  KJ_IF_MAYBE (e, error) {
    return Status::Corruption(std::string("event: ") + e->getDescription().cStr());
  }
  return out;
}

bool SameDisclosedValues(const std::vector<Disclosure>& a, const std::vector<Disclosure>& b) {
  if (a.size() != b.size()) return false;
  auto pairs = [](const std::vector<Disclosure>& list) {
    std::vector<std::pair<std::string_view, std::string_view>> out;
    out.reserve(list.size());
    for (const auto& d : list) out.emplace_back(d.field, d.value);
    std::sort(out.begin(), out.end());
    return out;
  };
  return pairs(a) == pairs(b);
}

}  // namespace ledger::internal
