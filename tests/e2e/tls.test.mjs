// HTTPS on the listener: `slipway serve` with server.tls_cert_file / tls_key_file and a
// certificate made by the openssl CLI; the official openai SDK, trusting only that certificate,
// gets a chat completion and a stream; plain HTTP on the same port gets no answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { startServer, makeTempDir, makeTinyModel, sleep, withTimeout } from './lib/server.mjs';
import { OpenAI, collectStream, streamText } from './lib/client.mjs';

const T = { timeout: 60_000 };

// A fetch over node:https that trusts `ca` only (NODE_EXTRA_CA_CERTS is read at node start;
// the built-in fetch takes no CA). Enough of fetch for the SDK: method, headers, string body,
// abort signal, streamed answers.
function fetchTrusting(ca) {
  return (url, init = {}) => new Promise((resolve, reject) => {
    const req = https.request(String(url), {
      method: init.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init.headers ?? {})),
      ca,
      signal: init.signal ?? undefined,
    }, (res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const empty = res.statusCode === 204 || res.statusCode === 304;
      resolve(new Response(empty ? null : Readable.toWeb(res), { status: res.statusCode, headers }));
    });
    req.on('error', reject);
    req.end(init.body ?? undefined);
  });
}

function makeCertificate(dir) {
  const cert = path.join(dir, 'server.crt');
  const key = path.join(dir, 'server.key');
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { cert, key };
}

let tmp;
let server;
let origin;
let trustingFetch;
let client;
const MODEL = 'tiny';

before(async () => {
  tmp = makeTempDir('tls');
  const { cert, key } = makeCertificate(tmp.dir);
  const model = makeTinyModel(path.join(tmp.dir, MODEL));
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, ['server:', '  host: 127.0.0.1', '  port: 0',
    `  tls_cert_file: ${JSON.stringify(cert)}`, `  tls_key_file: ${JSON.stringify(key)}`,
    'engine:', '  kv_cache_mb: 16', 'models:', `  - name: ${MODEL}`, `    path: ${JSON.stringify(model.dir)}`,
  ].join('\n') + '\n');
  // The harness's own /health poll uses the built-in fetch, which does not trust our cert.
  server = await startServer(['--config', config], { waitHealthy: false });
  assert.match(server.stderrText, /slipway: listening on https:\/\//);
  origin = `https://127.0.0.1:${server.port}`;
  trustingFetch = fetchTrusting(fs.readFileSync(cert));
  for (const deadline = Date.now() + 60_000; ;) {
    const res = await trustingFetch(`${origin}/health`).catch((e) => e);
    if (res.status === 200) break;
    if (Date.now() > deadline) throw new Error(`/health not 200 over HTTPS: ${res.status ?? res}\n${server.log()}`);
    await sleep(50);
  }
  client = new OpenAI({ baseURL: `${origin}/v1`, apiKey: 'unused', maxRetries: 0, timeout: 60_000, fetch: trustingFetch });
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

test('the openai SDK gets a chat completion over HTTPS', T, async () => {
  const answer = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'hello' }], max_tokens: 4,
  });
  assert.equal(answer.object, 'chat.completion');
  assert.equal(answer.model, MODEL);
  assert.ok(answer.usage.completion_tokens > 0);
});

test('the openai SDK streams a chat completion over HTTPS', T, async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'hello' }], max_tokens: 4, stream: true,
  });
  const chunks = await collectStream(stream, { timeoutMs: 30_000 });
  assert.ok(chunks.length > 0);
  assert.equal(typeof streamText(chunks), 'string');
  assert.ok(chunks.some((c) => c.choices?.[0]?.finish_reason), JSON.stringify(chunks.at(-1)));
});

test('a client that does not trust the certificate is refused', T, async () => {
  await assert.rejects(fetch(`${origin}/health`), /fetch failed/);
});

test('plain HTTP on the TLS port gets no HTTP answer, and HTTPS keeps working', T, async () => {
  const reply = await withTimeout(new Promise((resolve, reject) => {
    const socket = net.connect(server.port, '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nHost: x\r\n\r\n'));
    let data = '';
    socket.on('data', (d) => { data += d.toString('latin1'); });
    socket.on('error', () => resolve(data));
    socket.on('close', () => resolve(data));
    socket.on('timeout', () => reject(new Error('no close')));
  }), 20_000, 'the server closing a plain-HTTP connection');
  assert.doesNotMatch(reply, /^HTTP\//);
  const res = await trustingFetch(`${origin}/health`);
  assert.equal(res.status, 200);
  assert.ok(server.running);
});
