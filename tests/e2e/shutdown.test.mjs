// SIGTERM: stop accepting, let in-flight requests finish up to the drain deadline, exit 0.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { makeTempDir, makeTinyModel, startServer, sleep, withTimeout } from './lib/server.mjs';
import { makeClient, collectStream, streamText, finishReasons, tokenIdPrompt } from './lib/client.mjs';

const tmp = makeTempDir('shutdown');
const model = makeTinyModel(path.join(tmp.dir, 'tiny'), { seed: 5 });
const servers = [];
after(async () => {
  for (const s of servers) await s.kill();
  tmp.cleanup();
});

async function serve(args = []) {
  const s = await startServer(['--model', model.dir, '--served-model-name', 'tiny', ...args]);
  servers.push(s);
  return s;
}

// Long enough (a long prompt, many tokens) to still be running while the test looks around.
const LONG = { model: 'tiny', prompt: tokenIdPrompt(1200, 3), max_tokens: 2000, temperature: 0, ignore_eos: true };

async function connectionOutcome(server) {
  try {
    const r = await fetch(`${server.origin}/health`, { signal: AbortSignal.timeout(3_000) });
    return { status: r.status };
  } catch (e) {
    return { error: e.cause?.code ?? e.name ?? String(e) };
  }
}

test('SIGTERM: the in-flight stream completes, new connections are refused, exit code 0', { timeout: 120_000 }, async () => {
  const server = await serve(['--drain-timeout', '60']);
  const client = makeClient(server);
  const reference = await client.completions.create({ ...LONG, max_tokens: 20 });
  const stream = await client.completions.create({ ...LONG, stream: true, stream_options: { include_usage: true } });
  let signalled = false;
  let streamEnded = false;
  const collecting = collectStream(stream, {
    timeoutMs: 90_000,
    onChunk: (chunk) => {
      if (!signalled && (chunk.choices[0]?.text ?? '').length > 0) {
        signalled = true;
        server.signal('SIGTERM');
      }
    },
  }).finally(() => { streamEnded = true; });

  await withTimeout((async () => { while (!signalled) await sleep(10); })(), 30_000, 'first text chunk');
  await sleep(300);
  const during = await connectionOutcome(server);
  const checkedWhileStreaming = !streamEnded;
  assert.ok(during.error === 'ECONNREFUSED' || during.status === 503, `a new connection during the drain got ${JSON.stringify(during)}`);

  const chunks = await collecting;
  assert.ok(checkedWhileStreaming, 'the stream had already ended when new connections were tried: make it longer');
  assert.deepEqual(finishReasons(chunks), { 0: 'length' });
  assert.equal(chunks[chunks.length - 1].usage?.completion_tokens, LONG.max_tokens);
  // Greedy: the first 20 tokens' text (less a possibly split last character) starts the answer.
  assert.ok(streamText(chunks).startsWith(reference.choices[0].text.slice(0, -2)), 'the drained stream is the greedy answer');
  const exit = await withTimeout(server.exited, 20_000, 'exit after the drain');
  assert.deepEqual(exit, { code: 0, signal: null }, `exit ${JSON.stringify(exit)}\n${server.log()}`);
});

test('SIGTERM with a short --drain-timeout: exits 0 on time, the client stream ends', { timeout: 60_000 }, async () => {
  const server = await serve(['--drain-timeout', '1']);
  const client = makeClient(server);
  const stream = await client.completions.create({ ...LONG, max_tokens: 2800, stream: true });
  let t0;
  const outcome = collectStream(stream, {
    timeoutMs: 30_000,
    onChunk: () => {
      if (t0 === undefined) {
        t0 = Date.now();
        server.signal('SIGTERM');
      }
    },
  }).then((chunks) => ({ chunks }), (error) => ({ error }));
  const exit = await withTimeout(server.exited, 20_000, 'exit after the drain deadline');
  const elapsed = Date.now() - t0;
  assert.deepEqual(exit, { code: 0, signal: null }, `exit ${JSON.stringify(exit)}\n${server.log()}`);
  assert.ok(elapsed >= 800 && elapsed < 8_000, `exited ${elapsed} ms after SIGTERM with a 1 s drain deadline`);
  const result = await withTimeout(outcome, 10_000, 'client stream after the server exited');
  if (result.chunks) {
    const reasons = finishReasons(result.chunks);
    assert.notEqual(reasons[0], 'length', 'a 2800-token answer cannot have completed within the 1 s drain');
  } else {
    assert.doesNotMatch(String(result.error?.message), /did not end/);
  }
});

test('SIGTERM and SIGINT on an idle server exit 0 promptly', { timeout: 60_000 }, async () => {
  for (const sig of ['SIGTERM', 'SIGINT']) {
    const server = await serve();
    const t0 = Date.now();
    server.signal(sig);
    const exit = await withTimeout(server.exited, 10_000, `exit after ${sig}`);
    assert.deepEqual(exit, { code: 0, signal: null }, `${sig}: exit ${JSON.stringify(exit)}\n${server.log()}`);
    assert.ok(Date.now() - t0 < 5_000, `${sig}: took ${Date.now() - t0} ms`);
  }
});
