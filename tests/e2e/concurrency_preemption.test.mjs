// Continuous batching under memory pressure: 16 greedy streams (plus 4 seeded sampled ones)
// with different prompt lengths, started at staggered moments, on a KV cache too small for all
// of them, so the scheduler must preempt and recompute. Each must return exactly what it returns
// alone, and slipway_preemptions_total must count at least one preemption.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeTempDir, makeTinyModel, startServer, kvBlockBytes, sleep } from './lib/server.mjs';
import { makeClient, collectStream, streamText, finishReasons, tokenIdPrompt } from './lib/client.mjs';
import { fetchMetrics, metricSum, waitForMetrics } from './lib/metrics.mjs';
import { postRaw } from './lib/http.mjs';

const MODEL = 'tiny';
const MAX_TOKENS = 150;
const KV_BLOCKS = 48;
let tmp;
let model;
let server;
let client;

// 16 greedy requests with prompts of 16..106 token ids, 4 sampled ones with fixed seeds. Each
// needs 11..16 blocks at its end; all together about 260, over five times the cache.
const requests = [
  ...Array.from({ length: 16 }, (_, i) => ({
    name: `greedy-${i}`, greedy: true,
    body: { prompt: tokenIdPrompt(16 + 6 * i, i + 1), temperature: 0 },
  })),
  ...Array.from({ length: 4 }, (_, j) => ({
    name: `seeded-${j}`, greedy: false,
    body: { prompt: tokenIdPrompt(20 + 5 * j, 100 + j), temperature: 1, seed: 500 + j },
  })),
];

before(async () => {
  tmp = makeTempDir('concurrency');
  model = makeTinyModel(path.join(tmp.dir, 'tiny'), { seed: 1 });
  // The cache holds KV_BLOCKS blocks of 16 tokens, sized from the model's config.json.
  const blockBytes = kvBlockBytes(model.config, 16);
  const longest = Math.max(...requests.map((r) => r.body.prompt.length)) + MAX_TOKENS;
  assert.ok(Math.ceil(longest / 16) < KV_BLOCKS / 2, 'one sequence must fit in the cache comfortably');
  const totalNeed = requests.reduce((s, r) => s + Math.ceil((r.body.prompt.length + MAX_TOKENS) / 16), 0);
  assert.ok(totalNeed > 3 * KV_BLOCKS, `the requests need ${totalNeed} blocks: not enough pressure`);
  const kvMb = (KV_BLOCKS * blockBytes) / (1024 * 1024);
  server = await startServer(['--model', model.dir, '--served-model-name', MODEL, '--kv-cache-mb', String(kvMb), '--max-num-seqs', '32']);
  client = makeClient(server, { timeoutMs: 120_000 });
});
after(async () => { await server?.stop(); tmp?.cleanup(); });

function fullBody(r) {
  return { model: MODEL, max_tokens: MAX_TOKENS, ignore_eos: true, ...r.body };
}

