// API keys with scopes against the real binary: keys made with `slipway keys create` on the
// store before the server starts; each scope lets its key call its endpoints and nothing else
// (403 naming the scope); a key revoked through the admin API fails at the very next request,
// one revoked by `slipway keys revoke` on the store as soon as the server hears of it; a key
// over its requests-per-minute gets 429 with retry-after; a key at its streams limit gets 429;
// the server's request limits give 400 naming the limit. The official openai SDK is the client.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, startServer, tinyModelFolder, waitFor as waitForLib } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';
import { assertErrorShape, getRaw, postRaw } from './lib/http.mjs';
import { slipwayOk } from './lib/registry.mjs';

const T = { timeout: 120_000 };
let tmp;
let dataDir;
let server;
const keys = {};

function createKey(name, scopes, extra = []) {
  const out = slipwayOk(['keys', 'create', '--name', name, '--scopes', scopes, ...extra, '--data', dataDir, '--json']);
  const json = JSON.parse(out);
  assert.match(json.secret, /^slp_/, out);
  assert.equal(json.name, name);
  return json;
}

const bearer = (key) => ({ authorization: `Bearer ${key.secret}` });
const chatBody = (content = 'hello', extra = {}) => ({
  model: 'tiny', messages: [{ role: 'user', content }], max_tokens: 4, ...extra,
});

// The harness's waitFor with this file's server log in its error.
const waitFor = (what, check, timeoutMs = 10_000) =>
  waitForLib(what, check, timeoutMs, { intervalMs: 50, context: () => server.log() });

before(async () => {
  tmp = makeTempDir('security');
  dataDir = path.join(tmp.dir, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  keys.inference = createKey('app', 'inference');
  keys.feedback = createKey('rater', 'feedback');
  keys.admin = createKey('ops', 'admin,inference');
  keys.limited = createKey('tight', 'inference', ['--rpm', '3']);
  keys.single = createKey('single', 'inference', ['--max-streams', '1']);
  keys.cli = createKey('doomed', 'inference');
  const folder = tinyModelFolder(path.join(tmp.dir, 'model'), { seed: 3 });
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server: {host: 127.0.0.1, port: 0, max_messages: 8, max_tokens: 64}',
    'models:',
    `  - {name: tiny, path: "${folder}"}`,
    '',
  ].join('\n'));
  server = await startServer(['--config', config, '--data', dataDir]);
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

test('with keys in the store the server says it requires them', T, () => {
  assert.doesNotMatch(server.log(), /no API key is set/);
});

test('each scope opens its endpoints and no others', T, async () => {
  const app = makeClient(server, { apiKey: keys.inference.secret });
  const answer = await app.chat.completions.create(chatBody());
  assert.equal(answer.choices.length, 1);
  const models = await app.models.list();
  assert.ok(models.data.some((m) => m.id === 'tiny'));

  // The inference key may not call the admin API or rate answers.
  let r = await getRaw(`${server.origin}/admin/v1/models`, { headers: bearer(keys.inference) });
  assert.equal(r.status, 403, r.text);
  const e = assertErrorShape(r.json, 'admin with an inference key');
  assert.equal(e.code, 'insufficient_scope');
  assert.match(e.message, /"admin" scope/);
  r = await postRaw(`${server.origin}/v1/feedback`, { id: answer.id, rating: 1 }, { headers: bearer(keys.inference) });
  assert.equal(r.status, 403, r.text);

  // The feedback key rates, and may not generate.
  r = await postRaw(`${server.origin}/v1/feedback`, { id: answer.id, rating: 1 }, { headers: bearer(keys.feedback) });
  assert.equal(r.status, 200, r.text);
  r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(), { headers: bearer(keys.feedback) });
  assert.equal(r.status, 403, r.text);

  // The admin key reads the admin API; no key or a wrong key is 401.
  r = await getRaw(`${server.origin}/admin/v1/models`, { headers: bearer(keys.admin) });
  assert.equal(r.status, 200, r.text);
  r = await getRaw(`${server.origin}/admin/v1/models`);
  assert.equal(r.status, 401, r.text);
  assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(), { headers: { authorization: 'Bearer slp_not-a-key' } });
  assert.equal(r.status, 401, r.text);
  // /health and /metrics stay open for probes and scrapers.
  assert.equal((await getRaw(`${server.origin}/health`)).status, 200);
  assert.equal((await getRaw(`${server.origin}/metrics`)).status, 200);
});

