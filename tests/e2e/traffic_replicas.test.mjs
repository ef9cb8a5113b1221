// Two `slipway serve` replicas on one PostgreSQL store: a rollout completed and a rollback done
// through replica A are applied by replica B within 2 seconds (LISTEN/NOTIFY), and B's
// controller never applies a transition twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, startServer, sleep, tinyModelFolder } from './lib/server.mjs';
import { freshPostgresUrl } from './lib/postgres.mjs';
import { runSlipway, slipwayOk } from './lib/registry.mjs';

const T = { timeout: 180_000 };
const ROUTE = 'shared-route';
let tmp;
let replicas;

async function versionAnswering(server) {
  const res = await fetch(`${server.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: ROUTE, messages: [{ role: 'user', content: 'hi' }], max_tokens: 1 }),
    signal: AbortSignal.timeout(30_000),
  });
  await res.arrayBuffer();
  assert.equal(res.status, 200);
  return res.headers.get('x-slipway-version');
}

// Polls `server` until it answers with `version`; returns how long that took.
async function waitForVersion(server, version, since) {
  for (;;) {
    if (await versionAnswering(server) === version) return Date.now() - since;
    if (Date.now() - since > 10_000) throw new Error(`${server.origin} never answered with ${version}`);
    await sleep(20);
  }
}

before(async () => {
  tmp = makeTempDir('traffic-replicas');
  const url = await freshPostgresUrl('traffic_replicas');
  for (const [seed, label] of [[1, 'one'], [2, 'two']]) {
    slipwayOk(['models', 'register', 'support', '--path',
      tinyModelFolder(path.join(tmp.dir, `m${seed}`), { seed }), '--label', label, '--store', url]);
  }
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server: {host: 127.0.0.1, port: 0}',
    'routes:',
    `  - {name: ${ROUTE}, stable: support/1}`,
    '',
  ].join('\n'));
  const args = ['--config', config, '--store', url];
  replicas = [await startServer(args)];
  replicas.push(await startServer(args));  // after A created the route
});

after(async () => {
  for (const server of replicas ?? []) await server.stop();
  tmp?.cleanup();
});

test('a completed rollout and a rollback through one replica reach the other within 2 s', T, async () => {
  const [a, b] = replicas;
  assert.equal(await versionAnswering(b), 'support/1');
  const post = (p, body) => fetch(`${a.origin}/admin/v1/routes/${ROUTE}${p}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  let r = await post('/rollout', { canary: 'support/2', steps: [50, 100] });
  assert.equal(r.status, 201, await r.text());
  // B loads the canary when it learns of the rollout; the bound below is about applying a
  // switch, so wait for that load first.
  for (let i = 0; ; i += 1) {
    const served = await (await fetch(`${b.origin}/admin/v1/served`)).json();
    if (served.data.some((m) => m.version === 'support/2')) break;
    assert.ok(i < 600, 'B loaded the canary');
    await sleep(50);
  }
  r = await post('/rollout/promote', {});
  assert.equal(r.status, 200, await r.text());
  const promoted = Date.now();
  assert.ok(await waitForVersion(b, 'support/2', promoted) < 2_000, 'B applied the completion in time');

  const rolled = runSlipway(['rollback', ROUTE, '--server', a.origin], { timeout: 30_000 });
  assert.equal(rolled.status, 0, rolled.stderr);
  const returned = Date.now();
  assert.equal(await versionAnswering(a), 'support/1', 'A switched before the command returned');
  const took = await waitForVersion(b, 'support/1', returned);
  assert.ok(took < 2_000, `B applied the rollback after ${took} ms`);

  const events = await (await fetch(`${b.origin}/admin/v1/routes/${ROUTE}/events`)).json();
  const kinds = events.data.map((e) => e.kind);
  assert.equal(kinds.filter((k) => k === 'completed').length, 1, kinds.join(','));
  assert.equal(kinds.filter((k) => k === 'rollback').length, 1, kinds.join(','));
});
