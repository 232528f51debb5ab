// Ed25519: RFC 8032's test vectors through every entry point, and the refusals a verifier owes an
// attacker (a flipped bit anywhere, wrong sizes, another key).
#include "base/ed25519.h"

#include <gtest/gtest.h>

#include <string>

#include "base/hex.h"

namespace ledger {
namespace {

struct Vector {
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032, section 7.1, TEST 1 (empty message) and TEST 2 (one byte).
constexpr Vector kVectors[] = {
    {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
     "1cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
     "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

std::string Bytes(const char* hex) { return HexDecode(hex).value(); }

TEST(Ed25519Test, Rfc8032VectorsThroughEveryEntryPoint) {
  for (const Vector& v : kVectors) {
    const std::string seed = Bytes(v.seed);
    const std::string message = Bytes(v.message);
    EXPECT_EQ(HexEncode(Ed25519PublicKeyFromSeed(seed)), v.public_key);
    const std::string secret = Ed25519SecretKeyFromSeed(seed);
    ASSERT_EQ(secret.size(), kEd25519SecretKeySize);
    EXPECT_EQ(secret.substr(0, kEd25519SeedSize), seed);
    EXPECT_EQ(HexEncode(secret.substr(kEd25519SeedSize)), v.public_key);
    EXPECT_EQ(HexEncode(Ed25519Sign(secret, message)), v.signature);
    EXPECT_EQ(HexEncode(Ed25519SignWithSeed(seed, message)), v.signature);
    EXPECT_TRUE(Ed25519Verify(Bytes(v.public_key), message, Bytes(v.signature)));
  }
}

TEST(Ed25519Test, EveryFlippedBitOfMessageSignatureOrKeyIsRefused) {
  const Vector& v = kVectors[1];
  const std::string key = Bytes(v.public_key);
  const std::string message = Bytes(v.message);
  const std::string signature = Bytes(v.signature);
  for (size_t bit = 0; bit < signature.size() * 8; ++bit) {
    std::string s = signature;
    s[bit / 8] = static_cast<char>(s[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(Ed25519Verify(key, message, s)) << "signature bit " << bit;
  }
  for (size_t bit = 0; bit < message.size() * 8; ++bit) {
    std::string m = message;
    m[bit / 8] = static_cast<char>(m[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(Ed25519Verify(key, m, signature)) << "message bit " << bit;
  }
  for (size_t bit = 0; bit < key.size() * 8; ++bit) {
    std::string k = key;
    k[bit / 8] = static_cast<char>(k[bit / 8] ^ (1 << (bit % 8)));
    EXPECT_FALSE(Ed25519Verify(k, message, signature)) << "key bit " << bit;
  }
  // The other vector's key does not verify this signature.
  EXPECT_FALSE(Ed25519Verify(Bytes(kVectors[0].public_key), message, signature));
}

TEST(Ed25519Test, WrongSizesAreRefusedNotRead) {
  const Vector& v = kVectors[0];
  const std::string key = Bytes(v.public_key);
  const std::string signature = Bytes(v.signature);
  EXPECT_FALSE(Ed25519Verify(key.substr(1), "", signature));
  EXPECT_FALSE(Ed25519Verify(key + "x", "", signature));
  EXPECT_FALSE(Ed25519Verify(key, "", signature.substr(1)));
  EXPECT_FALSE(Ed25519Verify(key, "", signature + "x"));
  EXPECT_FALSE(Ed25519Verify("", "", ""));
}

}  // namespace
}  // namespace ledger
