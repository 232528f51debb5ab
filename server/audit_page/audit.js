// The auditor's page (docs/api.md, "The auditor's page"). It fetches only from the server that
// served it (the Content-Security-Policy allows nothing else) and trusts none of its answers:
// every claim is checked here with WebCrypto against the verifier key the auditor pastes.
//
// The checks, in order, each shown as one step; the first that fails stops the run and is named:
//   verifier key          the pasted key parses (c2sp.org/signed-note) and its key id matches it
//   checkpoint signature  the latest checkpoint carries a valid Ed25519 signature by that key,
//                         and its origin is the key's name
//   entry                 the entry's bytes (from its c2sp.org/tlog-tiles entry bundle) are the
//                         canonical Cap'n Proto Entry at that seq, with the key id and signature
//                         the JSON shows
//   event signature       the author's Ed25519 signature over "ledger/event/v1" 0x00 || event
//   leaf hash             SHA-256(0x00 || entry)
//   inclusion proof       the RFC 9162 inclusion proof leads from the leaf hash to the root of the
//                         checkpoint verified above
// Formats: docs/formats.md ("Merkle tree and checkpoints", "Keys", "Entry").
'use strict';

(() => {
  const utf8 = new TextEncoder();
  const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
  const $ = (id) => document.getElementById(id);

  // A failure of one named step.
  class StepError extends Error {
    constructor(step, message) {
      super(message);
      this.step = step;
    }
  }

  // ---- bytes ------------------------------------------------------------------------------

  const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

  // Standard base64 with padding, nothing else (as docs/formats.md requires).
  function b64decode(text, what) {
    if (!BASE64.test(text)) throw new Error(`${what} is not standard base64`);
    const bin = atob(text);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function b64encode(bytes) {
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin);
  }

  function hex(bytes) {
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  function equal(a, b) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  async function sha256(bytes) {
    return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  }

  // ---- keys and signed notes (c2sp.org/signed-note) ----------------------------------------

  const ALG_ED25519 = 0x01;
  const ALG_COSIGNATURE_V1 = 0x04;

  async function importEd25519(publicKey) {
    try {
      return await crypto.subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false,
                                           ['verify']);
    } catch (e) {
      throw new Error(`this browser cannot use Ed25519 keys in WebCrypto (${e.name}); ` +
                      'use a current Chromium or Firefox');
    }
  }

  async function ed25519Verify(key, signature, message) {
    return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, message);
  }

  // "<name>+<8 hex key id>+<base64(alg || 32-byte key)>": the key id must be that of the key.
  async function parseVerifierKey(text, alg) {
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
  function parseNote(bytes) {
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
  function parseCheckpointBody(body) {
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
  async function verifyCheckpoint(note, vkey) {
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
  async function checkCosignature(note, s, witnessKeys) {
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

  // ---- RFC 9162 Merkle tree -----------------------------------------------------------------

  async function leafHash(entry) {
    return sha256(concat([0x00], entry));
  }

  async function nodeHash(left, right) {
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
  async function rootFromInclusionProof(index, size, leaf, proof) {
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
  function parseProofFile(bytes) {
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

  // ---- the entry: tile bundles and Cap'n Proto ----------------------------------------------

  // c2sp.org/tlog-tiles index path: groups of three digits, all but the last prefixed "x".
  function tileIndexPath(index) {
    const groups = [];
    do {
      groups.unshift(String(index % 1000n).padStart(3, '0'));
      index /= 1000n;
    } while (index > 0n);
    return groups.map((g, i) => (i < groups.length - 1 ? 'x' + g : g)).join('/');
  }

  // The bytes of entry `seq` from its bundle of a tree of `size` entries.
  async function fetchEntryBytes(api, seq, size) {
    const bundle = seq / 256n;
    const width = size - bundle * 256n >= 256n ? 256n : size - bundle * 256n;
    const path = `/tile/entries/${tileIndexPath(bundle)}` + (width < 256n ? `.p/${width}` : '');
    const bytes = new Uint8Array(await api.bytes(path));
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
  function decodeEntry(bytes) {
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

  // ---- the server -----------------------------------------------------------------------

  // Requests to this server only, with the auditor's token.
  function makeApi(token) {
    async function get(path) {
      let res;
      try {
        res = await fetch(path, { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
      } catch (e) {
        throw new Error(`GET ${path}: ${e.message}`);
      }
      if (!res.ok) {
        let why = res.statusText;
        try {
          const j = await res.json();
          if (j.error) why = `${j.error.code}: ${j.error.message}`;
        } catch (e) { /* not a JSON error body */ }
        throw new Error(`GET ${path}: ${res.status} ${why}`);
      }
      return res;
    }
    return {
      json: async (path) => (await get(path)).json(),
      bytes: async (path) => (await get(path)).arrayBuffer(),
    };
  }

  // ---- the page ---------------------------------------------------------------------------

  function inputs() {
    const token = $('token').value.trim();
    if (!token) throw new StepError('verifier key', 'paste an API token first');
    return { api: makeApi(token), vkeyText: $('vkey').value.trim() };
  }

  async function ledgerKey(text) {
    if (!text) throw new StepError('verifier key', 'paste the ledger verifier key first');
    try {
      return await parseVerifierKey(text, ALG_ED25519);
    } catch (e) {
      throw new StepError('verifier key', e.message);
    }
  }

  async function witnessKeys() {
    const keys = [];
    for (const line of $('witness-keys').value.split('\n').map((l) => l.trim()).filter(Boolean)) {
      try {
        keys.push(await parseVerifierKey(line, ALG_COSIGNATURE_V1));
      } catch (e) {
        throw new StepError('witness keys', `${line}: ${e.message}`);
      }
    }
    return keys;
  }

  function setResult(el, result, text) {
    el.className = result;
    el.dataset.result = result;
    el.textContent = text;
  }

  async function loadLog() {
    const status = $('log-status');
    setResult(status, 'muted', 'Loading...');
    try {
      const { api, vkeyText } = inputs();
      const vkey = await ledgerKey(vkeyText);
      const head = await api.json('/v1/head');
      $('log-size').textContent = String(head.size);
      $('log-root').textContent = head.root;
      const raw = new Uint8Array(await api.bytes('/checkpoint'));
      $('checkpoint-text').textContent = strictUtf8.decode(raw);
      $('log-facts').hidden = false;
      const note = parseNote(raw);
      try {
        const cp = await verifyCheckpoint(note, vkey);
        setResult($('checkpoint-verdict'), 'pass',
                  `valid: signed by ${vkey.name}+${vkey.idHex}, size ${cp.size}`);
      } catch (e) {
        setResult($('checkpoint-verdict'), 'fail', `INVALID: ${e.message}`);
      }
      const witnesses = await witnessKeys();
      const body = $('cosignatures').tBodies[0];
      body.replaceChildren();
      for (const s of note.signatures) {
        if (s.name === vkey.name && s.idHex === vkey.idHex) continue;
        const row = await checkCosignature(note, s, witnesses);
        const tr = body.insertRow();
        for (const v of [row.name, row.idHex, row.time, row.check]) tr.insertCell().textContent = v;
        tr.dataset.result = row.result;
        tr.className = row.result;
      }
      setResult(status, 'pass', `Loaded: ${head.size} entries.`);
    } catch (e) {
      setResult(status, 'fail', e.message);
    }
  }

  // One step of a verification run, shown as it completes.
  async function step(name, run) {
    const li = document.createElement('li');
    li.dataset.step = name;
    $('steps').append(li);
    setResult(li, 'muted', `${name}: ...`);
    try {
      const detail = await run();
      setResult(li, 'pass', `\u2713 ${name}: ${detail}`);
    } catch (e) {
      const err = e instanceof StepError ? e : new StepError(name, e.message);
      setResult(li, 'fail', `\u2717 ${err.step}: ${err.message}`);
      throw err;
    }
  }

  async function verifyEntry() {
    $('steps').replaceChildren();
    $('entry-json').textContent = '';
    const verdict = $('verdict');
    delete verdict.dataset.step;
    setResult(verdict, 'muted', 'Verifying...');
    let api, vkey, cp, seq, json, entry, leaf;
    try {
      await step('verifier key', async () => {
        const inp = inputs();
        api = inp.api;
        vkey = await ledgerKey(inp.vkeyText);
        return `${vkey.name}, key id ${vkey.idHex}`;
      });
      await step('checkpoint signature', async () => {
        const note = parseNote(new Uint8Array(await api.bytes('/checkpoint')));
        cp = await verifyCheckpoint(note, vkey);
        cp.body = note.body;
        return `size ${cp.size}, root ${b64encode(cp.root)}, signed by ${vkey.name}`;
      });
      await step('entry', async () => {
        const q = $('query').value.trim();
        if (/^(0|[1-9][0-9]{0,19})$/.test(q)) {
          seq = BigInt(q);
          json = await api.json(`/v1/entries/${seq}`);
        } else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(q)) {
          json = await api.json(`/v1/events/${q}`);
          if (!json.event || json.event.id !== q) throw new Error(`the server answered another event than ${q}`);
          seq = BigInt(json.seq);
        } else {
          throw new Error('enter a seq (a decimal number) or an event id (a lowercase UUID)');
        }
        $('entry-json').textContent = JSON.stringify(json, null, 2);
        if (BigInt(json.seq) !== seq) throw new Error(`asked for entry ${seq}, got ${json.seq}`);
        if (seq >= cp.size) {
          throw new Error(`entry ${seq} is not yet covered by the checkpoint of size ${cp.size}; ` +
                          'try again after the next checkpoint');
        }
        entry = await fetchEntryBytes(api, seq, cp.size);
        const e = decodeEntry(entry);
        if (e.seq !== seq) throw new Error(`the stored bytes are entry ${e.seq}, not ${seq}`);
        if (hex(e.keyId) !== json.key_id) {
          throw new Error(`the stored entry's key id ${hex(e.keyId)} is not the ${json.key_id} shown`);
        }
        if (b64encode(e.signature) !== json.signature) {
          throw new Error("the stored entry's signature is not the one shown");
        }
        entry.decoded = e;
        return `seq ${seq} (${entry.length} bytes), ${json.event && json.event.type} in ` +
               `${json.event && json.event.stream}, version ${e.version}`;
      });
      await step('event signature', async () => {
        const keys = (await api.json('/v1/keys')).keys;
        const k = keys.find((x) => x.key_id === json.key_id);
        if (!k) throw new Error(`the author key ${json.key_id} is not in the key registry`);
        const pub = b64decode(k.public_key, "the author's public key");
        if (pub.length !== 32) throw new Error("the author's public key is not 32 bytes");
        const message = concat(utf8.encode('ledger/event/v1'), [0x00], entry.decoded.event);
        const ok = await ed25519Verify(await importEd25519(pub), entry.decoded.signature, message);
        if (!ok) throw new Error(`the event is not what key ${k.name} (${k.key_id}) signed`);
        return `signed by ${k.name} (${k.key_id}, role ${k.role})`;
      });
      await step('leaf hash', async () => {
        leaf = await leafHash(entry);
        return `SHA-256(0x00 || entry) = ${b64encode(leaf)}`;
      });
      await step('inclusion proof', async () => {
        const proof = parseProofFile(new Uint8Array(
            await api.bytes(`/v1/proof/inclusion?seq=${seq}&size=${cp.size}`)));
        if (proof.index !== seq) throw new Error(`the proof is for index ${proof.index}, not ${seq}`);
        const note = parseNote(proof.note);
        if (note.body !== cp.body) {
          throw new Error('the proof is against another checkpoint than the one verified');
        }
        const root = await rootFromInclusionProof(seq, cp.size, leaf, proof.hashes);
        if (!equal(root, cp.root)) {
          throw new Error(`the proof leads to root ${b64encode(root)}, not the checkpoint's ` +
                          `${b64encode(cp.root)}`);
        }
        return `${proof.hashes.length} hashes lead to the checkpoint's root`;
      });
      setResult(verdict, 'pass', `VERIFIED: entry ${seq} is in the log of ${vkey.name}, ` +
                                 `as signed by its author, under the checkpoint of size ${cp.size}.`);
    } catch (e) {
      const name = e instanceof StepError ? e.step : 'unexpected';
      verdict.dataset.step = name;
      setResult(verdict, 'fail', `FAILED at step "${name}": ${e.message}`);
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    $('load').addEventListener('click', loadLog);
    $('verify').addEventListener('click', verifyEntry);
  });
})();
