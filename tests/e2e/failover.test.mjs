// Failover under load: a route whose stable version is an upstream (a fake OpenAI-compatible
// server in this process) and whose fallback is an embedded version. Clients keep chatting
// while the upstream answers, then is killed (connection refused), sends garbage, hangs, and
// comes back. Every request gets an answer from the upstream or the fallback, or a clean
// OpenAI-style error; none takes longer than the request timeout; the upstream is taken out of
// rotation (circuit open) and probed back in when it recovers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, sleep, startServer, tinyModelFolder, waitFor as waitForLib } from './lib/server.mjs';
import { assertErrorShape, postRaw } from './lib/http.mjs';
import { fetchMetrics, metricSum } from './lib/metrics.mjs';
import { registerVersion } from './lib/registry.mjs';

const T = { timeout: 240_000 };
const REQUEST_TIMEOUT_S = 4;
let tmp;
let server;
let upstream;

// The fake upstream: mode 'ok' answers, 'garbage' writes non-HTTP bytes, 'hang' never
// answers; stop() closes it (connection refused) and start() reopens it on the same port.
function fakeUpstream() {
  const state = { mode: 'ok', port: 0, sockets: new Set(), calls: 0 };
  const answer = (req, res, body) => {
    const request = JSON.parse(body || '{}');
    const completion = {
      id: 'chatcmpl-upstream', object: 'chat.completion', created: 1, model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'from the upstream' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 3, total_tokens: 6 },
    };
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = { ...completion, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'from the upstream' }, finish_reason: 'stop' }] };
    res.end(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`);
  };
  const handler = (req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      if (state.mode === 'hang') return;
      if (state.mode === 'garbage') { req.socket.end('NOT HTTP AT ALL\r\n\r\n'); return; }
      if (req.method === 'GET' && req.url.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data: [{ id: 'remote', object: 'model' }] }));
        return;
      }
      state.calls += 1;
      answer(req, res, body);
    });
  };
  let srv;
  const open = () => new Promise((resolve) => {
    srv = http.createServer(handler);
    srv.on('connection', (s) => { state.sockets.add(s); s.on('close', () => state.sockets.delete(s)); });
    srv.listen(state.port, '127.0.0.1', () => { state.port = srv.address().port; resolve(); });
  });
  return {
    state,
    start: open,
    async stop() {
      for (const s of state.sockets) s.destroy();
      await new Promise((resolve) => srv.close(resolve));
    },
  };
}

// Clients chatting on the route until stop(): outcomes with status, version and duration.
function load(concurrency = 3) {
  let running = true;
  const outcomes = [];
  const worker = async (w) => {
    for (let i = 0; running; i += 1) {
      const started = Date.now();
      let r;
      try {
        r = await postRaw(`${server.origin}/v1/chat/completions`, {
          model: 'assistant', messages: [{ role: 'user', content: `w${w} q${i}` }], max_tokens: 4, stream: i % 2 === 1,
        }, { timeoutMs: (REQUEST_TIMEOUT_S + 10) * 1000 });
      } catch (e) {
        outcomes.push({ status: 0, error: String(e), ms: Date.now() - started });
        continue;
      }
      outcomes.push({ status: r.status, version: r.headers.get('x-slipway-version'), json: r.json, text: r.text, ms: Date.now() - started });
      await sleep(20);
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    outcomes,
    since(n) { return outcomes.slice(n); },
    async stop() { running = false; await done; },
  };
}

// The harness's waitFor with this file's server log in its error.
const waitFor = (what, check, timeoutMs = 30_000) =>
  waitForLib(what, check, timeoutMs, { intervalMs: 100, context: () => server.log() });

// The stable version is served under the route's model name ("bot"): the circuit's label.
async function circuitState() {
  const m = (await fetchMetrics(server.origin)).samples;
  return metricSum(m, 'slipway_backend_circuit_state', { version: 'bot' });
}

before(async () => {
  upstream = fakeUpstream();
  await upstream.start();
  tmp = makeTempDir('failover');
  const dataDir = path.join(tmp.dir, 'data');
  assert.equal(registerVersion(dataDir, 'bot', ['--upstream', `http://127.0.0.1:${upstream.state.port}/v1`], 'remote'), 1);
  assert.equal(registerVersion(dataDir, 'bot', ['--path', tinyModelFolder(path.join(tmp.dir, 'local'), { seed: 5 })], 'local'), 2);
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    `server: {host: 127.0.0.1, port: 0, request_timeout_seconds: ${REQUEST_TIMEOUT_S}}`,
    'routes:',
    '  - {name: assistant, stable: bot/1, fallback: bot/2}',
    'failover:',
    '  failure_threshold: 3',
    '  open_seconds: 1',
    '  health_interval_seconds: 0.5',
    '  health_timeout_seconds: 0.5',
    '  failures_to_remove: 2',
    '  cooldown_seconds: 1',
    '',
  ].join('\n'));
  server = await startServer(['--config', config, '--data', dataDir]);
  await waitFor('the route serves the upstream', async () => {
    const r = await postRaw(`${server.origin}/v1/chat/completions`, { model: 'assistant', messages: [{ role: 'user', content: 'hi' }] });
    return r.status === 200 && r.headers.get('x-slipway-version') === 'bot/1';
  });
});

