// Operational endpoints and limits: /health, /v1/models, /tokenize and /detokenize, /metrics
// counting, bearer auth, slow-loris headers, and 429 when the waiting queue is full.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startTinyServer, sleep } from './lib/server.mjs';
import { makeClient, OpenAI, tokenIdPrompt } from './lib/client.mjs';
import { postRaw, getRaw, rawExchange, assertErrorShape } from './lib/http.mjs';
import { fetchMetrics, metricSum, waitForMetrics } from './lib/metrics.mjs';

const T = { timeout: 60_000 };

describe('a plain server', () => {
  let ctx;
  let client;
  let name;
  before(async () => {
    // No --served-model-name: the model is called after its folder.
    ctx = await startTinyServer('health', [], { modelDirName: 'harbour-pilot-7' });
    name = 'harbour-pilot-7';
    client = makeClient(ctx.server);
  });
  after(async () => { await ctx?.stop(); });

  test('/health is 200 with status ok', T, async () => {
    const r = await getRaw(`${ctx.server.origin}/health`);
    assert.equal(r.status, 200);
    assert.equal(r.json?.status, 'ok', r.text);
  });

  test('/v1/models lists the model under its folder name', T, async () => {
    const raw = await getRaw(`${ctx.server.baseURL}/models`);
    assert.equal(raw.status, 200);
    assert.equal(raw.json.object, 'list');
    const models = await client.models.list();
    assert.deepEqual(models.data.map((m) => m.id), [name]);
    const m = models.data[0];
    assert.equal(m.object, 'model');
    assert.equal(typeof m.owned_by, 'string');
    assert.ok(Number.isInteger(m.created));
    const r = await client.completions.create({ model: name, prompt: 'hi', max_tokens: 2 });
    assert.equal(r.model, name);
  });

  test('/tokenize and /detokenize round trip', T, async () => {
    const text = 'Hello harbour, 42 ships!';
    const t = await postRaw(`${ctx.server.origin}/tokenize`, { model: name, prompt: text, add_special_tokens: false });
    assert.equal(t.status, 200, t.text);
    assert.ok(Array.isArray(t.json.tokens) && t.json.tokens.length > 0);
    assert.equal(t.json.count, t.json.tokens.length);
    assert.equal(t.json.max_model_len, ctx.model.config.max_position_embeddings);
    const d = await postRaw(`${ctx.server.origin}/detokenize`, { model: name, tokens: t.json.tokens });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.prompt, text);

    const withBos = await postRaw(`${ctx.server.origin}/tokenize`, { model: name, prompt: text, add_special_tokens: true });
    assert.equal(withBos.json.count, t.json.count + 1);
    assert.equal(withBos.json.tokens[0], ctx.model.config.bos_token_id);
    assert.deepEqual(withBos.json.tokens.slice(1), t.json.tokens);

    const chat = await postRaw(`${ctx.server.origin}/tokenize`, { model: name, messages: [{ role: 'user', content: text }] });
    assert.equal(chat.status, 200, chat.text);
    assert.ok(chat.json.count > t.json.count, 'the chat template adds tokens');
    assert.equal(chat.json.tokens[0], ctx.model.config.bos_token_id);
    // The chat prompt tokens are what a chat completion counts as prompt_tokens.
    const r = await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: text }], max_tokens: 1 });
    assert.equal(r.usage.prompt_tokens, chat.json.count);

    const bad = await postRaw(`${ctx.server.origin}/detokenize`, { model: name, tokens: [1, 999999] });
    assert.equal(bad.status, 400, bad.text);
    assertErrorShape(bad.json, 'detokenize bad id');
    const unknown = await postRaw(`${ctx.server.origin}/tokenize`, { model: 'nope', prompt: 'x' });
    assert.equal(unknown.status, 404);
  });

  test('/metrics counts requests and tokens', T, async () => {
    const before = await fetchMetrics(ctx.server.origin);
    assert.match(before.contentType ?? '', /text\/plain/);
    const r1 = await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'count me' }], max_tokens: 4, temperature: 0, ignore_eos: true });
    const r2 = await client.completions.create({ model: name, prompt: 'and me', max_tokens: 6, temperature: 0, ignore_eos: true });
    const chunks = [];
    for await (const c of await client.completions.create({ model: name, prompt: 'me too', max_tokens: 5, temperature: 0, ignore_eos: true, stream: true, stream_options: { include_usage: true } })) chunks.push(c);
    const u3 = chunks[chunks.length - 1].usage;
    let failed;
    try { await client.chat.completions.create({ model: name, messages: [{ role: 'user', content: 'x' }], temperature: -1 }); } catch (e) { failed = e; }
    assert.equal(failed?.status, 400);

    const after = await fetchMetrics(ctx.server.origin);
    const delta = (metric, labels = {}) => (metricSum(after.samples, metric, labels) ?? 0) - (metricSum(before.samples, metric, labels) ?? 0);
    assert.equal(delta('slipway_requests_total', { route: name, status: '200' }), 3, 'requests_total{status="200"}');
    assert.equal(delta('slipway_requests_total', { route: name, status: '200', finish_reason: 'length' }), 3, 'requests_total{finish_reason="length"}');
    assert.ok(delta('slipway_requests_total', { status: '400' }) >= 1, 'the 400 is counted');
    assert.equal(delta('slipway_prompt_tokens_total', { route: name }), r1.usage.prompt_tokens + r2.usage.prompt_tokens + u3.prompt_tokens);
    assert.equal(delta('slipway_generation_tokens_total', { route: name }), 4 + 6 + 5);
    assert.equal(delta('slipway_e2e_request_latency_seconds_count', { route: name }), 3);
    assert.ok(delta('slipway_time_to_first_token_seconds_count', { route: name }) >= 1, 'TTFT observed');
    assert.ok(delta('slipway_inter_token_latency_seconds_count', { route: name }) >= 1, 'inter-token latency observed');
    for (const metric of ['slipway_requests_total', 'slipway_time_to_first_token_seconds', 'slipway_time_per_output_token_seconds',
      'slipway_inter_token_latency_seconds', 'slipway_e2e_request_latency_seconds', 'slipway_request_queue_time_seconds',
      'slipway_prompt_tokens_total', 'slipway_generation_tokens_total', 'slipway_num_requests_running',
      'slipway_num_requests_waiting', 'slipway_kv_cache_usage_ratio', 'slipway_kv_cache_blocks_used',
      'slipway_kv_cache_blocks_total', 'slipway_preemptions_total', 'slipway_prefix_cache_hits_total']) {
      assert.ok(after.samples.some((s) => s.name === metric || s.name.startsWith(`${metric}_`)), `metric ${metric} missing`);
    }
    // Gauges carry the route and version labels; an idle server has nothing running.
    const running = after.samples.find((s) => s.name === 'slipway_num_requests_running' && s.labels.route === name);
    assert.ok(running, 'slipway_num_requests_running{route=...} missing');
    assert.ok('version' in running.labels, 'version label missing');
    assert.equal(running.value, 0);
    assert.ok(metricSum(after.samples, 'slipway_kv_cache_blocks_total', { route: name }) > 0);
    const ratio = metricSum(after.samples, 'slipway_kv_cache_usage_ratio', { route: name });
    assert.ok(ratio >= 0 && ratio <= 1, `usage ratio ${ratio}`);
  });

  test('slow-loris: headers never finished are cut off, other clients are served meanwhile', { timeout: 60_000 }, async () => {
    const drip = [];
    for (let i = 0; i < 30; i++) drip.push(() => sleep(1_000), `X-Drip-${i}: ${i}\r\n`);
    const loris = rawExchange(ctx.server.port, ['POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n', ...drip], { timeoutMs: 30_000 });
    await sleep(2_000);
    const t0 = Date.now();
    const r = await client.completions.create({ model: name, prompt: 'meanwhile', max_tokens: 3, temperature: 0, ignore_eos: true });
    assert.equal(r.usage.completion_tokens, 3);
    assert.ok(Date.now() - t0 < 5_000, 'a normal request was slowed by the slow client');
    const res = await loris;
    assert.ok(res.closed || res.status === 408, `slow client still connected after ${res.elapsedMs} ms`);
    if (res.status !== undefined) assert.equal(res.status, 408);
    assert.ok(res.elapsedMs >= 8_000 && res.elapsedMs <= 16_000, `cut off after ${res.elapsedMs} ms (header timeout 10 s)`);
    // A request that never sends its body is cut off too (body timeout), the server lives on.
    const health = await getRaw(`${ctx.server.origin}/health`);
    assert.equal(health.status, 200);
  });
});

