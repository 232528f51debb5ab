// Key files and verifier keys in the c2sp.org/signed-note conventions, against the known answer
// of the Go reference implementation (golang.org/x/mod/sumdb/note).
#include "ledger/signing_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "../temp_dir.h"

namespace ledger {
namespace {

constexpr const char* kGoVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kGoPrivateKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr const char* kGoText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";

std::string DecodeBase64(const std::string& in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int val = 0, bits = -8;
  for (char c : in) {
    if (c == '=') break;
    val = (val << 6) + static_cast<int>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 0) {
      out.push_back(static_cast<char>((val >> bits) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

TEST(SigningKeyTest, MatchesTheGoReferenceVector) {
  auto key = SigningKey::Parse(kGoPrivateKey);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->verifier().ToString(), kGoVerifierKey);
  EXPECT_EQ(key->key_id_hex(), "c74f20a3");
  EXPECT_EQ(key->PrivateKeyText(), kGoPrivateKey);
  // The note's signature line: base64(4-byte key id || 64-byte Ed25519 signature).
  std::string sig_line = DecodeBase64(
      "x08go/ZJkuBS9UG/"
      "SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=");
  ASSERT_EQ(sig_line.size(), 68u);
  EXPECT_EQ(sig_line.substr(0, 4), key->key_id());
  EXPECT_EQ(key->Sign(kGoText), sig_line.substr(4));
  auto vkey = VerifierKey::Parse(kGoVerifierKey);
  ASSERT_TRUE(vkey.ok());
  EXPECT_TRUE(vkey->Verify(kGoText, sig_line.substr(4)));
  EXPECT_FALSE(vkey->Verify(std::string(kGoText) + "!", sig_line.substr(4)));
}

TEST(SigningKeyTest, MangledKeysAreRefused) {
  EXPECT_FALSE(
      VerifierKey::Parse("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .ok());
  EXPECT_FALSE(
      VerifierKey::Parse("PeterNeumann+c74f20a3+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
          .ok());
  EXPECT_FALSE(VerifierKey::Parse("PeterNeumann").ok());
  EXPECT_FALSE(
      SigningKey::Parse("PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr").ok());
  EXPECT_FALSE(SigningKey::Parse(kGoVerifierKey).ok());
  EXPECT_FALSE(SigningKey::Generate("has space").ok());
  EXPECT_FALSE(SigningKey::Generate("a+b").ok());
}

TEST(SigningKeyTest, KeyFileIsPrivateAndNeverOverwritten) {
  testing::TempDir temp("", testing::TempDir::Where::kTmp, testing::TempDir::Create::kYes);
  const std::filesystem::path dir = temp.path();
  std::string path = (dir / "k.key").string();
  auto key = SigningKey::Generate("k").value();
  ASSERT_TRUE(key.WriteFile(path).ok());
  struct stat st;
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_EQ(key.WriteFile(path).code(), StatusCode::kFailedPrecondition);
  auto back = SigningKey::ReadFile(path);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->verifier().ToString(), key.verifier().ToString());
}

}  // namespace
}  // namespace ledger
