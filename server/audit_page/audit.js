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
// Modules: bytes.js, note.js (keys, checkpoints, cosignatures), merkle.js (RFC 9162),
// entry.js (bundles, the Cap'n Proto Entry).
import { utf8, strictUtf8, b64decode, b64encode, hex, concat, equal } from './bytes.js';
import { bundlePath, entryFromBundle, decodeEntry } from './entry.js';
import { leafHash, rootFromInclusionProof, parseProofFile } from './merkle.js';
import {
  ALG_ED25519, ALG_COSIGNATURE_V1, importEd25519, ed25519Verify, parseVerifierKey, parseNote,
  verifyCheckpoint, checkCosignature,
} from './note.js';

const $ = (id) => document.getElementById(id);

// A failure of one named step.
class StepError extends Error {
  constructor(step, message) {
    super(message);
    this.step = step;
  }
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
      const path = bundlePath(seq, cp.size);
      entry = entryFromBundle(new Uint8Array(await api.bytes(path)), seq, path);
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

// A module runs after the document is parsed.
$('load').addEventListener('click', loadLog);
$('verify').addEventListener('click', verifyEntry);