test('20 staggered streams under KV pressure return exactly their solo outputs, with preemptions', { timeout: 240_000 }, async (t) => {
  const metrics0 = await fetchMetrics(server.origin);
  const blocksTotal = metricSum(metrics0.samples, 'slipway_kv_cache_blocks_total');
  assert.ok(blocksTotal >= KV_BLOCKS - 2 && blocksTotal <= KV_BLOCKS, `kv blocks total ${blocksTotal}, expected about ${KV_BLOCKS}`);

  // Alone, one at a time. Random weights make greedy text loop on a few tokens for some
  // prompts: a greedy slot whose answer has fewer than 10 distinct tokens takes another prompt of
  // the same length (a fixed sequence of seeds, so the choice is deterministic).
  const distinctTokens = async (text) => {
    const tok = await postRaw(`${server.origin}/tokenize`, { model: MODEL, prompt: text, add_special_tokens: false });
    assert.equal(tok.status, 200, tok.text);
    return new Set(tok.json.tokens).size;
  };
  const solo = [];
  for (const r of requests) {
    for (let attempt = 0; ; attempt++) {
      const res = await client.completions.create(fullBody(r));
      assert.equal(res.usage.completion_tokens, MAX_TOKENS, `${r.name} solo completion_tokens`);
      assert.equal(res.usage.prompt_tokens, r.body.prompt.length, `${r.name} solo prompt_tokens`);
      assert.equal(res.choices[0].finish_reason, 'length');
      const text = res.choices[0].text;
      const distinct = await distinctTokens(text);
      if (distinct >= 10) {
        solo.push(text);
        break;
      }
      assert.ok(r.greedy && attempt < 10, `${r.name}: only ${distinct} distinct tokens in ${JSON.stringify(text)}`);
      r.body.prompt = tokenIdPrompt(r.body.prompt.length, 1000 * (attempt + 1) + requests.indexOf(r));
    }
  }
  assert.ok(new Set(solo.slice(0, 16)).size === 16, 'greedy outputs of different prompts should differ');

  const before = await fetchMetrics(server.origin);
  const preemptionsBefore = metricSum(before.samples, 'slipway_preemptions_total') ?? 0;

  // All together, each started at its own moment within ~100 ms (a few ms apart, so they
  // overlap even on a fast machine).
  const order = requests.map((_, i) => i).sort((a, b) => ((a * 7) % 20) - ((b * 7) % 20));
  let peakWaiting = 0;
  let peakUsed = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      try {
        const m = await fetchMetrics(server.origin);
        peakWaiting = Math.max(peakWaiting, metricSum(m.samples, 'slipway_num_requests_waiting') ?? 0);
        peakUsed = Math.max(peakUsed, metricSum(m.samples, 'slipway_kv_cache_blocks_used') ?? 0);
      } catch { /* keep polling */ }
      await sleep(20);
    }
  })();
  const results = await Promise.all(order.map(async (i, k) => {
    await sleep(k * 5);
    const stream = await client.completions.create({ ...fullBody(requests[i]), stream: true, stream_options: { include_usage: true } });
    const chunks = await collectStream(stream, { timeoutMs: 180_000 });
    return { i, chunks };
  }));
  polling = false;
  await poller;

  const mismatches = [];
  for (const { i, chunks } of results) {
    const r = requests[i];
    const text = streamText(chunks);
    const usage = chunks[chunks.length - 1].usage;
    assert.equal(usage?.completion_tokens, MAX_TOKENS, `${r.name} concurrent completion_tokens`);
    assert.deepEqual(finishReasons(chunks), { 0: 'length' }, `${r.name} finish_reason`);
    if (text !== solo[i]) mismatches.push(`${r.name} (prompt ${r.body.prompt.length} ids):\n  solo:       ${JSON.stringify(solo[i])}\n  concurrent: ${JSON.stringify(text)}`);
  }
  assert.deepEqual(mismatches, [], `outputs differ from their solo runs:\n${mismatches.join('\n')}`);

  const afterM = await fetchMetrics(server.origin);
  const preemptions = (metricSum(afterM.samples, 'slipway_preemptions_total') ?? 0) - preemptionsBefore;
  assert.ok(preemptions >= 1, `no preemption counted (peak blocks used ${peakUsed}/${blocksTotal}, peak waiting ${peakWaiting})`);
  t.diagnostic(`preemptions ${preemptions}, peak blocks used ${peakUsed}/${blocksTotal}, peak waiting ${peakWaiting}`);
  assert.ok(peakUsed <= blocksTotal, `blocks used ${peakUsed} above total ${blocksTotal}`);

  // Everything is released afterwards.
  await waitForMetrics(server.origin, (s) => metricSum(s, 'slipway_kv_cache_blocks_used') === 0
    && metricSum(s, 'slipway_num_requests_running') === 0 && metricSum(s, 'slipway_num_requests_waiting') === 0,
  { timeoutMs: 10_000, what: 'idle after the burst' });
});
