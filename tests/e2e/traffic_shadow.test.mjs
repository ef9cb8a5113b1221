// Shadow mode end to end: a route's primary answers (bytes that matter and status) are the same
// with no shadow and with shadows that hang, answer 500 or crawl; copies beyond the in-flight
// bound are dropped and counted; a working shadow's answers are logged with arm "shadow" and
// the primary's id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { makeTempDir, startServer, sleep, tinyModelFolder } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';
import { adminCall } from './lib/http.mjs';
import { registerVersion } from './lib/registry.mjs';
import { fetchMetrics, metricSum, waitForMetrics } from './lib/metrics.mjs';

const T = { timeout: 240_000 };
const ROUTE = 'assistant';
let tmp;
let server;
let fake;
let dataDir;
const sockets = new Set();

// An upstream for shadows that misbehave: /hang/v1 never answers a completion, /error500/v1
// fails, /crawl/v1 answers after 1.5 seconds. Every kind answers GET /models (health).
function startFake() {
  fake = http.createServer((req, res) => {
    const kind = req.url.split('/')[1];
    if (req.method === 'GET' && req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: kind, object: 'model', created: 0, owned_by: 'fake' }] }));
      return;
    }
    req.resume();
    req.on('end', () => {
      if (kind === 'hang') return;
      if (kind === 'error500') {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'shadow exploded', type: 'server_error', param: null, code: null } }));
        return;
      }
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({
          id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: 'crawl',
          choices: [{ index: 0, message: { role: 'assistant', content: 'slow answer' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
        }));
      }, 1_500);
    });
  });
  fake.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
}

const admin = (method, pathname, body) => adminCall(server.origin, method, pathname, body);

// What a client sees of an answer, without what differs per request (id, created).
async function primaryAnswers() {
  const client = makeClient(server);
  const prompts = ['one', 'two two', 'three three three', 'four', 'five five', 'six'];
  return Promise.all(prompts.map(async (content) => {
    const { data, response } = await client.chat.completions
      .create({ model: ROUTE, messages: [{ role: 'user', content }], max_tokens: 6, temperature: 0 })
      .withResponse();
    return {
      status: response.status,
      version: response.headers.get('x-slipway-version'),
      message: data.choices[0].message,
      finish: data.choices[0].finish_reason,
      // Prompt-cache hits (usage.prompt_tokens_details) depend on earlier requests, not shadows.
      usage: [data.usage.prompt_tokens, data.usage.completion_tokens],
      fingerprint: data.system_fingerprint,
    };
  }));
}

async function inFlightDrained() {
  await waitForMetrics(server.origin, (m) => metricSum(m, 'slipway_shadow_in_flight') === 0,
    { timeoutMs: 30_000, what: 'no shadow copy in flight' });
}

before(async () => {
  await startFake();
  const base = `http://127.0.0.1:${fake.address().port}`;
  tmp = makeTempDir('traffic-shadow');
  dataDir = path.join(tmp.dir, 'data');
  const register = (name, source, label) => registerVersion(dataDir, name, source, label);
  register('helper', ['--path', tinyModelFolder(path.join(tmp.dir, 'm1'), { seed: 1 })], 'one');
  register('helper', ['--path', tinyModelFolder(path.join(tmp.dir, 'm2'), { seed: 2 })], 'two');
  for (const kind of ['hang', 'error500', 'crawl']) register(kind, ['--upstream', `${base}/${kind}/v1`], kind);
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server: {host: 127.0.0.1, port: 0}',
    'models:',
    '  - {name: helper, version: helper/1}',
    'routes:',
    `  - {name: ${ROUTE}, stable: helper/1}`,
    'traffic: {shadow_max_in_flight: 2, shadow_timeout_seconds: 2}',
    '',
  ].join('\n'));
  server = await startServer(['--config', config, '--data', dataDir]);
});

after(async () => {
  await server?.stop();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => (fake ? fake.close(resolve) : resolve()));
  tmp?.cleanup();
});

test('shadows that hang, fail or crawl never change the primary answer', T, async () => {
  const baseline = await primaryAnswers();
  for (const a of baseline) {
    assert.equal(a.status, 200);
    assert.equal(a.version, 'helper/1');
    assert.equal(a.fingerprint, 'helper/1');
  }
  for (const shadows of [['hang/1'], ['error500/1'], ['crawl/1'], ['hang/1', 'error500/1', 'crawl/1']]) {
    const r = await admin('PATCH', `/routes/${ROUTE}`, { shadows });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const started = Date.now();
    const answers = await primaryAnswers();
    assert.ok(Date.now() - started < 1_400, `primaries waited for a shadow (${Date.now() - started} ms)`);
    assert.deepEqual(answers, baseline, `with shadows ${shadows.join(',')}`);
    await inFlightDrained();
  }
  const metrics = (await fetchMetrics(server.origin)).samples;
  const count = (version, result) => metricSum(metrics, 'slipway_shadow_requests_total', { route: ROUTE, version, result });
  assert.ok(count('hang/1', 'dropped') >= 1, 'copies beyond the in-flight bound are dropped');
  assert.ok(count('hang/1', 'failed') >= 1, 'a hanging shadow times out and is counted');
  assert.ok(count('error500/1', 'failed') >= 1);
  assert.ok(count('crawl/1', 'succeeded') >= 1);
  await admin('PATCH', `/routes/${ROUTE}`, { shadows: null });
});

test('a shadow answer is logged with arm shadow and the primary id', T, async () => {
  const r = await admin('PATCH', `/routes/${ROUTE}`, { shadows: ['helper/2'] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const client = makeClient(server);
  const primary = await client.chat.completions.create({
    model: ROUTE, messages: [{ role: 'user', content: 'compare me' }], max_tokens: 5, temperature: 0,
  });
  let shadow;
  for (let i = 0; i < 100; i += 1) {
    shadow = await admin('GET', `/feedback/responses/${primary.id}-shadow-0`);
    if (shadow.status === 200) break;
    await sleep(100);
  }
  assert.equal(shadow.status, 200, JSON.stringify(shadow.json));
  assert.equal(shadow.json.arm, 'shadow');
  assert.equal(shadow.json.primary_id, primary.id);
  assert.equal(shadow.json.version, 'helper/2');
  assert.equal(shadow.json.route, ROUTE);
  const logged = await admin('GET', `/feedback/responses/${primary.id}`);
  assert.equal(logged.json.version, 'helper/1');
  assert.equal(logged.json.arm, 'stable');
});
