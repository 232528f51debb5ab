// The OpenAPI contract check (ctest: openapi_contract). Judges the exchanges that
// tests/openapi/contract_traffic.cc recorded against a live server with docs/openapi.json:
//   1. every exchange's path is a path of the description, or was answered 404 no_such_endpoint;
//      no path of the description is answered no_such_endpoint;
//   2. a method the path does not list is answered 405 method_not_allowed with an Allow header
//      naming exactly the methods it lists (or an answer of the connection layer, which comes
//      before routing: 400, 401, 408, 413, 429, 431, 503);
//   3. for a listed method: the status is documented for the operation, the Content-Type is one
//      the response lists, a JSON body validates against its schema (an error's code against
//      the codes that response lists), a 2xx came to a role in x-roles, and a 2xx request's
//      JSON body validates against the operation's requestBody;
//   4. coverage: every documented (operation, status) was seen, except those in UNREACHED
//      below, each with the reason this test cannot provoke it; every path got a 405 probe;
//   5. the server's router: every path literal the routing code compares with
//      (server/src/*.cc: path == "/...", starts_with("/..."), ends_with("/...")) belongs to a
//      path of the description, so a route added to the code and not to the description fails.
//   6. GET /v1/openapi.json answers docs/openapi.json byte for byte;
//   7. the body limit each 413 body_too_large names is the operation's x-body-limit, and every
//      operation's limit was confirmed so;
//   8. server-sent events and WebSocket messages match x-sse-events and x-websocket-messages.
// Usage: node check_contract.mjs <openapi.json> <exchanges.jsonl> <server/src dir>
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const [specPath, exchangesPath, serverSrc] = process.argv.slice(2);
if (!specPath || !exchangesPath || !serverSrc) {
  console.error('usage: node check_contract.mjs <openapi.json> <exchanges.jsonl> <server/src>');
  process.exit(2);
}
const specText = fs.readFileSync(specPath, 'utf8');
const spec = JSON.parse(specText);
const exchanges = fs.readFileSync(exchangesPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const failures = [];
const fail = (msg) => failures.push(msg);

// (operation, status) pairs this test cannot provoke, and why. Kept short on purpose: each
// entry is a promise of the description that only another test (named) checks.
const UNREACHED = {
  'getHealth 408': 'seen on other operations (the read timeout is per connection, not per route)',
  'getHealth 431': 'seen on other operations',
  'getPersonalValues 503': 'needs an access log that cannot be written (tests/server: access log tests)',
  'getCheckpoint 404': 'every ledger signs a checkpoint when it is created, before a server can run',
  'getCheckpointV1 404': 'every ledger signs a checkpoint when it is created, before a server can run',
  'getCaseloadReport 503': 'needs the report pool full (tests/server/report_pool_test.cc)',
  'getOutcomesReport 503': 'needs the report pool full (tests/server/report_pool_test.cc)',
  'getComplianceReport 503': 'needs the report pool full (tests/server/report_pool_test.cc)',
  'backup 503': 'needs the report pool full (tests/server/report_pool_test.cc)',
  'exportRelease 201': 'needs an approved release (tests/server/reports_test.cc exports one)',
  'exportRelease 409': 'needs an approved release (tests/server/reports_test.cc)',
  'exportRelease 503': 'needs the report pool full (tests/server/report_pool_test.cc)',
  'getRelease 200': 'needs an exported and recorded release (tests/server/reports_test.cc)',
  'getRelease 409': 'needs an exported release not yet recorded (tests/server/reports_test.cc)',
  'getReleaseFile 200': 'needs an exported and recorded release (tests/server/reports_test.cc)',
  'getReleaseFile 409': 'needs an exported release not yet recorded (tests/server/reports_test.cc)',
};
// Shared responses (components/responses) need to be seen once, on any operation, except those
// that need a damaged store.
const UNREACHED_SHARED = {
  InternalError: 'needs a damaged store or disk (tests/server/erasure_test.cc, integrity tests)',
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(spec, 'openapi');
const validatorCache = new Map();
function validatorFor(pointer) {
  if (!validatorCache.has(pointer)) {
    validatorCache.set(pointer, ajv.compile({ $ref: 'openapi#' + pointer }));
  }
  return validatorCache.get(pointer);
}
const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
function deref(obj) {
  while (obj && obj.$ref) {
    obj = obj.$ref.slice(2).split('/').reduce((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
  }
  return obj;
}

// Path templates, most specific (fewest parameters) first.
const templates = Object.keys(spec.paths).map((p) => ({
  path: p,
  params: (p.match(/\{/g) || []).length,
  re: new RegExp('^' + p.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+') + '$'),
})).sort((a, b) => a.params - b.params);
const matchPath = (raw) => templates.find((t) => t.re.test(raw));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const CONNECTION_LAYER = new Set([400, 401, 408, 413, 429, 431, 503]);

// Server-sent events: each message's event name is one x-sse-events lists, its data that
// schema's JSON, its id the position (a number). The stream was read to caught_up.
function checkSse(where, pointer, events, text) {
  const messages = text.split('\n\n').filter((m) => m.trim() !== '');
  for (const m of messages) {
    const fields = Object.fromEntries(m.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]));
    if (!events[fields.event]) { fail(`${where}: SSE event "${fields.event}" is not in x-sse-events`); continue; }
    if (!/^[0-9]+$/.test(fields.id || '')) fail(`${where}: SSE message without a numeric id: ${m.slice(0, 100)}`);
    let data;
    try { data = JSON.parse(fields.data); } catch (e) { fail(`${where}: SSE data is not JSON: ${fields.data}`); continue; }
    const validate = validatorFor(`${pointer}/${esc(fields.event)}`);
    if (!validate(data)) fail(`${where}: SSE ${fields.event} does not match x-sse-events: ${ajv.errorsText(validate.errors)}`);
    seen.add('sse ' + fields.event);
  }
}
// WebSocket: the server's frames after the handshake (unmasked, RFC 6455), each text frame one
// message that x-websocket-messages.server describes. Read to caught_up.
function checkWebSocket(where, pointer, bytes) {
  const validate = validatorFor(pointer);
  let i = 0;
  let text = null;  // a text message's fragments so far (a frame without FIN continues it)
  while (i + 2 <= bytes.length) {
    const fin = (bytes[i] & 0x80) !== 0;
    const opcode = bytes[i] & 0x0f;
    let len = bytes[i + 1] & 0x7f;
    let at = i + 2;
    if (len === 126) { len = bytes.readUInt16BE(at); at += 2; } else if (len === 127) { len = Number(bytes.readBigUInt64BE(at)); at += 8; }
    if (at + len > bytes.length) break;  // the read stopped inside a frame
    if (opcode === 1) text = [];
    if ((opcode === 1 || opcode === 0) && text) text.push(bytes.subarray(at, at + len));
    if ((opcode === 1 || opcode === 0) && text && fin) {
      const message = JSON.parse(Buffer.concat(text).toString('utf8'));
      text = null;
      if (!validate(message)) fail(`${where}: WebSocket message does not match x-websocket-messages: ${ajv.errorsText(validate.errors)}`);
      seen.add('ws ' + message.type);
    }
    i = at + len;
  }
}

const seen = new Set();
const probed405 = new Set();
for (const [i, x] of exchanges.entries()) {
  const where = `exchange ${i + 1} (${x.role || 'no token'} ${x.method} ${x.target} -> ${x.status})`;
  const rawPath = x.target.split('?')[0];
  let body;
  const contentType = x.headers['content-type'] || '';
  if (x.body !== undefined && contentType.startsWith('application/json')) {
    try { body = JSON.parse(x.body); } catch (e) { fail(`${where}: body is not JSON: ${e.message}`); continue; }
  }
  const t = matchPath(rawPath);
  if (!t) {
    const code = body && body.error && body.error.code;
    if (!(x.status === 404 && code === 'no_such_endpoint') && !CONNECTION_LAYER.has(x.status)) {
      fail(`${where}: the path is in no path of the description, but the server answered it`);
    }
    continue;
  }
  if (body && body.error && body.error.code === 'no_such_endpoint') {
    fail(`${where}: the description has ${t.path}, the server has no such endpoint`);
  }
  const item = spec.paths[t.path];
  const listed = METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
  const op = item[x.method.toLowerCase()];
  if (!op) {
    probed405.add(t.path);
    if (x.status === 405) {
      const allow = (x.headers['allow'] || '').split(',').map((s) => s.trim()).sort().join(',');
      if (allow !== [...listed].sort().join(',')) fail(`${where}: Allow "${x.headers['allow']}", the description lists ${listed}`);
      if (!body || body.error?.code !== 'method_not_allowed') fail(`${where}: a 405 without code method_not_allowed`);
    } else if (!CONNECTION_LAYER.has(x.status)) {
      fail(`${where}: ${x.method} is not listed for ${t.path} (${listed}), but was answered ${x.status}`);
    }
    continue;
  }
  const status = String(x.status);
  const responseRef = op.responses[status];
  if (!responseRef) {
    fail(`${where}: status ${status} is not documented for ${op.operationId}`);
    continue;
  }
  seen.add(`${op.operationId} ${status}`);
  if (responseRef.$ref) seen.add('shared ' + responseRef.$ref.split('/').pop());
  const response = deref(responseRef);
  const pointer = responseRef.$ref
    ? responseRef.$ref.slice(1)
    : `/paths/${esc(t.path)}/${x.method.toLowerCase()}/responses/${status}`;
  if (response.content) {
    const types = Object.keys(response.content);
    if (!types.includes(contentType)) {
      fail(`${where}: Content-Type "${contentType}" is not one of ${types.join(' | ')}`);
    } else if (body !== undefined) {
      const validate = validatorFor(`${pointer}/content/${esc(contentType)}/schema`);
      if (!validate(body)) {
        fail(`${where}: the body does not match the schema: ${ajv.errorsText(validate.errors)}\n    body: ${x.body.slice(0, 300)}`);
      }
    }
  }
  for (const [name, h] of Object.entries(response.headers || {})) {
    const value = x.headers[name.toLowerCase()];
    if (value === undefined) {
      if (name === 'WWW-Authenticate' || (name === 'Retry-After' && status === '429')) fail(`${where}: header ${name} missing`);
      continue;
    }
    const schema = deref(h).schema || {};
    if (schema.const !== undefined && value !== schema.const) fail(`${where}: header ${name} "${value}", the description says "${schema.const}"`);
    if (schema.enum && !schema.enum.includes(value)) fail(`${where}: header ${name} "${value}" is not one of ${schema.enum}`);
  }
  if (x.status >= 200 && x.status < 300) {
    const roles = op['x-roles'];
    if (!Array.isArray(roles)) fail(`${op.operationId}: no x-roles`);
    else if (x.role && !roles.includes(x.role)) fail(`${where}: a success for role ${x.role}, not in x-roles ${roles}`);
    if (op.requestBody && x.request_body) {
      const validate = validatorFor(`/paths/${esc(t.path)}/${x.method.toLowerCase()}/requestBody/content/application~1json/schema`);
      if (!validate(JSON.parse(x.request_body))) fail(`${where}: the server accepted a request body the description refuses: ${ajv.errorsText(validate.errors)}`);
    }
  }
  // The body limit a 413 names ("... exceeds the limit of N bytes for GET /v1/head as role R")
  // is the operation's x-body-limit (a role of x-roles may get a configured one instead).
  const limitMessage = body?.error?.code === 'body_too_large' &&
    body.error.message.match(/exceeds the limit of (\d+) bytes for \S+ \S+(?: as role (\w+))?$/);
  if (limitMessage) {
    const limit = op['x-body-limit'];
    const configured = limit?.bytes_for_x_roles && op['x-roles'].includes(limitMessage[2]);
    if (!limit) fail(`${op.operationId}: no x-body-limit`);
    else if (!configured && Number(limitMessage[1]) !== limit.bytes) {
      fail(`${where}: the server's limit is ${limitMessage[1]} bytes, x-body-limit says ${limit.bytes}`);
    } else if (!configured) seen.add(`${op.operationId} body limit`);
  }
  if (x.stream && x.status === 200 && response.content?.[contentType]?.['x-sse-events']) {
    checkSse(where, pointer + `/content/${esc(contentType)}/x-sse-events`, response.content[contentType]['x-sse-events'],
      Buffer.from(x.body_base64, 'base64').toString('utf8'));
  }
  if (x.stream && x.status === 101 && op['x-websocket-messages']) {
    checkWebSocket(where, `/paths/${esc(t.path)}/get/x-websocket-messages/server`, Buffer.from(x.body_base64, 'base64'));
  }
  if (op.operationId === 'getOpenApi' && x.status === 200 && x.body !== specText) {
    fail(`${where}: the served description differs from ${specPath}`);
  }
}

// 4. Coverage.
const missed = [];
for (const [p, item] of Object.entries(spec.paths)) {
  if (!probed405.has(p)) fail(`${p}: no request with a method it does not list (405) was made`);
  for (const m of METHODS) {
    const op = item[m];
    if (!op) continue;
    if (!seen.has(`${op.operationId} body limit`)) fail(`${op.operationId}: no 413 confirmed its x-body-limit`);
    const successes = Object.keys(op.responses).filter((s) => /^[12]/.test(s));
    if (successes.length === 0) fail(`${op.operationId}: no documented success`);
    if (successes.some((s) => s.startsWith('1')) && op.operationId !== 'subscribeWebSocket') {
      fail(`${op.operationId}: a 1xx success; only the WebSocket upgrade has one (redocly.yaml)`);
    }
    for (const [status, r] of Object.entries(op.responses)) {
      const key = `${op.operationId} ${status}`;
      if (r.$ref) continue;
      if (!seen.has(key) && !UNREACHED[key]) missed.push(key);
      if (seen.has(key) && UNREACHED[key]) fail(`${key} is listed as unreached but was seen: remove it from UNREACHED`);
    }
  }
}
for (const name of Object.keys(spec.components.responses)) {
  if (!seen.has('shared ' + name) && !UNREACHED_SHARED[name]) missed.push('shared response ' + name);
}
for (const key of missed) fail(`${key}: documented, but no exchange provoked it (provoke it in contract_traffic.cc, or say why not in UNREACHED)`);

for (const key of ['sse entry', 'sse caught_up', 'ws entries', 'ws caught_up']) {
  if (!seen.has(key)) fail(`no ${key} message was checked: the subscriptions' traffic is missing`);
}

// 5. The router's path literals.
const literals = [];
for (const file of fs.readdirSync(serverSrc).filter((f) => f.endsWith('.cc'))) {
  const text = fs.readFileSync(path.join(serverSrc, file), 'utf8');
  for (const m of text.matchAll(/path\s*==\s*"(\/[^"]*)"/g)) literals.push([file, 'equals', m[1]]);
  for (const m of text.matchAll(/path\.starts_with\("(\/[^"]*)"\)/g)) literals.push([file, 'starts', m[1]]);
  for (const m of text.matchAll(/path\.ends_with\("(\/[^"]*)"\)/g)) literals.push([file, 'ends', m[1]]);
}
if (literals.length < 20) fail(`only ${literals.length} route literals found in ${serverSrc}: has the routing code moved?`);
const specPaths = Object.keys(spec.paths);
for (const [file, kind, lit] of literals) {
  const ok = kind === 'equals' ? specPaths.includes(lit)
    : kind === 'starts' ? specPaths.some((p) => p.startsWith(lit) && p.length > lit.length)
      : specPaths.some((p) => p.endsWith(lit));
  if (!ok) fail(`${file}: the router answers ${kind === 'equals' ? '' : kind + ' '}"${lit}", which no path of ${specPath} has`);
}

const ops = specPaths.reduce((n, p) => n + METHODS.filter((m) => spec.paths[p][m]).length, 0);
console.log(`${exchanges.length} exchanges, ${specPaths.length} paths, ${ops} operations, ${seen.size} (operation, status) pairs seen, ${Object.keys(UNREACHED).length} documented as unreached, ${literals.length} router literals`);
if (failures.length) {
  console.error(failures.map((f) => 'FAIL ' + f).join('\n'));
  console.error(`${failures.length} failures`);
  process.exit(1);
}
console.log('the server answers as docs/openapi.json describes');
