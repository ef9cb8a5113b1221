// POST /v1/feedback throughput through the real server: every 200 is durable (SQLite,
// synchronous=FULL), written by the response log's group commit. The baseline, measured in the
// same run at the same concurrency, is GET /v1/models: a request the server answers from memory.
// Usage (from the repository root, after a build):
//   node bench/feedback_posts.mjs [--posts 4000] [--concurrency 64] [--bin build/slipway]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function flag(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}
const bin = flag('bin', 'build/slipway');
const posts = Number(flag('posts', 4000));
const concurrency = Number(flag('concurrency', 64));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-feedback-bench-'));
const model = path.join(tmp, 'tiny');
const made = spawnSync(bin, ['tiny-model', model, '--arch', 'llama'], { encoding: 'utf8' });
if (made.status !== 0) throw new Error(`tiny-model failed: ${made.stderr}`);

// Starts `slipway serve` on a free port; resolves with its origin once /health answers.
function startServer() {
  const child = spawn(bin, ['serve', '--port', '0', '--model', model, '--data', path.join(tmp, 'data')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  return new Promise((resolve, reject) => {
    child.stderr.on('data', async (chunk) => {
      log += chunk;
      const port = /listening on http:\/\/[^:]+:(\d+)/.exec(log)?.[1];
      if (!port || child.origin) return;
      child.origin = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 600; i++) {
        const health = await fetch(`${child.origin}/health`).catch(() => null);
        if (health?.ok) return resolve(child);
        await new Promise((r) => setTimeout(r, 100));
      }
      reject(new Error(`server not healthy:\n${log}`));
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${log}`)));
  });
}

// Runs `count` calls of `one(i)` with `concurrency` in flight; returns calls per second.
async function rate(count, one) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await one(next++);
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

async function checked(response) {
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  return response.json();
}

const server = await startServer();
try {
  const ids = [];
  await rate(posts, async (i) => {
    const answer = await checked(
      await fetch(`${server.origin}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'tiny', max_tokens: 1, messages: [{ role: 'user', content: `question ${i}` }] }),
      }),
    );
    ids[i] = answer.id;
  });
  const models = await rate(posts, async () => checked(await fetch(`${server.origin}/v1/models`)));
  const feedback = await rate(posts, async (i) =>
    checked(
      await fetch(`${server.origin}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: ids[i], rating: i % 3 === 0 ? -1 : 1, user: `u${i % 50}` }),
      }),
    ),
  );
  const metrics = await (await fetch(`${server.origin}/metrics`)).text();
  const batches = Number(/^slipway_response_log_batches_total (\S+)/m.exec(metrics)?.[1]);
  console.log(`posts ${posts}, concurrency ${concurrency}`);
  console.log(`GET /v1/models      ${models.toFixed(0)} req/s (baseline)`);
  console.log(`POST /v1/feedback   ${feedback.toFixed(0)} req/s, durable (${(feedback / models).toFixed(2)}x baseline)`);
  console.log(`log batches (commits) for ${posts} answers + ${posts} ratings: ${batches}`);
} finally {
  server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
