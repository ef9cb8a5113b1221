// Routes end to end: a route over two registered embedded versions, a rollout promoted to
// completion (the response says which version answered: the x-slipway-version header and the
// OpenAI SDK's system_fingerprint), then `slipway rollback` under continuous load from
// `slipway bench`: it returns within a second, every request admitted after it returns is
// answered by the target, and the load sees no failed request.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BINARY, makeTempDir, startServer, sleep, tinyModelFolder } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';
import { adminCall } from './lib/http.mjs';
import { registerVersion, runSlipway } from './lib/registry.mjs';

const T = { timeout: 240_000 };
const ROUTE = 'customer-support';
let tmp;
let server;
let dataDir;

const admin = (method, pathname, body) => adminCall(server.origin, method, pathname, body);

// One small chat on the route; returns the version header, the status and when it started.
async function probe(user) {
  const started = Date.now();
  const res = await fetch(`${server.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(user ? { 'x-user-id': user } : {}) },
    body: JSON.stringify({ model: ROUTE, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 }),
    signal: AbortSignal.timeout(60_000),
  });
  const body = await res.json();
  return { started, status: res.status, version: res.headers.get('x-slipway-version'), body };
}

before(async () => {
  tmp = makeTempDir('traffic-rollback');
  dataDir = path.join(tmp.dir, 'data');
  const register = (folder, label) => registerVersion(dataDir, 'support', ['--path', folder], label);
  const v1 = register(tinyModelFolder(path.join(tmp.dir, 'm1'), { seed: 1 }), 'first');
  const v2 = register(tinyModelFolder(path.join(tmp.dir, 'm2'), { seed: 2 }), 'second');
  assert.deepEqual([v1, v2], [1, 2]);
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server: {host: 127.0.0.1, port: 0}',
    'models:',
    '  - {name: support-v1, version: support/1}',
    'routes:',
    `  - {name: ${ROUTE}, stable: support/1}`,
    'traffic: {standby_versions: 1}',
    '',
  ].join('\n'));
  server = await startServer(['--config', config, '--data', dataDir]);
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

test('a route answers with its stable version and says so', T, async () => {
  const client = makeClient(server);
  const { data, response } = await client.chat.completions
    .create({ model: ROUTE, messages: [{ role: 'user', content: 'hello' }], max_tokens: 3 })
    .withResponse();
  assert.equal(response.headers.get('x-slipway-version'), 'support/1');
  assert.equal(data.system_fingerprint, 'support/1');
  assert.equal(data.model, ROUTE);

  const stream = await client.chat.completions.create({
    model: ROUTE, messages: [{ role: 'user', content: 'hello' }], max_tokens: 3, stream: true,
  });
  let chunks = 0;
  for await (const chunk of stream) {
    assert.equal(chunk.system_fingerprint, 'support/1');
    chunks += 1;
  }
  assert.ok(chunks > 0);

  const listed = [];
  for await (const model of client.models.list()) listed.push(model);
  const card = listed.find((m) => m.id === ROUTE);
  assert.ok(card, `GET /v1/models lists the route: ${listed.map((m) => m.id).join(',')}`);
  assert.equal(card.root, 'support/1');

  const routes = await admin('GET', '/routes');
  assert.equal(routes.status, 200);
  assert.deepEqual(routes.json.data.map((r) => [r.name, r.stable]), [[ROUTE, 'support/1']]);
});

test('bad rollouts are refused with clear errors', T, async () => {
  let r = await admin('POST', `/routes/${ROUTE}/rollout`, { canary: 'support/1' });
  assert.equal(r.status, 400);
  assert.match(r.json.error.message, /stable version already/);
  r = await admin('POST', `/routes/${ROUTE}/rollout`, { canary: 'support/2', steps: [0, 150] });
  assert.equal(r.status, 400);
  r = await admin('POST', '/routes/nope/rollout', { canary: 'support/2' });
  assert.equal(r.status, 404);
  r = await admin('POST', `/routes/${ROUTE}/rollback`, {});
  assert.equal(r.status, 409, JSON.stringify(r.json));
  assert.match(r.json.error.message, /no previous stable version/);
});

test('a promoted rollout makes the canary stable and moves the production alias', T, async () => {
  let r = await admin('POST', `/routes/${ROUTE}/rollout`, { canary: 'support/2', steps: [50, 100] });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  assert.equal(r.json.state, 'running');
  r = await admin('POST', `/routes/${ROUTE}/rollout`, { canary: 'support/2' });
  assert.equal(r.status, 409, 'a second rollout on the same route');

  // At 50% a user stays on one arm.
  const seen = new Map();
  for (let i = 0; i < 20; i += 1) {
    const user = `user-${i % 5}`;
    const p = await probe(user);
    assert.equal(p.status, 200);
    if (seen.has(user)) assert.equal(p.version, seen.get(user), `${user} changed arms`);
    seen.set(user, p.version);
  }

  r = await admin('POST', `/routes/${ROUTE}/rollout/promote`, { reason: 'e2e' });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.state, 'completed');
  const route = await admin('GET', `/routes/${ROUTE}`);
  assert.equal(route.json.stable, 'support/2');
  assert.equal(route.json.canary ?? '', '');
  const p = await probe('anyone');
  assert.equal(p.version, 'support/2');
  const aliases = await admin('GET', '/models/support/aliases');
  assert.equal(aliases.status, 200, JSON.stringify(aliases.json));
  assert.equal(aliases.json.production, 2);
  const events = await admin('GET', `/routes/${ROUTE}/events`);
  const kinds = events.json.data.map((e) => e.kind);
  for (const kind of ['route_created', 'rollout_started', 'completed']) assert.ok(kinds.includes(kind), kinds.join(','));
});

test('slipway rollback under load: under a second, the target answers after it, no failures', T, async () => {
  const benchJson = path.join(tmp.dir, 'bench.json');
  const bench = spawn(BINARY, ['bench', '--base-url', `${server.origin}/v1`, '--model', ROUTE,
    '--endpoint', 'chat', '--num-prompts', '160', '--concurrency', '4', '--input-len', '8',
    '--output-len', '8', '--json', benchJson], { stdio: ['ignore', 'pipe', 'pipe'] });
  let benchErr = '';
  bench.stderr.on('data', (d) => { benchErr += d; });
  const benchDone = new Promise((resolve) => bench.on('exit', (code) => resolve(code)));

  // Probes run next to the load the whole time.
  const probes = [];
  let probing = true;
  const prober = (async () => {
    while (probing) probes.push(await probe());
  })();
  await sleep(1_500);

  const started = Date.now();
  const rolled = runSlipway(['rollback', ROUTE, '--server', server.origin, '--reason', 'e2e load'],
    { timeout: 30_000 });
  const returned = Date.now();
  assert.equal(rolled.status, 0, rolled.stderr + rolled.stdout);
  assert.ok(returned - started < 1_000, `rollback took ${returned - started} ms`);
  assert.match(rolled.stdout, /support\/2 -> support\/1/);

  await sleep(1_500);
  probing = false;
  await prober;
  const code = await benchDone;
  assert.equal(code, 0, benchErr);
  const report = JSON.parse(fs.readFileSync(benchJson, 'utf8'));
  assert.equal(report.failed, 0, JSON.stringify(report.errors));
  assert.equal(report.completed, 160);

  for (const p of probes) assert.equal(p.status, 200, JSON.stringify(p.body));
  const after = probes.filter((p) => p.started > returned);
  assert.ok(after.length > 0, 'probes after the rollback');
  for (const p of after) assert.equal(p.version, 'support/1', `a request admitted after the rollback got ${p.version}`);
  assert.ok(probes.some((p) => p.started < started && p.version === 'support/2'), 'probes before it got support/2');

  const route = await admin('GET', `/routes/${ROUTE}`);
  assert.equal(route.json.stable, 'support/1');
  const aliases = await admin('GET', '/models/support/aliases');
  assert.equal(aliases.json.production, 1);
});
