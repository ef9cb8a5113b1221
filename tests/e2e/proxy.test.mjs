// Proxy mode: a second slipway whose model is an upstream (the first slipway). Requests and
// streams pass through; upstream errors come back as clean errors; a killed upstream ends the
// client's stream with an error instead of a hang; an upstream that is down gives 502.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, makeTinyModel, startServer, withTimeout } from './lib/server.mjs';
import { makeClient, collectStream, streamText, finishReasons, OpenAI } from './lib/client.mjs';
import { postRaw, getRaw, assertErrorShape } from './lib/http.mjs';

const UPSTREAM_KEY = 'upstream-secret-key';
let tmp;
let upstream;  // embedded model "tiny", needs UPSTREAM_KEY
let proxy;     // model "remote" -> upstream "tiny"
let direct;
let viaProxy;

before(async () => {
  tmp = makeTempDir('proxy');
  const model = makeTinyModel(path.join(tmp.dir, 'tiny'), { seed: 3 });
  upstream = await startServer(['--model', model.dir, '--served-model-name', 'tiny'], { env: { SLIPWAY_API_KEY: UPSTREAM_KEY } });
  const config = path.join(tmp.dir, 'proxy.yaml');
  fs.writeFileSync(config, [
    'server:',
    '  host: 127.0.0.1',
    '  port: 0',
    'engine:',
    '  threads: 1',
    'models:',
    '  - name: remote',
    '    upstream:',
    `      base_url: "http://127.0.0.1:${upstream.port}/v1"`,
    '      api_key_env: E2E_UPSTREAM_KEY',
    '      model: tiny',
    '      connect_timeout_seconds: 5',
    '      read_timeout_seconds: 30',
    '',
  ].join('\n'));
  proxy = await startServer(['--config', config], { env: { E2E_UPSTREAM_KEY: UPSTREAM_KEY, SLIPWAY_API_KEY: undefined }, threads: null });
  direct = makeClient(upstream, { apiKey: UPSTREAM_KEY });
  viaProxy = makeClient(proxy);
});
after(async () => {
  await proxy?.stop();
  await upstream?.stop();
  tmp?.cleanup();
});

const messages = [{ role: 'user', content: 'Relay this through the proxy.' }];
const T = { timeout: 60_000 };

test('the proxy lists its upstream model', T, async () => {
  const models = await viaProxy.models.list();
  const ids = models.data.map((m) => m.id);
  assert.deepEqual(ids, ['remote']);
  const health = await getRaw(`${proxy.origin}/health`);
  assert.equal(health.status, 200, health.text);
});

test('chat passes through, non-streaming and streaming, same greedy text as direct', T, async () => {
  const req = { messages, max_tokens: 16, temperature: 0, ignore_eos: true };
  const d = await direct.chat.completions.create({ model: 'tiny', ...req });
  const p = await viaProxy.chat.completions.create({ model: 'remote', ...req });
  assert.equal(p.object, 'chat.completion');
  assert.equal(p.choices[0].message.content, d.choices[0].message.content);
  assert.equal(p.choices[0].finish_reason, 'length');
  // Token counts pass through (cached_tokens differ: the prefix cache has the prompt by now).
  for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) assert.equal(p.usage[k], d.usage[k], `usage.${k}`);

  const chunks = await collectStream(await viaProxy.chat.completions.create({
    model: 'remote', ...req, stream: true, stream_options: { include_usage: true },
  }));
  assert.ok(chunks.length >= 3);
  for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
  assert.equal(streamText(chunks), d.choices[0].message.content);
  assert.deepEqual(finishReasons(chunks), { 0: 'length' });
  assert.equal(chunks[chunks.length - 1].usage?.completion_tokens, 16);
});

