// RFC 9162 Merkle hashing and inclusion proofs, and c2sp.org/tlog-proof files, for the browser
// (the rules of tlog/merkle.h, tlog/verify.h and tlog/proof_file.h).
import { utf8, strictUtf8, b64decode, concat, sha256 } from './bytes.js';

export async function leafHash(entry) {
  return sha256(concat([0x00], entry));
}

export async function nodeHash(left, right) {
  return sha256(concat([0x01], left, right));
}

function bitLength(x) {
  let n = 0;
  for (; x > 0n; x >>= 1n) n++;
  return n;
}

function popCount(x) {
  let n = 0;
  for (; x > 0n; x >>= 1n) n += Number(x & 1n);
  return n;
}

// The root an inclusion proof leads to from leaf `index` of a tree of `size` leaves
// (RFC 9162 2.1.3.2, as transparency-dev/merkle proof.RootFromInclusionProof).
export async function rootFromInclusionProof(index, size, leaf, proof) {
  if (index >= size) throw new Error(`index ${index} is beyond the tree size ${size}`);
  const inner = bitLength(index ^ (size - 1n));
  const border = popCount(index >> BigInt(inner));
  if (proof.length !== inner + border) {
    throw new Error(`the proof has ${proof.length} hashes; index ${index} in a tree of ` +
                    `${size} needs ${inner + border}`);
  }
  let h = leaf;
  for (let i = 0; i < inner; i++) {
    h = ((index >> BigInt(i)) & 1n) === 0n ? await nodeHash(h, proof[i])
                                           : await nodeHash(proof[i], h);
  }
  for (let i = inner; i < proof.length; i++) h = await nodeHash(proof[i], h);
  return h;
}

// c2sp.org/tlog-proof: header, optional extra line, "index <i>", hashes, blank line, note.
export function parseProofFile(bytes) {
  const text = strictUtf8.decode(bytes);
  const split = text.indexOf('\n\n');
  if (split < 0) throw new Error('the proof file has no blank line before its checkpoint');
  const lines = text.slice(0, split).split('\n');
  if (lines[0] !== 'c2sp.org/tlog-proof@v1') throw new Error('not a c2sp.org/tlog-proof@v1 file');
  let at = 1;
  if (lines[at] && lines[at].startsWith('extra ')) at++;
  const m = /^index (0|[1-9][0-9]*)$/.exec(lines[at] || '');
  if (!m) throw new Error('the proof file has no "index <i>" line');
  const hashes = lines.slice(at + 1).map((l, i) => {
    const h = b64decode(l, `proof hash ${i}`);
    if (h.length !== 32) throw new Error(`proof hash ${i} has ${h.length} bytes`);
    return h;
  });
  return { index: BigInt(m[1]), hashes, note: utf8.encode(text.slice(split + 2)) };
}
