// The judge end to end: a small OpenAI-compatible judge server (lib/judge_server.mjs, standing
// for a hosted judge model) is configured as the upstream judge of a route. Its answers in the
// formats judges use become scores, nonsense and timeouts are counted (never guessed), the
// quality trend falls below a pinned baseline for three windows and the quality alert fires
// (stored with its evidence, posted to a webhook), then clears and resolves. A shadow version
// is judged pairwise in both orders: a consistent preference is a verdict, an
// order-dependent one a tie.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, sleep, startServer, tinyModelFolder, waitFor as waitForLib } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';
import { adminCall } from './lib/http.mjs';
import { checkScrapeAgainstDeployList, fetchMetrics, metricSum } from './lib/metrics.mjs';
import { registerVersion } from './lib/registry.mjs';
import { startJudgeServer } from './lib/judge_server.mjs';

const T = { timeout: 240_000 };
const ROUTE = 'assistant';
const WINDOW_S = 2;
let tmp;
let judge;
let server;

const admin = (method, pathname, body) => adminCall(server.origin, method, pathname, body);

// Chats on the route until stop() (one at a time: the windows need answers all along).
function steadyLoad() {
  let running = true;
  let sent = 0;
  const failures = [];
  const client = makeClient(server);
  const done = (async () => {
    while (running) {
      try {
        await client.chat.completions.create({
          model: ROUTE,
          messages: [{ role: 'user', content: `question ${sent}` }],
          max_tokens: 4 + (sent % 5),
        });
      } catch (e) {
        failures.push(String(e));
      }
      sent += 1;
      await sleep(60);
    }
  })();
  return {
    failures,
    get sent() { return sent; },
    async stop() { running = false; await done; },
  };
}

async function judgeCounts() {
  const m = (await fetchMetrics(server.origin)).samples;
  const count = (outcome) => metricSum(m, 'slipway_judge_requests_total', { route: ROUTE, outcome }) ?? 0;
  return { scored: count('scored'), unparsable: count('unparsable'), failed: count('failed'), samples: m };
}

// The harness's waitFor with this file's server log in its error.
const waitFor = (what, check, timeoutMs = 60_000) =>
  waitForLib(what, check, timeoutMs, { intervalMs: 200, context: () => server.log() });

before(async () => {
  judge = await startJudgeServer();
  tmp = makeTempDir('monitor-judge');
  const dataDir = path.join(tmp.dir, 'data');
  const folder = tinyModelFolder(path.join(tmp.dir, 'm1'), { seed: 1 });
  assert.equal(registerVersion(dataDir, 'helper', ['--path', folder], 'one'), 1);
  assert.equal(registerVersion(dataDir, 'helper', ['--path', tinyModelFolder(path.join(tmp.dir, 'm2'), { seed: 2 })], 'two'), 2);
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server: {host: 127.0.0.1, port: 0}',
    'models:',
    '  - {name: helper, version: helper/1}',
    'routes:',
    `  - {name: ${ROUTE}, stable: helper/1}`,
    'monitoring:',
    '  evaluate_every_seconds: 0.3',
    '  judge:',
    `    upstream: {base_url: "${judge.origin}/v1", model: judge-x}`,
    '    sample_rate: 1',
    '    pair_rate: 1',
    '    timeout_seconds: 1',
    '    concurrency: 4',
    '  quality:',
    `    window_seconds: ${WINDOW_S}`,
    '    windows: 3',
    '    min_samples: 3',
    '    baseline: 8',
    '  alerts:',
    '    rules:',
    '      - {name: judged-quality, kind: quality}',
    `    webhooks: [{url: "${judge.origin}/hook"}]`,
    '',
  ].join('\n'));
  server = await startServer(['--config', config, '--data', dataDir]);
});

after(async () => {
  await server?.stop();
  await judge?.stop();
  tmp?.cleanup();
});

test('judge answers in every format are scored; nonsense and timeouts are counted, not guessed', T, async () => {
  judge.script(['Rating: [[8]]', '[[9]]', '{"score": 8}', 'Score: 9/10',
    'I am unable to rate this response.', '__timeout__', '__500__', '8']);
  const client = makeClient(server);
  for (let i = 0; i < 16; i += 1) {
    const answer = await client.chat.completions.create({
      model: ROUTE, messages: [{ role: 'user', content: `hello ${i}` }], max_tokens: 5,
    });
    assert.equal(answer.choices.length, 1);
  }
  // 16 answers, each judged once: 10 scored, 2 unparsable, 4 failed (2 timeouts, 2 errors).
  const counts = await waitFor('every answer judged', async () => {
    const c = await judgeCounts();
    return c.scored + c.unparsable + c.failed >= 16 ? c : null;
  });
  assert.deepEqual([counts.scored, counts.unparsable, counts.failed], [10, 2, 4]);
  assert.equal(judge.state.scoreCalls, 16);
  // Scores are a histogram per route and version: 10 of them, mean 8.4.
  const sum = metricSum(counts.samples, 'slipway_judge_score_sum', { route: ROUTE, version: 'helper/1' });
  const n = metricSum(counts.samples, 'slipway_judge_score_count', { route: ROUTE, version: 'helper/1' });
  assert.equal(n, 10);
  assert.ok(Math.abs(sum / n - 8.4) < 1e-9, `mean ${sum / n}`);
  // What deploy/'s rules and dashboard expect is what the server exports.
  checkScrapeAgainstDeployList((await fetchMetrics(server.origin)).text);
  const quality = await admin('GET', `/quality?route=${ROUTE}`);
  assert.equal(quality.status, 200, JSON.stringify(quality.json));
  const trend = quality.json.data.find((t) => t.version === 'helper/1');
  assert.ok(trend, JSON.stringify(quality.json));
  assert.equal(trend.baseline, 8);
});

