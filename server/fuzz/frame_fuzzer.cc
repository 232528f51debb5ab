// libFuzzer target for the binary protocol's frame decoder (docs/protocol.md): whatever the bytes,
// decoding returns a value or an error, never crashes, hangs or reads out of bounds; and what
// decodes re-encodes to a frame that decodes to the same message.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "server/binary_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::server::binary;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= kFrameHeaderBytes) {
    (void)FrameLength(bytes.substr(0, kFrameHeaderBytes), 16 << 20);
  }
  auto client = DecodeClientMessage(bytes);
  if (client.ok()) {
    const std::string frame = EncodeFrame(*client);
    auto again = DecodeClientMessage(std::string_view(frame).substr(kFrameHeaderBytes));
    if (!again.ok() || again->index() != client->index()) __builtin_trap();
  }
  (void)DecodeServerMessage(bytes);
  return 0;
}
