// Proxy mode against misbehaving upstreams (a fake server in this process): an upstream that
// never answers gives 504 after read_timeout_seconds, one that answers garbage or broken JSON
// gives 502, a 5xx becomes 502, a stream cut mid-way makes the SDK stream throw, and a client
// that leaves a proxied stream stops the upstream request too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, startServer, withTimeout, sleep } from './lib/server.mjs';
import { makeClient, collectStream, OpenAI } from './lib/client.mjs';
import { postRaw, assertErrorShape } from './lib/http.mjs';

let tmp;
let fake;
let fakePort;
let proxy;
let client;
const sockets = new Set();
const seen = [];  // {kind, closedAt} of POSTs the fake received
const T = { timeout: 60_000 };

function chunk(text, finish = null) {
  return `data: ${JSON.stringify({ id: 'cmpl-fake', object: 'text_completion', created: 1, model: 'fake', choices: [{ index: 0, text, finish_reason: finish }] })}\n\n`;
}

before(async () => {
  fake = http.createServer((req, res) => {
    const kind = req.url.split('/')[1];
    if (req.method === 'GET' && req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake', object: 'model', created: 0, owned_by: 'fake' }] }));
      return;
    }
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const record = { kind, body, closedAt: undefined };
      seen.push(record);
      res.on('close', () => { record.closedAt = Date.now(); });
      switch (kind) {
        case 'silent':
          return;  // never answers
        case 'garbage':
          req.socket.end('THIS IS NOT HTTP\r\n\r\n');
          return;
        case 'badjson':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"id": "cmpl-x", "choices": [');
          return;
        case 'error500':
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: 'upstream exploded', type: 'server_error', param: null, code: null } }));
          return;
        case 'cut':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(chunk('one '));
          res.write(chunk('two '));
          setTimeout(() => req.socket.destroy(), 100);
          return;
        case 'endless': {
          // Streams a token every 20 ms until the client goes away.
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          const timer = setInterval(() => res.write(chunk('tok ')), 20);
          res.on('close', () => clearInterval(timer));
          return;
        }
        default:
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `no ${kind}`, type: 'invalid_request_error', param: null, code: null } }));
      }
    });
  });
  fake.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => fake.listen(0, '127.0.0.1', resolve));
  fakePort = fake.address().port;

  tmp = makeTempDir('proxy-failures');
  const lines = ['server:', '  host: 127.0.0.1', '  port: 0', 'engine:', '  threads: 1', 'models:'];
  for (const kind of ['silent', 'garbage', 'badjson', 'error500', 'cut', 'endless']) {
    lines.push(`  - name: ${kind}`, '    upstream:', `      base_url: "http://127.0.0.1:${fakePort}/${kind}/v1"`,
      '      connect_timeout_seconds: 2', '      read_timeout_seconds: 1.5');
  }
  const config = path.join(tmp.dir, 'proxy.yaml');
  fs.writeFileSync(config, `${lines.join('\n')}\n`);
  proxy = await startServer(['--config', config], { threads: null });
  client = makeClient(proxy, { timeoutMs: 20_000 });
});
after(async () => {
  await proxy?.stop();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => fake?.close(resolve) ?? resolve());
  tmp?.cleanup();
});

async function sdkError(fn) {
  try {
    const r = await fn();
    return { response: r };
  } catch (e) {
    return e;
  }
}

test('an upstream that never answers: 504 after read_timeout_seconds', T, async () => {
  const t0 = Date.now();
  const e = await sdkError(() => client.completions.create({ model: 'silent', prompt: 'x', max_tokens: 2 }));
  const elapsed = Date.now() - t0;
  assert.ok(e instanceof OpenAI.APIError, `got ${JSON.stringify(e).slice(0, 200)}`);
  assert.equal(e.status, 504, e.message);
  assert.ok(elapsed >= 1_000 && elapsed < 10_000, `504 after ${elapsed} ms (read timeout 1.5 s)`);
  const streamed = await postRaw(`${proxy.baseURL}/completions`, { model: 'silent', prompt: 'x', stream: true }, { timeoutMs: 15_000 });
  assert.equal(streamed.status, 504, streamed.text);
  assertErrorShape(streamed.json, 'silent upstream');
});

test('an upstream that answers garbage or broken JSON: 502', T, async () => {
  for (const model of ['garbage', 'badjson']) {
    const r = await postRaw(`${proxy.baseURL}/completions`, { model, prompt: 'x', max_tokens: 2 }, { timeoutMs: 15_000 });
    assert.equal(r.status, 502, `${model}: ${r.status} ${r.text}`);
    assertErrorShape(r.json, model);
  }
});

test('an upstream 5xx becomes 502 with the upstream message', T, async () => {
  const e = await sdkError(() => client.chat.completions.create({ model: 'error500', messages: [{ role: 'user', content: 'x' }] }));
  assert.ok(e instanceof OpenAI.APIError, `got ${JSON.stringify(e).slice(0, 200)}`);
  assert.equal(e.status, 502);
  assert.match(e.message, /upstream exploded/);
});

test('an upstream stream cut mid-way: the SDK stream throws after the first chunks', T, async () => {
  const stream = await client.completions.create({ model: 'cut', prompt: 'x', max_tokens: 50, stream: true });
  const got = [];
  let error;
  try {
    await withTimeout(collectStream(stream, { timeoutMs: 15_000, onChunk: (c) => got.push(c.choices[0]?.text) }), 20_000, 'cut stream');
  } catch (e) { error = e; }
  assert.deepEqual(got, ['one ', 'two ']);
  assert.ok(error instanceof OpenAI.APIError, `the stream ended without an API error: ${error}`);
  assert.doesNotMatch(error.message, /did not end|timed out/);
});

test('a client leaving a proxied stream closes the upstream request', T, async () => {
  const stream = await client.completions.create({ model: 'endless', prompt: 'x', max_tokens: 50, stream: true });
  let n = 0;
  await collectStream(stream, { timeoutMs: 15_000, onChunk: (_c, s) => { if (++n === 5) s.controller.abort(); } });
  const left = Date.now();
  const record = seen.filter((r) => r.kind === 'endless').at(-1);
  assert.ok(record, 'the fake upstream saw no request');
  for (let i = 0; i < 100 && record.closedAt === undefined; i++) await sleep(50);
  assert.ok(record.closedAt !== undefined, 'the upstream stream was still open 5 s after the client left');
  assert.ok(record.closedAt - left < 5_000);
  // The request went out as sent, with only the model rewritten (here: no model name given, so the served one).
  const sent = JSON.parse(record.body);
  assert.equal(sent.prompt, 'x');
  assert.equal(sent.max_tokens, 50);
  assert.equal(sent.stream, true);
});

test('the proxy is still healthy and serving after all failures', T, async () => {
  const r = await postRaw(`${proxy.baseURL}/completions`, { model: 'nonexistent', prompt: 'x' });
  assert.equal(r.status, 404);
  assert.ok(proxy.running);
});