test('three windows below the baseline fire the quality alert; good windows resolve it', T, async () => {
  const load = steadyLoad();
  try {
    judge.script(['Rating: [[3]]']);
    const alert = await waitFor('the quality alert fires', async () => {
      const r = await admin('GET', `/alerts?route=${ROUTE}&kind=quality&state=active`);
      return r.json.data[0];
    }, 90_000);
    assert.equal(alert.rule, 'judged-quality');
    assert.equal(alert.version, 'helper/1');
    assert.equal(alert.evidence.consecutive_below >= 3, true, JSON.stringify(alert.evidence));
    assert.equal(alert.evidence.baseline, 8);
    const below = alert.evidence.points.filter((p) => p.below);
    // The first bad window may still hold earlier, better scores; each is under 8 - 5%.
    assert.ok(below.length >= 3, JSON.stringify(alert.evidence));
    assert.ok(below.every((p) => p.threshold === 7.6 && p.mean < 7.6), JSON.stringify(alert.evidence));
    assert.equal(below.at(-1).mean, 3, JSON.stringify(alert.evidence));
    const hook = await waitFor('the webhook got the alert', async () =>
      judge.state.hooks.find((h) => h.body.event === 'fired' && h.body.alert.id === alert.id));
    assert.equal(hook.body.alert.kind, 'quality');

    judge.script(['Rating: [[9]]']);
    const resolved = await waitFor('the alert resolves', async () => {
      const r = await admin('GET', `/alerts/${alert.id}`);
      return r.json.state === 'resolved' ? r.json : null;
    }, 60_000);
    assert.match(resolved.resolution, /cleared/);
    await waitFor('the webhook got the resolution', async () =>
      judge.state.hooks.find((h) => h.body.event === 'resolved' && h.body.alert.id === alert.id));
    // Deduplicated while active: one alert for the whole bad stretch.
    const all = await admin('GET', `/alerts?route=${ROUTE}&kind=quality`);
    assert.equal(all.json.data.length, 1, JSON.stringify(all.json));
  } finally {
    await load.stop();
  }
  assert.deepEqual(load.failures, [], 'no user request failed while the judge worked');
});

test('shadow pairs are judged in both orders: a consistent preference wins, an order bias ties', T, async () => {
  judge.script(['Rating: [[8]]'], 'longer');
  let r = await admin('PATCH', `/routes/${ROUTE}`, { shadows: ['helper/2'] });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const client = makeClient(server);
  const ask = async (n) => {
    for (let i = 0; i < n; i += 1) {
      await client.chat.completions.create({
        model: ROUTE, messages: [{ role: 'user', content: `compare ${i}` }], max_tokens: 3 + (i % 7),
      });
    }
  };
  await ask(8);
  const decided = await waitFor('pairs judged', async () => {
    const p = await admin('GET', `/routes/${ROUTE}/judge-pairs`);
    return p.json.data.length >= 8 ? p.json.data : null;
  });
  for (const pair of decided) {
    assert.equal(pair.shadow_version, 'helper/2');
    assert.ok(['primary', 'shadow', 'tie'].includes(pair.verdict), JSON.stringify(pair));
  }
  assert.ok(decided.some((p) => p.verdict !== 'tie'), 'a length preference is consistent in both orders');

  judge.script(['Rating: [[8]]'], 'first');
  const before = decided.length;
  await ask(6);
  const biased = await waitFor('biased pairs judged', async () => {
    const p = await admin('GET', `/routes/${ROUTE}/judge-pairs?limit=1000`);
    return p.json.data.length >= before + 6 ? p.json.data.slice(0, p.json.data.length - before) : null;
  });
  assert.ok(biased.every((p) => p.verdict === 'tie'), JSON.stringify(biased.map((p) => p.verdict)));
  r = await admin('PATCH', `/routes/${ROUTE}`, { shadows: null });
  assert.equal(r.status, 200);
});
