// The signing test vector of docs/api.md ("Signed events"): for a fixed key seed and a fixed
// event, the canonical bytes and the Ed25519 signature that any client implementation must
// produce, kept in tests/testdata/server/signing_vector.json.
#include <gtest/gtest.h>
#include <sodium.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/base64.h"
#include "base/hex.h"
#include "ledger/event_codec.h"
#include "ledger/signing_key.h"
#include "server/client.h"

#ifndef LEDGER_TESTDATA
#error "LEDGER_TESTDATA must name tests/testdata"
#endif

namespace ledger::server {
namespace {

TEST(SigningVectorTest, CanonicalBytesAndSignatureMatchTheVector) {
  std::ifstream in(std::string(LEDGER_TESTDATA) + "/server/signing_vector.json");
  ASSERT_TRUE(in) << "missing signing_vector.json";
  std::stringstream ss;
  ss << in.rdbuf();
  auto v = nlohmann::json::parse(ss.str());
  // The key: name and 32-byte seed from the vector.
  ASSERT_EQ(sodium_init() >= 0, true);
  const std::string seed = Base64Decode(v["seed_base64"].get<std::string>()).value();
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, reinterpret_cast<const unsigned char*>(seed.data()));
  const std::string public_key(reinterpret_cast<char*>(pk), sizeof pk);
  const std::string name = v["key_name"];
  const std::string id = NoteKeyId(name, public_key);
  auto key = SigningKey::Parse("PRIVATE+KEY+" + name + "+" + HexEncode(id) + "+" +
                               Base64Encode(std::string("\x01", 1) + seed));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->key_id_hex(), v["key_id"]);

  auto bytes = CanonicalEventFromJson(v["event"].dump());
  ASSERT_TRUE(bytes.ok()) << bytes.status().ToString();
  EXPECT_EQ(HexEncode(*bytes), v["canonical_hex"]);
  EXPECT_EQ(HexEncode(EventSigningMessage(*bytes)).substr(0, 32), v["signing_prefix_hex"]);
  EXPECT_EQ(Base64Encode(key->Sign(EventSigningMessage(*bytes))), v["signature_base64"]);
  // The client library's body carries exactly these.
  SignedEvent e{*bytes, key->key_id(), key->Sign(EventSigningMessage(*bytes)), {}};
  auto body = nlohmann::json::parse(SignedEventBody(e).value());
  EXPECT_EQ(body["signature"], v["signature_base64"]);
  EXPECT_EQ(body["key_id"], v["key_id"]);
  EXPECT_EQ(body["event"], v["event"]);
}

}  // namespace
}  // namespace ledger::server
