// Harness for end-to-end tests: makes tiny models, runs `slipway serve` on a free port, waits
// until it is ready, and always kills what it started (also when the test process dies).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const BINARY = process.env.SLIPWAY_BINARY;
if (!BINARY) throw new Error('SLIPWAY_BINARY is not set (path of the slipway binary)');

const live = new Set();  // servers not yet known to have exited
process.on('exit', () => {
  for (const s of live) {
    try { s.proc.kill('SIGKILL'); } catch { /* gone */ }
    try { s.watchdog?.kill('SIGKILL'); } catch { /* gone */ }
  }
});

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls `check` until it returns something truthy (returned), or throws naming `what` after
// timeoutMs, with `context()` (e.g. the server's log) in the message.
export async function waitFor(what, check, timeoutMs = 30_000, { intervalMs = 100, context } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`${what}: not within ${timeoutMs} ms${context ? `\n${context()}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

// Rejects with `what` when `promise` has not settled within ms.
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A fresh folder under the build tree's tests/tmp (SLIPWAY_E2E_TMP), removed by cleanup().
export function makeTempDir(prefix) {
  const root = process.env.SLIPWAY_E2E_TMP || path.join(os.tmpdir(), 'slipway-e2e');
  fs.mkdirSync(root, { recursive: true });
  const dir = fs.mkdtempSync(path.join(root, `${prefix}-`));
  return {
    dir,
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

// Writes a random-weight tiny llama folder; returns its path and config.json.
export function makeTinyModel(dir, { seed = 1, arch = 'llama', preset = 'tiny' } = {}) {
  const r = spawnSync(BINARY, ['tiny-model', dir, '--preset', preset, '--arch', arch, '--seed', String(seed)], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (r.status !== 0) {
    throw new Error(`slipway tiny-model failed (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  }
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  return { dir, config };
}

// A model folder of its own at `dir`: a copy of `seedDir` (same bytes) when given, else a new
// tiny model with `seed`.
export function tinyModelFolder(dir, { seedDir, seed = 1 } = {}) {
  if (seedDir) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(seedDir, dir, { recursive: true });
    return dir;
  }
  return makeTinyModel(dir, { seed }).dir;
}

// Bytes of one KV block: K and V, every layer, every KV head, head_dim floats of 4 bytes.
export function kvBlockBytes(config, blockSize = 16, bytesPerValue = 4) {
  const headDim = config.head_dim ?? config.hidden_size / config.num_attention_heads;
  return 2 * config.num_hidden_layers * config.num_key_value_heads * headDim * blockSize * bytesPerValue;
}

class Server {
  constructor(proc, args) {
    this.proc = proc;
    this.args = args;
    this.stderrText = '';
    this.stdoutText = '';
    this.exitCode = undefined;
    this.exitSignal = undefined;
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code, signal) => {
        this.exitCode = code;
        this.exitSignal = signal;
        live.delete(this);
        try { this.watchdog?.kill('SIGKILL'); } catch { /* gone */ }
        resolve({ code, signal });
      });
    });
    proc.stderr.setEncoding('utf8');
    proc.stdout.setEncoding('utf8');
    proc.stderr.on('data', (d) => { this.stderrText += d; });
    proc.stdout.on('data', (d) => { this.stdoutText += d; });
  }

  get running() { return this.exitCode === undefined && this.exitSignal === undefined; }
  get origin() { return `${this.scheme ?? 'http'}://${this.host}:${this.port}`; }
  get baseURL() { return `${this.origin}/v1`; }
  // The last lines the server printed, for assertion messages.
  log(lines = 40) {
    return this.stderrText.split('\n').slice(-lines).join('\n');
  }

  signal(sig) {
    if (this.running) this.proc.kill(sig);
  }

  // SIGTERM, then SIGKILL when it has not exited within graceMs. Returns {code, signal}.
  async stop(graceMs = 5_000) {
    if (!this.running) return this.exited;
    this.proc.kill('SIGTERM');
    const result = await Promise.race([this.exited, sleep(graceMs).then(() => null)]);
    if (result) return result;
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  async kill() {
    if (this.running) this.proc.kill('SIGKILL');
    return this.exited;
  }
}

// Starts `slipway serve ARGS --host 127.0.0.1 --port 0` (unless args set them), waits for
// "slipway: listening on http://HOST:PORT", then for GET /health 200 (unless waitHealthy is
// false). Extra environment variables in env.
export async function startServer(args, { env = {}, startTimeoutMs = 60_000, waitHealthy = true, threads = 1 } = {}) {
  const full = ['serve', ...args];
  if (!args.includes('--config')) {
    if (!args.includes('--host')) full.push('--host', '127.0.0.1');
    if (!args.includes('--port')) full.push('--port', '0');
  }
  if (threads !== null && !args.includes('--threads')) full.push('--threads', String(threads));
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const proc = spawn(BINARY, full, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const server = new Server(proc, full);
  live.add(server);
  // Kills the server if this test process dies without cleaning up (e.g. a ctest timeout).
  server.watchdog = spawn('sh', ['-c',
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${proc.pid} 2>/dev/null; do sleep 1; done; kill -9 ${proc.pid} 2>/dev/null`],
  { stdio: 'ignore', detached: true });
  server.watchdog.unref();

  const deadline = Date.now() + startTimeoutMs;
  try {
    const listening = /slipway: listening on (https?):\/\/([^\s:]+|\[[^\]]+\]):(\d+)/;
    for (;;) {
      const m = listening.exec(server.stderrText);
      if (m) {
        server.scheme = m[1];
        server.host = m[2];
        server.port = Number(m[3]);
        break;
      }
      if (!server.running) throw new Error(`exited (code ${server.exitCode}, signal ${server.exitSignal}) before listening`);
      if (Date.now() > deadline) throw new Error(`no "slipway: listening on" line within ${startTimeoutMs} ms`);
      await sleep(25);
    }
    if (waitHealthy) {
      let last = 'no answer';
      for (;;) {
        try {
          const res = await fetch(`${server.origin}/health`, { signal: AbortSignal.timeout(2_000) });
          last = `${res.status} ${await res.text()}`;
          if (res.status === 200) break;
        } catch (e) {
          last = String(e);
        }
        if (!server.running) throw new Error(`exited (code ${server.exitCode}) before /health was 200`);
        if (Date.now() > deadline) throw new Error(`/health not 200 within ${startTimeoutMs} ms (last: ${last})`);
        await sleep(50);
      }
    }
  } catch (e) {
    await server.kill();
    throw new Error(`slipway ${full.join(' ')}: ${e.message}\n--- stderr ---\n${server.log()}`);
  }
  return server;
}

// A tiny model in a fresh temp dir plus a server on it; stop() ends both.
export async function startTinyServer(prefix, serveArgs = [], options = {}) {
  const tmp = makeTempDir(prefix);
  let server;
  try {
    const model = makeTinyModel(path.join(tmp.dir, options.modelDirName ?? 'tiny'), { seed: options.seed ?? 1 });
    server = await startServer(['--model', model.dir, ...serveArgs], options);
    return {
      server,
      model,
      tmp,
      stop: async () => {
        await server.stop();
        tmp.cleanup();
      },
    };
  } catch (e) {
    if (server) await server.kill();
    tmp.cleanup();
    throw e;
  }
}

// Writes a random PEFT LoRA adapter shaped for the model folder `baseDir` with
// `slipway tiny-adapter`; returns its folder.
export function makeTinyAdapter(dir, baseDir, { rank = 8, seed = 1, alpha, targets } = {}) {
  const args = ['tiny-adapter', dir, '--base', baseDir, '--rank', String(rank), '--seed', String(seed)];
  if (alpha !== undefined) args.push('--alpha', String(alpha));
  if (targets !== undefined) args.push('--targets', targets);
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`slipway ${args.join(' ')} failed (status ${r.status}, signal ${r.signal}): ${r.stderr}`);
  }
  return dir;
}