test('completions pass through, non-streaming and streaming', T, async () => {
  const req = { prompt: 'Across the bay', max_tokens: 12, temperature: 0, ignore_eos: true };
  const d = await direct.completions.create({ model: 'tiny', ...req });
  const p = await viaProxy.completions.create({ model: 'remote', ...req });
  assert.equal(p.object, 'text_completion');
  assert.equal(p.choices[0].text, d.choices[0].text);
  assert.equal(p.usage.completion_tokens, 12);
  const chunks = await collectStream(await viaProxy.completions.create({ model: 'remote', ...req, stream: true }));
  assert.equal(streamText(chunks), d.choices[0].text);
  assert.deepEqual(finishReasons(chunks), { 0: 'length' });
  // Seeded sampling passes its seed through.
  const s1 = await viaProxy.completions.create({ model: 'remote', ...req, temperature: 1, seed: 11 });
  const s2 = await direct.completions.create({ model: 'tiny', ...req, temperature: 1, seed: 11 });
  assert.equal(s1.choices[0].text, s2.choices[0].text);
});

test('an upstream 400 passes through as a clean BadRequestError', T, async () => {
  let error;
  try {
    await viaProxy.chat.completions.create({ model: 'remote', messages, temperature: -3 });
  } catch (e) { error = e; }
  assert.ok(error instanceof OpenAI.BadRequestError, `got ${error?.constructor?.name} ${error?.status} ${error?.message}`);
  assert.equal(error.status, 400);
  assert.match(error.error?.message ?? '', /temperature/i);
  const raw = await postRaw(`${proxy.baseURL}/completions`, { model: 'remote', prompt: 'x', max_tokens: 10 ** 6 });
  assert.equal(raw.status, 400, raw.text);
  assertErrorShape(raw.json, 'upstream max_tokens error');
  // Errors of the proxy itself.
  const unknown = await postRaw(`${proxy.baseURL}/chat/completions`, { model: 'tiny', messages });
  assert.equal(unknown.status, 404, unknown.text);
  assert.equal(assertErrorShape(unknown.json, 'unknown model at the proxy').code, 'model_not_found');
});

test('the proxy keeps serving after errors (connection reuse)', T, async () => {
  for (let i = 0; i < 3; i++) {
    const r = await viaProxy.completions.create({ model: 'remote', prompt: `again ${i}`, max_tokens: 3, temperature: 0, ignore_eos: true });
    assert.equal(r.usage.completion_tokens, 3);
  }
});

test('upstream killed (SIGKILL) mid-stream: the client stream throws, no hang', { timeout: 90_000 }, async (t) => {
  const stream = await viaProxy.completions.create({
    model: 'remote', prompt: 'a very long answer', max_tokens: 3500, temperature: 0, ignore_eos: true, stream: true,
  });
  let received = 0;
  let killed = false;
  const started = Date.now();
  let error;
  try {
    await withTimeout(collectStream(stream, {
      timeoutMs: 45_000,
      onChunk: async (chunk) => {
        received += 1;
        if (!killed && received >= 3) {
          killed = true;
          await upstream.kill();
        }
      },
    }), 50_000, 'proxied stream after upstream SIGKILL');
  } catch (e) { error = e; }
  assert.ok(killed, `the stream ended after ${received} chunks, before the upstream could be killed`);
  assert.ok(error, `the stream ended without an error after the upstream died (${received} chunks)`);
  t.diagnostic(`client saw ${error.constructor.name} (status ${error.status}): ${error.message}`);
  assert.doesNotMatch(String(error.message), /timed out|did not end/, `hang: ${error.message}`);
  assert.ok(Date.now() - started < 35_000, 'the error took too long');
  assert.equal(upstream.exitSignal, 'SIGKILL');
});

test('upstream down: 502 Bad Gateway with the error shape', T, async () => {
  assert.ok(!upstream.running, 'upstream should be dead by now');
  let error;
  try {
    await viaProxy.chat.completions.create({ model: 'remote', messages, max_tokens: 3 });
  } catch (e) { error = e; }
  assert.ok(error instanceof OpenAI.APIError, `got ${error?.constructor?.name}: ${error?.message}`);
  assert.equal(error.status, 502, `status ${error.status}: ${error.message}`);
  const raw = await postRaw(`${proxy.baseURL}/completions`, { model: 'remote', prompt: 'x', max_tokens: 2, stream: true });
  assert.equal(raw.status, 502, raw.text);
  assertErrorShape(raw.json, 'upstream down');
  // The proxy itself is still up.
  const models = await getRaw(`${proxy.baseURL}/models`);
  assert.equal(models.status, 200);
});
