// The `slipway` CLI as tests drive it: runs that must succeed, and registering versions in a
// data folder's model registry.
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { BINARY } from './server.mjs';

// Runs `slipway args`; returns {status, signal, stdout, stderr} whatever the outcome.
export function runSlipway(args, { timeout = 120_000 } = {}) {
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

// Runs `slipway args`, fails the test unless it exits 0; returns its stdout.
export function slipwayOk(args, options = {}) {
  const r = runSlipway(args, options);
  assert.equal(r.status, 0, `slipway ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// `slipway models register` of `source` (['--path', folder] or ['--upstream', url]); returns
// the new (or existing) version number.
export function registerVersion(dataDir, name, source, label) {
  const out = slipwayOk(['models', 'register', name, ...source, '--label', label, '--data', dataDir, '--json']);
  const json = JSON.parse(out);
  const version = json.version?.version ?? json.version;
  assert.equal(typeof version, 'number', `no version number in ${out}`);
  return version;
}
