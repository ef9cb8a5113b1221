// Prometheus text format: parse /metrics and sum samples by name and labels.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Returns [{name, labels: {k: v}, value}] for every sample line (comments skipped).
export function parseMetrics(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\d+)?$/.exec(trimmed);
    if (!m) throw new Error(`unparsable metrics line: ${line}`);
    const labels = {};
    if (m[3]) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/g;
      let lm;
      while ((lm = re.exec(m[3])) !== null) labels[lm[1]] = lm[2].replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
    }
    const raw = m[4];
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

// Sum of the samples called `name` whose labels include every pair of `match`; undefined when
// no sample matches.
export function metricSum(samples, name, match = {}) {
  let sum;
  for (const s of samples) {
    if (s.name !== name) continue;
    if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
    sum = (sum ?? 0) + s.value;
  }
  return sum;
}

export async function fetchMetrics(origin, { headers = {} } = {}) {
  const res = await fetch(`${origin}/metrics`, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}: ${text}`);
  return { text, samples: parseMetrics(text), contentType: res.headers.get('content-type') };
}

// Polls /metrics until predicate(samples) is true; returns the last samples or throws with them.
export async function waitForMetrics(origin, predicate, { timeoutMs = 10_000, what = 'metrics condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await fetchMetrics(origin);
    if (predicate(last.samples)) return last.samples;
    if (Date.now() > deadline) {
      const relevant = last.text.split('\n').filter((l) => /kv_cache|running|waiting|preempt/.test(l) && !l.startsWith('#'));
      throw new Error(`${what} not reached within ${timeoutMs} ms; last values:\n${relevant.join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

// Checks a real /metrics body against tests/deploy/metric_names.txt, the list the Prometheus
// rules and the Grafana dashboard in deploy/ are checked against: every family present must be
// listed with its type and labels. Throws with the checker's complaints.
export function checkScrapeAgainstDeployList(text) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scrape-'));
  try {
    const file = path.join(dir, 'metrics.txt');
    fs.writeFileSync(file, text);
    const script = fileURLToPath(new URL('../../deploy/check_deploy_files.py', import.meta.url));
    const r = spawnSync('python3', [script, '--scrape', file], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`the scrape does not match metric_names.txt:\n${r.stdout}${r.stderr}`);
    return r.stdout;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