test('a key revoked through the admin API fails at the very next request', T, async () => {
  const victim = createKeyThroughServer();
  const key = await victim;
  const client = makeClient(server, { apiKey: key.secret });
  await client.chat.completions.create(chatBody());
  const revoked = await postRaw(`${server.origin}/admin/v1/keys/${key.id}/revoke`, {}, { headers: bearer(keys.admin) });
  assert.equal(revoked.status, 200, revoked.text);
  assert.equal(revoked.json.state, 'revoked');
  assert.equal(revoked.json.revoked_by, 'ops');
  const r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(), { headers: bearer(key) });
  assert.equal(r.status, 401, r.text);
  assert.match(r.json.error.message, /revoked/);
});

async function createKeyThroughServer() {
  const r = await postRaw(`${server.origin}/admin/v1/keys`, { name: 'victim', scopes: ['inference'] }, { headers: bearer(keys.admin) });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.created_by, 'ops');
  return r.json;
}

test('a key revoked with `slipway keys revoke` on the store stops working', T, async () => {
  const client = makeClient(server, { apiKey: keys.cli.secret });
  await client.chat.completions.create(chatBody());
  slipwayOk(['keys', 'revoke', keys.cli.id, '--data', dataDir]);
  await waitFor('the revoked key refused', async () => {
    const r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(), { headers: bearer(keys.cli) });
    return r.status === 401;
  });
  const listed = JSON.parse(slipwayOk(['keys', 'list', '--all', '--data', dataDir, '--json']));
  const rows = listed.data ?? listed;
  assert.equal(rows.find((k) => k.id === keys.cli.id).state, 'revoked');
  assert.ok(rows.every((k) => !('secret' in k) && !('secret_hash' in k)), 'no secret is ever listed');
});

test('a key over its requests per minute gets 429 with retry-after', T, async () => {
  const statuses = [];
  let refused;
  for (let i = 0; i < 4; i += 1) {
    const r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(`n${i}`), { headers: bearer(keys.limited) });
    statuses.push(r.status);
    if (r.status === 429) refused = r;
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  const e = assertErrorShape(refused.json, '429');
  assert.equal(e.code, 'requests_per_minute');
  const retryAfter = Number(refused.headers.get('retry-after'));
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
  // Other keys are not affected.
  const other = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(), { headers: bearer(keys.inference) });
  assert.equal(other.status, 200);
  const metrics = (await getRaw(`${server.origin}/metrics`)).text;
  assert.match(metrics, /slipway_rate_limited_total\{limit="requests_per_minute"\} 1/);
});

test('a key at its streams limit gets 429 while its requests run', T, async () => {
  // Six requests at once on a key allowed one in flight: the first runs, the others overlap it.
  const all = await Promise.all(Array.from({ length: 6 }, (_, i) =>
    postRaw(`${server.origin}/v1/chat/completions`, chatBody(`s${i}`, { max_tokens: 32, stream: i === 0 }),
      { headers: bearer(keys.single) })));
  const statuses = all.map((r) => r.status);
  assert.ok(statuses.includes(200), `statuses ${statuses}`);
  const refused = all.filter((r) => r.status === 429);
  assert.ok(refused.length >= 1, `statuses ${statuses}`);
  for (const r of refused) {
    assert.equal(r.json.error.code, 'max_streams');
    assert.equal(r.headers.get('retry-after'), '1');
  }
  // Once they are done the key works again.
  const after = await postRaw(`${server.origin}/v1/chat/completions`, chatBody(), { headers: bearer(keys.single) });
  assert.equal(after.status, 200, after.text);
});

test('request limits: too many messages or too large max_tokens are 400 naming the limit', T, async () => {
  const messages = Array.from({ length: 9 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
  let r = await postRaw(`${server.origin}/v1/chat/completions`, { model: 'tiny', messages }, { headers: bearer(keys.inference) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.param, 'messages');
  assert.match(r.json.error.message, /max_messages/);
  r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody('x', { max_tokens: 65 }), { headers: bearer(keys.inference) });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.param, 'max_tokens');
  r = await postRaw(`${server.origin}/v1/chat/completions`, chatBody('x', { max_tokens: 64 }), { headers: bearer(keys.inference) });
  assert.equal(r.status, 200, r.text);
});
