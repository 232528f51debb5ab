#!/usr/bin/env bash
# typescript_client.sh OPENAPI OUT_DIR: generates TypeScript types from the description with
# openapi-typescript (as an integrator would: README, "Running the server"), then compiles
# client_example.ts against them with tsc --strict, so a description that generates no usable
# client, or one whose types lost what the example relies on, fails.
set -euo pipefail
spec="$1" out="$2"
mkdir -p "$out"
"$NODE" node_modules/openapi-typescript/bin/cli.js "$spec" --redocly redocly.yaml --output "$out/ledger-api.d.ts"
cp client_example.ts "$out/client_example.ts"
"$NODE" node_modules/typescript/bin/tsc --strict --noEmit --target es2022 --module es2022 \
  --moduleResolution node "$out/client_example.ts" "$out/ledger-api.d.ts"
echo "generated $out/ledger-api.d.ts ($(wc -l < "$out/ledger-api.d.ts") lines); client_example.ts compiles against it"
