// The master key of the personal-data vault (docs/privacy.md, "Where personal values live").
// Every subject's own key is kept encrypted under it, so the data directory alone never reveals
// a personal value. It lives outside the data directory, in a key file of one line:
//   ledger-master-key-v1:<base64 of 32 random bytes>
// A ledger is bound to one master key when it is created; opening it with another is refused.
#ifndef LEDGER_MASTER_KEY_H_
#define LEDGER_MASTER_KEY_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace ledger {

class MasterKey {
 public:
  static constexpr size_t kBytes = 32;

  static MasterKey Generate();
  // InvalidArgument naming what is wrong with the text.
  static Result<MasterKey> Parse(std::string_view text);
  // NotFound if the file is missing; InvalidArgument if it is not a master key file.
  static Result<MasterKey> ReadFile(const std::string& path);

  // Creates `path` (mode 0600) holding the key; AlreadyExists/FailedPrecondition if it exists.
  Status WriteNewFile(const std::string& path) const;
  std::string Format() const;

  MasterKey(const MasterKey& other) = default;
  MasterKey& operator=(const MasterKey& other) = default;
  ~MasterKey();

  const std::string& bytes() const { return bytes_; }

 private:
  explicit MasterKey(std::string bytes) : bytes_(std::move(bytes)) {}
  std::string bytes_;
};

}  // namespace ledger

#endif  // LEDGER_MASTER_KEY_H_
