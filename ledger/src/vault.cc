#include "vault.h"

#include <sodium.h>

#include "base/mutex.h"
#include "crypto.h"
#include "records.h"

namespace ledger::internal {
namespace {

constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr size_t kSubjectKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;

void Wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
}

std::string SealWith(std::string_view key, std::string_view plain, std::string_view ad) {
  std::string nonce = RandomBytes(kNonce);
  std::string out = nonce;
  out.resize(kNonce + plain.size() + kTag);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      reinterpret_cast<unsigned char*>(out.data() + kNonce), &written,
      reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr,
      reinterpret_cast<const unsigned char*>(nonce.data()),
      reinterpret_cast<const unsigned char*>(key.data()));
  out.resize(kNonce + written);
  return out;
}

// nullopt when the sealed bytes fail authentication (wrong key, altered bytes).
std::optional<std::string> OpenWith(std::string_view key, std::string_view sealed,
                                    std::string_view ad) {
  if (sealed.size() < kNonce + kTag) return std::nullopt;
  std::string plain(sealed.size() - kNonce - kTag, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr,
          reinterpret_cast<const unsigned char*>(sealed.data() + kNonce), sealed.size() - kNonce,
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(),
          reinterpret_cast<const unsigned char*>(sealed.data()),
          reinterpret_cast<const unsigned char*>(key.data())) != 0) {
    return std::nullopt;
  }
  plain.resize(written);
  return plain;
}

std::string SubjectKeyAd(std::string_view origin, std::string_view subject) {
  std::string ad = "ledger/subject-key/v1";
  ad.push_back('\0');
  ad += origin;
  ad.push_back('\0');
  ad += subject;
  return ad;
}

std::string ValueAd(std::string_view subject, uint64_t seq) {
  std::string ad = "ledger/personal/v1";
  ad.push_back('\0');
  ad += subject;
  ad.push_back('\0');
  ad += EncodeBE64(seq);
  return ad;
}

}  // namespace

std::string MasterKeyCheck(const MasterKey& key, std::string_view origin) {
  EnsureSodium();
  std::string label = "ledger/master-key-check/v1";
  label.push_back('\0');
  label += origin;
  std::string out(32, '\0');
  crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                     reinterpret_cast<const unsigned char*>(label.data()), label.size(),
                     reinterpret_cast<const unsigned char*>(key.bytes().data()),
                     key.bytes().size());
  return out;
}

std::string SubjectKeyKey(std::string_view subject) { return "k/" + std::string(subject); }

std::string PersonalValueKey(std::string_view subject, uint64_t seq) {
  std::string k = "v/" + std::string(subject);
  k.push_back('\0');
  return k + EncodeBE64(seq);
}

std::pair<std::string, std::string> PersonalValueRange(std::string_view subject) {
  std::string begin = "v/" + std::string(subject);
  std::string end = begin;
  begin.push_back('\0');
  end.push_back('\1');
  return {begin, end};
}

Vault::Vault(KvStore* store, std::optional<MasterKey> master, std::string origin)
    : store_(store), master_(std::move(master)), origin_(std::move(origin)) {
  EnsureSodium();
}

Vault::~Vault() {
  for (auto& [subject, key] : cache_) Wipe(key);
}

Status Vault::NeedMaster() const {
  if (master_) return Status::Ok();
  return Status::FailedPrecondition(
      "this process holds no master key, so it can neither store nor read personal values "
      "(give --master-key FILE or set LEDGER_MASTER_KEY)");
}

Result<Vault::NewKey> Vault::CreateSubjectKey(std::string_view subject) const {
  LEDGER_RETURN_IF_ERROR(NeedMaster());
  NewKey k;
  k.key = RandomBytes(kSubjectKeyBytes);
  k.sealed = SealWith(master_->bytes(), k.key, SubjectKeyAd(origin_, subject));
  return k;
}

Result<std::string> Vault::SubjectKey(std::string_view subject) {
  LEDGER_RETURN_IF_ERROR(NeedMaster());
  {
    MutexLock lock(mu_);
    if (auto it = cache_.find(subject); it != cache_.end()) return it->second;
  }
  LEDGER_ASSIGN_OR_RETURN(auto sealed, store_->Get(Column::kPersonal, SubjectKeyKey(subject)));
  auto key = OpenWith(master_->bytes(), sealed, SubjectKeyAd(origin_, subject));
  if (!key || key->size() != kSubjectKeyBytes) {
    return Status::Corruption("the key of subject " + std::string(subject) +
                              " does not open with the master key (altered, or another "
                              "ledger's key)");
  }
  Remember(std::string(subject), *key);
  std::string out = *key;
  Wipe(*key);
  return out;
}

void Vault::Remember(const std::string& subject, const std::string& key) {
  MutexLock lock(mu_);
  if (cache_.size() >= kMaxCached) {
    for (auto& [s, k] : cache_) Wipe(k);
    cache_.clear();
  }
  cache_[subject] = key;
}

void Vault::Forget(const std::string& subject) {
  MutexLock lock(mu_);
  if (auto it = cache_.find(subject); it != cache_.end()) {
    Wipe(it->second);
    cache_.erase(it);
  }
}

std::string Vault::Seal(std::string_view subject_key, std::string_view subject, uint64_t seq,
                        const std::vector<Disclosure>& disclosures) const {
  std::string plain = EncodeDisclosures(disclosures);
  std::string sealed = SealWith(subject_key, plain, ValueAd(subject, seq));
  Wipe(plain);
  return sealed;
}

Result<std::vector<Disclosure>> Vault::Open(std::string_view subject_key, std::string_view subject,
                                            uint64_t seq, std::string_view sealed) const {
  auto plain = OpenWith(subject_key, sealed, ValueAd(subject, seq));
  if (!plain) {
    return Status::Corruption("the personal values at seq " + std::to_string(seq) +
                              " fail authentication (altered or misplaced)");
  }
  auto out = DecodeDisclosures(*plain);
  Wipe(*plain);
  return out;
}

}  // namespace ledger::internal