describe('with SLIPWAY_API_KEY', () => {
  const KEY = 'e2e-key-0123456789';
  let ctx;
  before(async () => {
    ctx = await startTinyServer('auth', ['--served-model-name', 'tiny'], { env: { SLIPWAY_API_KEY: KEY } });
  });
  after(async () => { await ctx?.stop(); });

  test('/v1/*, /tokenize and /detokenize need the key; /health and /metrics are open', T, async () => {
    const o = ctx.server.origin;
    for (const [method, url, body] of [
      ['GET', `${o}/v1/models`],
      ['POST', `${o}/v1/chat/completions`, { model: 'tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: 1 }],
      ['POST', `${o}/v1/completions`, { model: 'tiny', prompt: 'x', max_tokens: 1 }],
      ['POST', `${o}/tokenize`, { model: 'tiny', prompt: 'x' }],
      ['POST', `${o}/detokenize`, { model: 'tiny', tokens: [5] }],
    ]) {
      for (const headers of [{}, { authorization: 'Bearer wrong-key' }, { authorization: KEY }, { authorization: `Basic ${KEY}` }]) {
        const r = method === 'GET' ? await getRaw(url, { headers }) : await postRaw(url, body, { headers });
        assert.equal(r.status, 401, `${method} ${url} with ${JSON.stringify(headers)}: ${r.status} ${r.text}`);
        assertErrorShape(r.json, `401 ${url}`);
      }
      const headers = { authorization: `Bearer ${KEY}` };
      const ok = method === 'GET' ? await getRaw(url, { headers }) : await postRaw(url, body, { headers });
      assert.equal(ok.status, 200, `${method} ${url} with the key: ${ok.status} ${ok.text}`);
    }
    assert.equal((await getRaw(`${o}/health`)).status, 200);
    assert.equal((await getRaw(`${o}/metrics`)).status, 200);
  });

  test('the SDK: AuthenticationError with a wrong key, answers with the right one', T, async () => {
    let error;
    try {
      await makeClient(ctx.server, { apiKey: 'not-the-key' }).chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'x' }] });
    } catch (e) { error = e; }
    assert.ok(error instanceof OpenAI.AuthenticationError, `got ${error?.constructor?.name} ${error?.status}`);
    assert.equal(error.status, 401);
    const r = await makeClient(ctx.server, { apiKey: KEY }).chat.completions.create({ model: 'tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
    assert.equal(r.object, 'chat.completion');
  });
});

