// Two `slipway serve` replicas on one PostgreSQL store, as behind a load balancer: an answer
// served by replica A and rated at once through replica B. A still holds the answer in its
// response log's queue (a long flush interval makes that certain), so B must not answer 404:
// it looks again after the flush interval, and the feedback lands. An id no replica served is
// still a 404, after that grace.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, makeTinyModel, startServer } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';
import { postRaw, assertErrorShape } from './lib/http.mjs';
import { freshPostgresUrl } from './lib/postgres.mjs';

const T = { timeout: 120_000 };
const FLUSH_MS = 1500;
let tmp;
let replicas;

before(async () => {
  tmp = makeTempDir('feedback-replicas');
  const model = makeTinyModel(path.join(tmp.dir, 'tiny'), { seed: 1 }).dir;
  const url = await freshPostgresUrl('feedback_replicas');
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, `server:\n  host: 127.0.0.1\n  port: 0\nfeedback:\n  flush_interval_ms: ${FLUSH_MS}\n`);
  const args = ['--config', config, '--model', model, '--served-model-name', 'tiny', '--store', url];
  replicas = [await startServer(args)];
  replicas.push(await startServer(args));  // after A migrated the tables
});

after(async () => {
  for (const server of replicas ?? []) await server.stop();
  tmp?.cleanup();
});

test('feedback through one replica on an answer another replica still holds in its queue', T, async () => {
  const [a, b] = replicas;
  const answer = await makeClient(a).chat.completions.create({
    model: 'tiny', messages: [{ role: 'user', content: 'Hello?' }], max_tokens: 2, ignore_eos: true,
  });
  const started = Date.now();
  const r = await postRaw(`${b.baseURL}/feedback`, { id: answer.id, rating: 1, user: 'u-1' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, answer.id);
  // B found it only after A's batch was written: the grace was used, not skipped.
  assert.ok(Date.now() - started < FLUSH_MS + 5_000, 'within the flush interval and the grace');

  const shown = await fetch(`${a.origin}/admin/v1/feedback/responses/${answer.id}`);
  assert.equal(shown.status, 200);
  const body = await shown.json();
  assert.equal(body.ratings.length, 1);
  assert.equal(body.ratings[0].rating, 1);
});

test('an id no replica served is a 404 after the grace', T, async () => {
  const started = Date.now();
  const r = await postRaw(`${replicas[1].baseURL}/feedback`, { id: 'chatcmpl-nobody', rating: -1 });
  assert.equal(r.status, 404, r.text);
  assert.equal(assertErrorShape(r.json, 'unknown id').code, 'response_not_found');
  assert.ok(Date.now() - started >= FLUSH_MS, 'a second look after the flush interval');
});
