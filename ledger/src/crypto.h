// The primitives the ledger's internals sign, hash, encode and draw randomness with, all from
// base/ (ed25519.h, sodium.h, sha256.h, hex.h, base64.h): one include for the files that use
// most of them.
#ifndef LEDGER_SRC_CRYPTO_H_
#define LEDGER_SRC_CRYPTO_H_

#include "base/base64.h"
#include "base/ed25519.h"
#include "base/hex.h"
#include "base/sha256.h"
#include "base/sodium.h"
#include "base/status.h"

#endif  // LEDGER_SRC_CRYPTO_H_
