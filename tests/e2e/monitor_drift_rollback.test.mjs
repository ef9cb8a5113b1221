// Drift end to end: a route whose canary is the stable version's weights with
// generation_config.json `max_new_tokens: 4`, so its answers are cut short. Under continuous
// load the drift detectors compare the canary with the stable arm over the same window: the
// output-length PSI and the finish-reason mix cross their critical thresholds, the alert
// fires with those figures as evidence, and its action rolls the route back to the stable
// version on its own, while no user request fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, sleep, startServer, tinyModelFolder } from './lib/server.mjs';
import { adminCall } from './lib/http.mjs';
import { checkScrapeAgainstDeployList, fetchMetrics, metricSum } from './lib/metrics.mjs';
import { registerVersion } from './lib/registry.mjs';

const T = { timeout: 240_000 };
const ROUTE = 'customer-support';
let tmp;
let server;

const admin = (method, pathname, body) => adminCall(server.origin, method, pathname, body);

// Random weights rarely pick the two real end tokens: a twentieth of the vocabulary ends an
// answer too, so the stable version stops at varied lengths (and sometimes hits its limit).
function withGenerationConfig(folder, maxNewTokens) {
  const file = path.join(folder, 'generation_config.json');
  const config = JSON.parse(fs.readFileSync(file, 'utf8'));
  const ends = [...config.eos_token_id];
  for (let id = 0; id < 1000; id += 20) ends.push(id);
  config.eos_token_id = ends;
  config.max_new_tokens = maxNewTokens;
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return folder;
}

// Chats without max_tokens (the version's generation config decides), from several users.
function steadyLoad(concurrency) {
  let running = true;
  const results = [];
  const workers = Array.from({ length: concurrency }, (_, w) => (async () => {
    let n = 0;
    while (running) {
      const user = `user-${w}-${n % 40}`;
      n += 1;
      try {
        const res = await fetch(`${server.origin}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-user-id': user },
          body: JSON.stringify({ model: ROUTE, messages: [{ role: 'user', content: `help me with order ${n}` }] }),
          signal: AbortSignal.timeout(60_000),
        });
        const body = await res.json();
        results.push({ status: res.status, version: res.headers.get('x-slipway-version'), at: Date.now(), body });
      } catch (e) {
        results.push({ status: 0, error: String(e), at: Date.now() });
      }
    }
  })());
  return { results, async stop() { running = false; await Promise.all(workers); } };
}

before(async () => {
  tmp = makeTempDir('monitor-drift');
  const dataDir = path.join(tmp.dir, 'data');
  const stable = withGenerationConfig(tinyModelFolder(path.join(tmp.dir, 'stable'), { seed: 1 }), 64);
  const canary = withGenerationConfig(tinyModelFolder(path.join(tmp.dir, 'canary'), { seedDir: stable }), 4);
  assert.equal(registerVersion(dataDir, 'support', ['--path', stable], 'full'), 1);
  assert.equal(registerVersion(dataDir, 'support', ['--path', canary], 'truncated'), 2);
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server: {host: 127.0.0.1, port: 0}',
    'models:',
    '  - {name: support, version: support/1}',
    'routes:',
    `  - {name: ${ROUTE}, stable: support/1}`,
    'traffic: {standby_versions: 1}',
    'monitoring:',
    '  evaluate_every_seconds: 0.5',
    '  drift: {slot_seconds: 1, window_seconds: 6, min_answers: 30, flush_seconds: 0.5}',
    '  alerts:',
    '    rules:',
    '      - {name: canary-drift, kind: drift, arms: [canary], min_severity: critical, action: rollback}',
    '',
  ].join('\n'));
  server = await startServer(['--config', config, '--data', dataDir]);
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

test('a truncating canary drifts, the alert fires and rolls the route back; no request fails', T, async () => {
  const started = await admin('POST', `/routes/${ROUTE}/rollout`, {
    canary: 'support/2',
    steps: [{ weight: 50, min_duration: '1d', min_requests: 1_000_000 }, 100],
    reason: 'try the shorter answers',
  });
  assert.equal(started.status, 201, JSON.stringify(started.json));
  const load = steadyLoad(4);
  let alert;
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await admin('GET', `/alerts?route=${ROUTE}&kind=drift`);
      alert = r.json.data.find((a) => a.rule === 'canary-drift');
      if (alert && alert.action_result) break;
      assert.ok(Date.now() < deadline, `no drift alert acted within 120 s:\n${server.log()}`);
      await sleep(250);
    }
    // Requests admitted after the rollback are all the stable version's.
    const rolledBackAt = Date.now();
    await sleep(1_500);
    const after = load.results.filter((r) => r.at > rolledBackAt + 200);
    assert.ok(after.length > 5, `only ${after.length} answers after the rollback`);
    assert.ok(after.every((r) => r.version === 'support/1'), JSON.stringify(after.map((r) => r.version)));
  } finally {
    await load.stop();
  }

  assert.equal(alert.version, 'support/2');
  assert.equal(alert.severity, 'critical');
  assert.equal(alert.action, 'rollback');
  assert.match(alert.action_result, /rolled back to support\/1/);
  const checks = Object.fromEntries(alert.evidence.checks.map((c) => [c.name, c]));
  assert.equal(checks.length_psi?.state, 'critical', JSON.stringify(alert.evidence.checks));
  assert.ok(checks.length_psi.value >= 0.2, `PSI ${checks.length_psi.value}`);
  assert.equal(checks.finish_reasons?.state, 'critical', JSON.stringify(alert.evidence.checks));

  // The route serves the stable version alone; the rollout ended and says why.
  const route = await admin('GET', `/routes/${ROUTE}`);
  assert.equal(route.json.stable, 'support/1');
  assert.equal(route.json.canary, null);
  const events = await admin('GET', `/routes/${ROUTE}/events`);
  assert.ok(events.json.data.some((e) => e.actor === 'monitor'), JSON.stringify(events.json.data.slice(0, 5)));

  // Both arms answered, and not one user request failed.
  const failed = load.results.filter((r) => r.status !== 200);
  assert.deepEqual(failed, [], 'failed user requests');
  const versions = new Set(load.results.map((r) => r.version));
  assert.ok(versions.has('support/2') && versions.has('support/1'));
  const canaryAnswers = load.results.filter((r) => r.version === 'support/2');
  assert.ok(canaryAnswers.every((r) => r.body.usage.completion_tokens <= 4));

  // The drift figures are metrics too, and the alert is listed as active.
  const scrape = await fetchMetrics(server.origin);
  checkScrapeAgainstDeployList(scrape.text);
  const m = scrape.samples;
  assert.ok((metricSum(m, 'slipway_drift_statistic', { route: ROUTE, version: 'support/2', check: 'length_psi' }) ?? 0) >= 0.2);
  assert.equal(metricSum(m, 'slipway_alerts_active', { rule: 'canary-drift', route: ROUTE, version: 'support/2' }), 1);
});
