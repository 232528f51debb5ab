// An entry's bytes: where its c2sp.org/tlog-tiles entry bundle is, how to take it out of the
// bundle, and the canonical Cap'n Proto `Entry` read from them (schema/entry.capnp,
// docs/formats.md "Entry").

// c2sp.org/tlog-tiles index path: groups of three digits, all but the last prefixed "x".
export function tileIndexPath(index) {
  const groups = [];
  do {
    groups.unshift(String(index % 1000n).padStart(3, '0'));
    index /= 1000n;
  } while (index > 0n);
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/');
}

// The path of the entry bundle that holds entry `seq` of a tree of `size` entries: full, or
// partial (".p/<width>") when the tree ends inside it.
export function bundlePath(seq, size) {
  const bundle = seq / 256n;
  const width = size - bundle * 256n >= 256n ? 256n : size - bundle * 256n;
  return `/tile/entries/${tileIndexPath(bundle)}` + (width < 256n ? `.p/${width}` : '');
}

// Entry `seq` out of its bundle `bytes` (each entry prefixed by its 2-byte big-endian length).
export function entryFromBundle(bytes, seq, path) {
  let at = 0;
  for (let i = 0n; ; i++) {
    if (at + 2 > bytes.length) throw new Error(`bundle ${path} ends before entry ${seq}`);
    const n = (bytes[at] << 8) | bytes[at + 1];
    if (at + 2 + n > bytes.length) throw new Error(`bundle ${path} is truncated`);
    if (i === seq % 256n) return bytes.slice(at + 2, at + 2 + n);
    at += 2 + n;
  }
}

// Reads the canonical single-segment Cap'n Proto `Entry` (schema/entry.capnp): data section
// seq @3, version @4, recordedAt @5 (one word each), formatVersion @6 (16 bits); pointers
// event @0, keyId @1, signature @2 (byte lists).
export function decodeEntry(bytes) {
  if (bytes.length < 8 || bytes.length % 8 !== 0) throw new Error('not a whole number of words');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = bytes.length / 8;
  const root = view.getBigUint64(0, true);
  if ((root & 3n) !== 0n) throw new Error('the root pointer is not a struct pointer');
  const offset = Number(BigInt.asIntN(30, (root >> 2n) & 0x3fffffffn));
  const dataWords = Number((root >> 32n) & 0xffffn);
  const ptrCount = Number((root >> 48n) & 0xffffn);
  const start = 1 + offset;
  if (start < 1 || start + dataWords + ptrCount > words) throw new Error('the struct is out of bounds');
  const u64 = (i) => (i < dataWords ? view.getBigUint64((start + i) * 8, true) : 0n);
  const data = (p) => {
    if (p >= ptrCount) return new Uint8Array(0);
    const at = start + dataWords + p;
    const ptr = view.getBigUint64(at * 8, true);
    if (ptr === 0n) return new Uint8Array(0);
    if ((ptr & 3n) !== 1n || ((ptr >> 32n) & 7n) !== 2n) throw new Error(`pointer ${p} is not a byte list`);
    const off = Number(BigInt.asIntN(30, (ptr >> 2n) & 0x3fffffffn));
    const count = Number(ptr >> 35n);
    const from = (at + 1 + off) * 8;
    if (from < 0 || from + count > bytes.length) throw new Error(`list ${p} is out of bounds`);
    return bytes.slice(from, from + count);
  };
  return {
    event: data(0), keyId: data(1), signature: data(2), seq: u64(0), version: u64(1),
    formatVersion: dataWords > 3 ? view.getUint16((start + 3) * 8, true) : 0,
  };
}
