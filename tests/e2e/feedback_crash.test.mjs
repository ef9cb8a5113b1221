// "Durable before 200" under a crash: 1,000 answers, then a burst of 1,000 feedback posts (64
// at a time, each on its own answer), and `kill -9` of the server once ~500 posts got their 200.
// Every post that got a 200 must be in the KTO export read afterwards from the data folder, with
// its label, and the store must pass its integrity check.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BINARY, makeTempDir, makeTinyModel, startServer } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';

const T = { timeout: 280_000 };
const ANSWERS = 1000;
const ANSWER_CONCURRENCY = 16;
const POST_CONCURRENCY = 64;
const KILL_AFTER = 500;
const MODEL = 'tiny';
let tmp;
let server;

after(async () => {
  await server?.kill();
  tmp?.cleanup();
});

function slipwayOk(args) {
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `slipway ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r;
}

// Runs worker(i) for i in [0, n) with `concurrency` at a time; stops taking new work when
// stop() says so.
async function pool(n, concurrency, worker, stop = () => false) {
  let next = 0;
  const run = async () => {
    while (next < n && !stop()) await worker(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, run));
}

const ratingOf = (i) => (i % 3 === 0 ? -1 : 1);

test('every feedback post that got a 200 survives kill -9', T, async (t) => {
  tmp = makeTempDir('feedback-crash');
  const data = path.join(tmp.dir, 'data');
  const model = makeTinyModel(path.join(tmp.dir, 'tiny'), { seed: 3 }).dir;
  server = await startServer(['--model', model, '--served-model-name', MODEL, '--data', data]);

  // 1,000 answers to unique prompts.
  const client = makeClient(server);
  const answers = new Array(ANSWERS);
  await pool(ANSWERS, ANSWER_CONCURRENCY, async (i) => {
    const r = await client.chat.completions.create({
      model: MODEL, max_tokens: 2, ignore_eos: true, temperature: 0,
      messages: [{ role: 'user', content: `Question number ${i}: what is ${i} plus ${i}?` }],
    });
    answers[i] = { id: r.id, text: r.choices[0].message.content };
  });
  assert.equal(new Set(answers.map((a) => a.id)).size, ANSWERS, 'every answer has its own id');

  // The burst, killed mid-way: the kill happens in the handler of the KILL_AFTER-th 200, so
  // every 200 counted below arrived before it.
  const acked = new Map();  // id -> rating
  let killed = false;
  let failedBeforeKill = 0;
  const url = `${server.baseURL}/feedback`;
  await pool(ANSWERS, POST_CONCURRENCY, async (i) => {
    const { id } = answers[i];
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, rating: ratingOf(i), user: `user-${i % 7}` }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = await res.text();
      if (killed) return;
      if (res.status !== 200) {
        failedBeforeKill++;
        assert.fail(`feedback ${i} answered ${res.status} before the kill: ${body}`);
      }
      acked.set(id, ratingOf(i));
      if (acked.size >= KILL_AFTER) {
        killed = true;
        server.proc.kill('SIGKILL');
      }
    } catch (e) {
      if (!killed) throw e;  // after the kill, posts in flight fail: expected
    }
  }, () => killed);
  const { signal } = await server.exited;
  assert.equal(signal, 'SIGKILL');
  assert.equal(failedBeforeKill, 0);
  assert.ok(acked.size >= KILL_AFTER && acked.size < ANSWERS, `acked ${acked.size}`);

  // Read back directly from the data folder, as after a crash.
  const out = path.join(tmp.dir, 'kto.jsonl');
  slipwayOk(['feedback', 'export', '--format', 'kto', '--with-metadata', '--data', data, '--out', out]);
  const exported = new Map();
  for (const line of fs.readFileSync(out, 'utf8').split('\n').filter(Boolean)) {
    const row = JSON.parse(line);
    assert.equal(typeof row.label, 'boolean');
    assert.ok(row.slipway?.id, `row without metadata: ${line}`);
    assert.ok(!exported.has(row.slipway.id), `one row per answer: ${row.slipway.id}`);
    exported.set(row.slipway.id, row.label);
  }
  // Answers whose 2 tokens decoded to nothing have no output to train on: the export skips them.
  const byId = new Map(answers.map((a) => [a.id, a]));
  let checked = 0;
  for (const [id, rating] of acked) {
    if (byId.get(id).text === '') continue;
    checked++;
    assert.ok(exported.has(id), `acknowledged feedback on ${id} is missing from the export`);
    assert.equal(exported.get(id), rating === 1, `label of ${id}`);
  }
  t.diagnostic(`${acked.size} posts got a 200 before the kill; ${exported.size} rows exported; ${checked} checked`);
  assert.ok(checked >= acked.size * 0.9, `${checked} of ${acked.size} acknowledged answers had text`);
  // Nothing invented: every exported row is feedback that was posted, with its label.
  for (const [id, label] of exported) {
    const i = answers.findIndex((a) => a.id === id);
    assert.ok(i >= 0, `exported an answer that was never rated: ${id}`);
    assert.equal(label, ratingOf(i) === 1);
  }

  assert.equal(slipwayOk(['store', 'check', '--data', data]).stdout, 'ok\n');
});
