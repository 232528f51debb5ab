// c2sp.org/signed-note verifier keys and notes, c2sp.org/tlog-checkpoint bodies and
// c2sp.org/tlog-cosignature lines, checked with WebCrypto Ed25519 (docs/formats.md, "Keys",
// "Merkle tree and checkpoints"). The same rules as tlog/note.h, tlog/checkpoint.h and
// tlog/cosignature.h, for the browser.
import { utf8, strictUtf8, b64decode, hex, concat, sha256 } from './bytes.js';

export const ALG_ED25519 = 0x01;
export const ALG_COSIGNATURE_V1 = 0x04;

export async function importEd25519(publicKey) {
  try {
    return await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false,
                                         ['verify']);
  } catch (e) {
    throw new Error(`this browser cannot use Ed25519 keys in WebCrypto (${e.name}); ` +
                    'use a current Chromium or Firefox');
  }
}

export async function ed25519Verify(key, signature, message) {
  return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
}

// "<name>+<8 hex key id>+<base64(alg || 32-byte key)>": the key id must be that of the key.
export async function parseVerifierKey(text, alg) {
  const first = text.indexOf('+');
  if (first <= 0) throw new Error('expected <name>+<key id>+<base64 key>: no name');
  const name = text.slice(0, first);
  if (/\s/.test(name)) throw new Error('the key name has white space');
  const rest = text.slice(first + 1);
  const idHex = rest.slice(0, 8);
  if (!/^[0-9a-f]{8}$/.test(idHex) || rest[8] !== '+') {
    throw new Error('expected 8 lowercase hex digits of key id after the name');
  }
  const key = b64decode(rest.slice(9), 'the key');
  if (key.length !== 33) throw new Error(`the key has ${key.length} bytes, expected 33`);
  if (key[0] !== alg) {
    throw new Error(`the key's algorithm is 0x${hex([key[0]])}, expected 0x${hex([alg])}`);
  }
  const id = (await sha256(concat(utf8.encode(name), [0x0a], key))).slice(0, 4);
  if (hex(id) !== idHex) {
    throw new Error(`the key id ${idHex} does not match the key (its id is ${hex(id)})`);
  }
  return { name, idHex, text, cryptoKey: await importEd25519(key.slice(1)) };
}

// A signed note: text (ending in "\n"), a blank line, then signature lines
// "— <name> base64(key id || signature)". `bytes` is the note as received.
export function parseNote(bytes) {
  let text;
  try {
    text = strictUtf8.decode(bytes);
  } catch (e) {
    throw new Error('the note is not UTF-8');
  }
  const split = text.lastIndexOf('\n\n');
  if (split < 0 || !text.endsWith('\n')) throw new Error('the note has no signature block');
  const body = text.slice(0, split + 1);
  const signatures = [];
  for (const line of text.slice(split + 2, -1).split('\n')) {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!m) throw new Error(`malformed signature line "${line}"`);
    const raw = b64decode(m[2], `the signature of ${m[1]}`);
    if (raw.length < 5) throw new Error(`the signature of ${m[1]} is too short`);
    signatures.push({ name: m[1], idHex: hex(raw.slice(0, 4)), sig: raw.slice(4) });
  }
  return { body, signatures };
}

// origin, size (BigInt) and root (32 bytes) of a c2sp.org/tlog-checkpoint body.
export function parseCheckpointBody(body) {
  const lines = body.split('\n');
  if (lines.length < 4) throw new Error('the checkpoint has fewer than three lines');
  if (!/^(0|[1-9][0-9]{0,19})$/.test(lines[1])) {
    throw new Error(`the checkpoint's size "${lines[1]}" is not a decimal number`);
  }
  const root = b64decode(lines[2], "the checkpoint's root");
  if (root.length !== 32) throw new Error(`the checkpoint's root has ${root.length} bytes`);
  return { origin: lines[0], size: BigInt(lines[1]), root };
}

// Verifies the ledger's signature on `note`; returns the parsed checkpoint.
export async function verifyCheckpoint(note, vkey) {
  const cp = parseCheckpointBody(note.body);
  if (cp.origin !== vkey.name) {
    throw new Error(`the checkpoint's origin "${cp.origin}" is not the key's name "${vkey.name}"`);
  }
  const mine = note.signatures.filter((s) => s.name === vkey.name && s.idHex === vkey.idHex);
  if (mine.length === 0) {
    throw new Error(`the checkpoint carries no signature by the key ${vkey.name}+${vkey.idHex}`);
  }
  for (const s of mine) {
    if (s.sig.length !== 64 || !(await ed25519Verify(vkey.cryptoKey, s.sig, utf8.encode(note.body)))) {
      throw new Error(`the signature by ${vkey.name}+${vkey.idHex} does not verify: ` +
                      'the checkpoint is not what the ledger key signed');
    }
  }
  return cp;
}

// A witness cosignature line (c2sp.org/tlog-cosignature): 8-byte timestamp || signature.
export async function checkCosignature(note, s, witnessKeys) {
  const ts = s.sig.length === 72
      ? new DataView(s.sig.buffer, s.sig.byteOffset, 8).getBigUint64(0) : null;
  const row = { name: s.name, idHex: s.idHex, time: '', check: 'not checked: no key given',
                result: 'unchecked' };
  if (ts === null) {
    row.check = 'malformed: not 72 bytes';
    row.result = 'fail';
    return row;
  }
  row.time = ts < 8640000000000n ? new Date(Number(ts) * 1000).toISOString() : String(ts);
  const key = witnessKeys.find((k) => k.name === s.name && k.idHex === s.idHex);
  if (!key) return row;
  const message = utf8.encode(`cosignature/v1\ntime ${ts}\n${note.body}`);
  const ok = await ed25519Verify(key.cryptoKey, s.sig.slice(8), message);
  row.check = ok ? 'valid' : 'INVALID signature';
  row.result = ok ? 'pass' : 'fail';
  return row;
}