describe('a full waiting queue (--max-num-seqs 1 --max-waiting 1)', () => {
  let ctx;
  before(async () => {
    ctx = await startTinyServer('queue', ['--served-model-name', 'tiny', '--max-num-seqs', '1', '--max-waiting', '1']);
  });
  after(async () => { await ctx?.stop(); });

  // 400 + 1600 tokens: fits the default cache of one 2,048-token sequence, runs for seconds.
  function longRequest(controller) {
    return fetch(`${ctx.server.baseURL}/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'tiny', prompt: tokenIdPrompt(400, 9), max_tokens: 1600, temperature: 0, ignore_eos: true }),
      signal: controller.signal,
    }).then(async (r) => ({ status: r.status, text: await r.text() }), (e) => e);
  }

  test('one running, one waiting, the next gets 429; then it serves again', { timeout: 90_000 }, async () => {
    const o = ctx.server.origin;
    const a = new AbortController();
    const b = new AbortController();
    let firstDone;
    let secondDone;
    const first = longRequest(a).then((r) => { firstDone = r; return r; });
    await waitForMetrics(o, (s) => firstDone !== undefined || metricSum(s, 'slipway_num_requests_running') === 1, { what: 'first request running' });
    assert.equal(firstDone, undefined, `the first request ended early: ${JSON.stringify(firstDone)}`);
    const second = longRequest(b).then((r) => { secondDone = r; return r; });
    await waitForMetrics(o, (s) => secondDone !== undefined || metricSum(s, 'slipway_num_requests_waiting') === 1, { what: 'second request waiting' });
    assert.equal(secondDone, undefined, `the second request ended early: ${JSON.stringify(secondDone)}`);

    let error;
    try {
      await makeClient(ctx.server).completions.create({ model: 'tiny', prompt: 'no room', max_tokens: 2 });
    } catch (e) { error = e; }
    assert.ok(error instanceof OpenAI.RateLimitError, `got ${error?.constructor?.name} ${error?.status}: ${error?.message}`);
    assert.equal(error.status, 429);
    const raw = await postRaw(`${ctx.server.baseURL}/chat/completions`, { model: 'tiny', messages: [{ role: 'user', content: 'x' }], max_tokens: 2, stream: true });
    assert.equal(raw.status, 429, raw.text);
    assertErrorShape(raw.json, '429');

    // A burst: every request beyond the queue is refused at once, none hangs.
    const burst = await Promise.all(Array.from({ length: 4 }, () => postRaw(`${ctx.server.baseURL}/completions`, { model: 'tiny', prompt: 'x', max_tokens: 2 }, { timeoutMs: 10_000 })));
    assert.deepEqual(burst.map((r) => r.status), [429, 429, 429, 429]);

    a.abort();
    b.abort();
    await Promise.all([first, second]);
    await waitForMetrics(o, (s) => metricSum(s, 'slipway_num_requests_running') === 0 && metricSum(s, 'slipway_num_requests_waiting') === 0
      && metricSum(s, 'slipway_kv_cache_blocks_used') === 0, { timeoutMs: 60_000, what: 'idle after aborting' });
    const ok = await makeClient(ctx.server).completions.create({ model: 'tiny', prompt: 'room now', max_tokens: 2, ignore_eos: true });
    assert.equal(ok.usage.completion_tokens, 2);
    const m = await fetchMetrics(o);
    assert.ok((metricSum(m.samples, 'slipway_requests_total', { status: '429' }) ?? 0) >= 6, 'the 429s are counted');
  });
});

describe('--request-timeout 1', () => {
  let ctx;
  before(async () => {
    ctx = await startTinyServer('timeout', ['--served-model-name', 'tiny', '--request-timeout', '1']);
  });
  after(async () => { await ctx?.stop(); });

  // About ten seconds of work at one thread: it cannot finish within the 1 s deadline.
  const long = { model: 'tiny', prompt: tokenIdPrompt(1500, 1), max_tokens: 2500, temperature: 0, ignore_eos: true };

  test('a request over the deadline: 504 non-streaming, an error event while streaming, blocks freed', { timeout: 60_000 }, async () => {
    const client = makeClient(ctx.server);
    let t0 = Date.now();
    let error;
    try { await client.completions.create(long); } catch (e) { error = e; }
    assert.ok(error instanceof OpenAI.APIError, `got ${error}`);
    assert.equal(error.status, 504);
    assert.ok(Date.now() - t0 < 6_000, `504 after ${Date.now() - t0} ms`);

    t0 = Date.now();
    const stream = await client.completions.create({ ...long, stream: true });
    let chunks = 0;
    error = undefined;
    try {
      for await (const c of stream) { if (c.choices?.length) chunks += 1; }
    } catch (e) { error = e; }
    assert.ok(error instanceof OpenAI.APIError, `the timed-out stream ended without an error after ${chunks} chunks`);
    assert.match(error.message, /time/i);
    assert.ok(Date.now() - t0 < 6_000, `stream error after ${Date.now() - t0} ms`);
    await waitForMetrics(ctx.server.origin, (s) => metricSum(s, 'slipway_kv_cache_blocks_used') === 0
      && metricSum(s, 'slipway_num_requests_running') === 0, { timeoutMs: 5_000, what: 'blocks freed after the timeouts' });
    const m = await fetchMetrics(ctx.server.origin);
    assert.ok((metricSum(m.samples, 'slipway_requests_total', { finish_reason: 'timeout' }) ?? 0) >= 2, 'timeouts counted');
    const ok = await client.completions.create({ model: 'tiny', prompt: 'quick', max_tokens: 3, ignore_eos: true });
    assert.equal(ok.usage.completion_tokens, 3);
  });
});
