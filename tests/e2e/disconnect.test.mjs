// A client that goes away mid-request must free its sequence: slipway_kv_cache_blocks_used
// returns to 0 long before the generation would have finished, and the server keeps serving.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTinyServer } from './lib/server.mjs';
import { makeClient, collectStream, tokenIdPrompt } from './lib/client.mjs';
import { fetchMetrics, metricSum, waitForMetrics } from './lib/metrics.mjs';
import { rawExchange, rawRequestBytes } from './lib/http.mjs';

const MODEL = 'tiny';
let ctx;
let client;
const T = { timeout: 90_000 };

// A long prompt makes every decode step attend over many positions: a full answer would take
// many seconds, so blocks back to 0 within RELEASE_MS means the request was cancelled.
const PROMPT = tokenIdPrompt(1500, 42);
const MAX_TOKENS = 2500;
const RELEASE_MS = 5_000;

before(async () => {
  ctx = await startTinyServer('disconnect', ['--served-model-name', MODEL]);
  client = makeClient(ctx.server);
});
after(async () => { await ctx?.stop(); });

async function gauges() {
  const { samples } = await fetchMetrics(ctx.server.origin);
  return {
    used: metricSum(samples, 'slipway_kv_cache_blocks_used'),
    running: metricSum(samples, 'slipway_num_requests_running'),
    generated: metricSum(samples, 'slipway_generation_tokens_total') ?? 0,
  };
}

async function expectReleased(what) {
  const t0 = Date.now();
  await waitForMetrics(ctx.server.origin, (s) => metricSum(s, 'slipway_kv_cache_blocks_used') === 0
    && metricSum(s, 'slipway_num_requests_running') === 0, { timeoutMs: RELEASE_MS, what: `${what}: blocks freed` });
  return Date.now() - t0;
}

async function stillServes() {
  const r = await client.completions.create({ model: MODEL, prompt: 'after the disconnect', max_tokens: 5, temperature: 0, ignore_eos: true });
  assert.equal(r.usage.completion_tokens, 5);
  assert.equal(r.choices[0].finish_reason, 'length');
}

test('idle server holds no blocks', T, async () => {
  const g = await gauges();
  assert.equal(g.used, 0);
  assert.equal(g.running, 0);
});

test('SDK stream aborted mid-way frees its KV blocks', T, async () => {
  const stream = await client.completions.create({
    model: MODEL, prompt: PROMPT, max_tokens: MAX_TOKENS, temperature: 0, ignore_eos: true, stream: true,
  });
  let during;
  const chunks = await collectStream(stream, {
    timeoutMs: 60_000,
    onChunk: async (chunk, s) => {
      if (during === undefined && (chunk.choices[0]?.text ?? '').length > 0) {
        during = await gauges();
        s.controller.abort();
      }
    },
  });
  assert.ok(during, `no text chunk before the stream ended (${chunks.length} chunks)`);
  assert.ok(during.used >= Math.ceil(PROMPT.length / 16), `mid-stream blocks used ${during.used}`);
  assert.equal(during.running, 1);
  await expectReleased('SDK abort');
  const g = await gauges();
  assert.ok(g.generated - during.generated < MAX_TOKENS / 2, `generation went on after the abort (${g.generated - during.generated} tokens)`);
  await stillServes();
});

test('raw socket closed mid-stream frees its KV blocks', T, async () => {
  const body = JSON.stringify({ model: MODEL, prompt: PROMPT, max_tokens: MAX_TOKENS, temperature: 0, ignore_eos: true, stream: true });
  const bytes = rawRequestBytes('POST', '/v1/completions', body, { 'Content-Type': 'application/json' });
  // Write the request, let the stream run for 1.5 s, then hang up (rawExchange's timeout).
  const res = await rawExchange(ctx.server.port, [bytes], { timeoutMs: 1_500 });
  assert.equal(res.status, 200, `no stream started: ${res.raw.toString('utf8').slice(0, 300)}`);
  assert.match(res.raw.toString('utf8'), /data: \{/);
  assert.notEqual(res.closed, true, 'the server closed the stream before the client did');
  await expectReleased('raw socket close');
  await stillServes();
});

test('non-streaming request abandoned by its client frees its KV blocks', T, async () => {
  const controller = new AbortController();
  const pending = fetch(`${ctx.server.baseURL}/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, prompt: PROMPT, max_tokens: MAX_TOKENS, temperature: 0, ignore_eos: true }),
    signal: controller.signal,
  }).catch((e) => e);
  // Wait until it is running, then give up on it.
  await waitForMetrics(ctx.server.origin, (s) => metricSum(s, 'slipway_num_requests_running') === 1
    && metricSum(s, 'slipway_kv_cache_blocks_used') > 0, { timeoutMs: 10_000, what: 'request running' });
  controller.abort();
  const outcome = await pending;
  assert.ok(outcome instanceof Error, 'the request finished before it was abandoned: make it longer');
  await expectReleased('abandoned non-streaming request');
  await stillServes();
});

test('many aborted streams in a row leave nothing behind', T, async () => {
  for (let i = 0; i < 5; i++) {
    const stream = await client.chat.completions.create({
      model: MODEL, messages: [{ role: 'user', content: `abort me ${i}` }], max_tokens: MAX_TOKENS, temperature: 0, ignore_eos: true, stream: true,
    });
    await collectStream(stream, { timeoutMs: 30_000, onChunk: (_c, s) => s.controller.abort() });
  }
  await expectReleased('5 aborted chat streams');
  await stillServes();
});