after(async () => {
  await server?.stop();
  await upstream?.stop().catch(() => {});
  tmp?.cleanup();
});

function assertClean(outcomes, phase) {
  for (const o of outcomes) {
    assert.notEqual(o.status, 0, `${phase}: a request failed at the transport: ${o.error}`);
    assert.ok(o.ms < (REQUEST_TIMEOUT_S + 2) * 1000, `${phase}: a request took ${o.ms} ms`);
    if (o.status !== 200) {
      assert.ok(o.status >= 500, `${phase}: status ${o.status}: ${o.text}`);
      assertErrorShape(o.json, `${phase} error`);
    }
  }
}

test('an upstream killed, sending garbage or hanging: fallback answers or clean errors; back when it recovers', T, async () => {
  const traffic = load();
  try {
    await sleep(1000);
    const healthy = traffic.since(0);
    assert.ok(healthy.length > 3);
    assert.ok(healthy.every((o) => o.status === 200 && o.version === 'bot/1'), JSON.stringify(healthy.slice(0, 3)));

    // Killed: connections are refused, the fallback answers every request.
    let mark = traffic.outcomes.length;
    await upstream.stop();
    await waitFor('the upstream leaves rotation', async () => (await circuitState()) === 1);
    await sleep(1000);
    let phase = traffic.since(mark);
    assertClean(phase, 'killed');
    assert.deepEqual(phase.filter((o) => o.status !== 200).map((o) => o.status), [], 'a refused connection falls back');
    assert.ok(phase.some((o) => o.version === 'bot/2'));

    // Back: probed back into rotation, the upstream answers again.
    await upstream.start();
    await waitFor('the upstream is back in rotation', async () => (await circuitState()) === 0);
    mark = traffic.outcomes.length;
    await waitFor('the upstream answers again', async () => traffic.since(mark).some((o) => o.version === 'bot/1'));

    // Garbage: 502 before any byte, so the fallback answers.
    mark = traffic.outcomes.length;
    upstream.state.mode = 'garbage';
    await sleep(2500);
    phase = traffic.since(mark);
    assertClean(phase, 'garbage');
    assert.deepEqual(phase.filter((o) => o.status !== 200).map((o) => o.status), [], 'garbage falls back');
    assert.ok(phase.some((o) => o.version === 'bot/2'));

    // Hanging: requests in flight end with 504 by the request timeout; health checks time out
    // and take it out of rotation, so the fallback answers the rest.
    upstream.state.mode = 'ok';
    await waitFor('the upstream is back in rotation', async () => (await circuitState()) === 0);
    mark = traffic.outcomes.length;
    upstream.state.mode = 'hang';
    await sleep((REQUEST_TIMEOUT_S + 3) * 1000);
    phase = traffic.since(mark);
    assertClean(phase, 'hanging');
    assert.ok(phase.filter((o) => o.status === 200).length > 0, 'the fallback answers while the upstream hangs');
    assert.ok(phase.every((o) => o.status === 200 || o.status === 504 || o.status === 503), JSON.stringify(phase.map((o) => o.status)));
  } finally {
    upstream.state.mode = 'ok';
    await traffic.stop();
  }
  const m = (await fetchMetrics(server.origin)).samples;
  assert.ok((metricSum(m, 'slipway_failovers_total', { route: 'assistant', from: 'bot/1', to: 'bot/2' }) ?? 0) > 0);
  assert.ok((metricSum(m, 'slipway_backend_circuit_opened_total', { version: 'bot' }) ?? 0) >= 2);
});
