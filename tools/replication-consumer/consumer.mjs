// An example consumer of the ledger's JetStream stream (docs/replication.md), in another
// language than the ledger: it reads the entries and checkpoints from the start of the stream,
// checks each checkpoint's signature with the ledger's verifier key and the Merkle root of the
// entries it has read against it, and prints one JSON line per verified checkpoint.
//
//   node consumer.mjs --servers nats://127.0.0.1:4222 --stream LEDGER \
//        --vkey "$(cat ledger.key.pub)" [--until SIZE] [--timeout-ms 30000]
//
// Exit 0 once a checkpoint of at least SIZE entries verified (or at the timeout without
// --until), 1 on anything that does not verify, 2 on bad arguments.
import { connect } from "nats";
import { createHash, createPublicKey, verify } from "node:crypto";

function args(argv) {
  const out = { stream: "LEDGER", timeoutMs: 30000, until: 0 };
  for (let i = 2; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === "--servers") out.servers = v;
    else if (k === "--stream") out.stream = v;
    else if (k === "--vkey") out.vkey = v;
    else if (k === "--until") out.until = Number(v);
    else if (k === "--timeout-ms") out.timeoutMs = Number(v);
    else { console.error(`unknown argument ${k}`); process.exit(2); }
  }
  if (!out.servers || !out.vkey) { console.error("--servers and --vkey are required"); process.exit(2); }
  return out;
}

function fail(message) {
  console.error(`consumer: ${message}`);
  process.exit(1);
}

// "<name>+<8 hex key id>+<base64(0x01 || 32-byte Ed25519 key)>" (c2sp.org/signed-note).
function parseVerifierKey(text) {
  // The name has no "+", the key id is 8 hex digits; base64 may contain "+".
  const t = text.trim();
  const first = t.indexOf("+");
  const second = t.indexOf("+", first + 1);
  const [name, idHex, b64] = [t.slice(0, first), t.slice(first + 1, second), t.slice(second + 1)];
  const raw = Buffer.from(b64, "base64");
  if (raw.length !== 33 || raw[0] !== 1) fail("the verifier key is not an Ed25519 note key");
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: raw.subarray(1).toString("base64url") },
    format: "jwk",
  });
  return { name, keyId: Buffer.from(idHex, "hex"), key };
}

const sha256 = (...parts) => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHash = (entry) => sha256(Buffer.from([0]), entry);

// RFC 6962 Merkle tree hash of leaves[lo, hi).
function root(leaves, lo, hi) {
  const n = hi - lo;
  if (n === 0) return sha256();
  if (n === 1) return leaves[lo];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return sha256(Buffer.from([1]), root(leaves, lo, lo + k), root(leaves, lo + k, hi));
}

// A signed checkpoint: its size and root, after checking the ledger's signature on it.
function openCheckpoint(note, vkey) {
  const split = note.indexOf("\n\n");
  if (split < 0) fail("a checkpoint without signatures");
  const text = note.slice(0, split + 1);
  const [origin, size, rootB64] = text.split("\n");
  if (origin !== vkey.name) fail(`a checkpoint of ${origin}, not of ${vkey.name}`);
  const signed = note.slice(split + 2).split("\n").filter((l) => l.startsWith("\u2014 "))
    .map((l) => l.split(" ")).filter(([, name]) => name === vkey.name)
    .map(([, , b64]) => Buffer.from(b64, "base64"))
    .some((sig) => sig.subarray(0, 4).equals(vkey.keyId) &&
         verify(null, Buffer.from(text), vkey.key, sig.subarray(4)));
  if (!signed) fail(`the checkpoint of size ${size} is not signed by ${vkey.name}`);
  return { size: Number(size), root: Buffer.from(rootB64, "base64") };
}

// The entries of an entries message: each a 4-byte big-endian length and its bytes.
function entriesOf(data) {
  const out = [];
  for (let at = 0; at < data.length;) {
    const n = Buffer.from(data.buffer, data.byteOffset + at, 4).readUInt32BE(0);
    out.push(Buffer.from(data.subarray(at + 4, at + 4 + n)));
    at += 4 + n;
  }
  return out;
}

const opts = args(process.argv);
const vkey = parseVerifierKey(opts.vkey);
const nc = await connect({ servers: opts.servers.split(","), maxReconnectAttempts: -1 });
const js = nc.jetstream();
const consumer = await js.consumers.get(opts.stream, { filterSubjects: `${opts.stream}.log.>` });
const messages = await consumer.consume();
const leaves = [];
let verified = 0;
const timer = setTimeout(() => {
  if (opts.until > 0) fail(`timed out with ${verified} entries verified, waiting for ${opts.until}`);
  messages.stop();
}, opts.timeoutMs);

for await (const m of messages) {
  if (m.subject.endsWith(".log.entries")) {
    const first = Number(m.headers.get("Ledger-First-Seq"));
    const entries = entriesOf(m.data);
    if (first > leaves.length) fail(`the stream lacks entries ${leaves.length} to ${first - 1}`);
    entries.slice(leaves.length - first).forEach((e) => leaves.push(leafHash(e)));
  } else if (m.subject.endsWith(".log.checkpoint")) {
    const cp = openCheckpoint(new TextDecoder().decode(m.data), vkey);
    if (cp.size > leaves.length) fail(`a checkpoint of ${cp.size} entries after only ${leaves.length}`);
    if (!root(leaves, 0, cp.size).equals(cp.root)) {
      fail(`the entries read do not have the root of the signed checkpoint of size ${cp.size}`);
    }
    verified = Math.max(verified, cp.size);
    console.log(JSON.stringify({ verified_size: cp.size, stream_seq: m.info.streamSequence }));
    if (opts.until > 0 && verified >= opts.until) break;
  }
}
clearTimeout(timer);
await nc.close();
console.log(JSON.stringify({ done: true, verified_size: verified, entries_read: leaves.length }));
