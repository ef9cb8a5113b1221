// `slipway models` and `slipway store check` as users run them, against a SQLite data folder and
// a PostgreSQL store: register, list, show, diff, alias, stage (with a refused skip), history,
// verify after one changed byte, clear errors that leave the store unchanged, and two
// processes registering the same model at once (versions distinct and contiguous), and the
// remote mode (--server) against a running `slipway serve`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BINARY, makeTempDir, makeTinyModel, startServer, tinyModelFolder } from './lib/server.mjs';
import { freshPostgresUrl } from './lib/postgres.mjs';

const T = { timeout: 240_000 };
let tmp;
let seedFolder;  // one tiny model, copied wherever a test needs a folder of its own

before(() => {
  tmp = makeTempDir('registry-cli');
  seedFolder = makeTinyModel(path.join(tmp.dir, 'seed'), { seed: 1 }).dir;
});
after(() => tmp?.cleanup());

// A model folder of its own: the seed copied (same bytes, plus `note` in notes.txt when given)
// or, with a seed other than 1, a tiny model with other weights.
function modelFolder(name, { seed = 1, note } = {}) {
  const dir = tinyModelFolder(path.join(tmp.dir, 'models', name),
    seed === 1 ? { seedDir: seedFolder } : { seed });
  if (note !== undefined) fs.writeFileSync(path.join(dir, 'notes.txt'), note);
  return dir;
}

// env: extra variables (undefined removes one); cwd: where the command runs.
function run(args, { env = {}, cwd } = {}) {
  const childEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 120_000, env: childEnv, cwd });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ok(args, options) {
  const r = run(args, options);
  assert.equal(r.status, 0, `slipway ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  assert.equal(r.stderr, '', `slipway ${args.join(' ')} wrote to stderr`);
  return r.stdout;
}

// Runs a command that must fail: exit 1, one `slipway: error: ` line, nothing on stdout.
function fails(args, options) {
  const r = run(args, options);
  assert.equal(r.status, 1, `slipway ${args.join(' ')} should fail with 1, got ${r.status}:\n${r.stderr}${r.stdout}`);
  assert.match(r.stderr, /^slipway: error: /, `stderr of slipway ${args.join(' ')}`);
  return r.stderr;
}

// Async run for the concurrent loops.
function runAsync(args) {
  return new Promise((resolve) => {
    const proc = spawn(BINARY, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => { stdout += d; });
    proc.stderr.on('data', (d) => { stderr += d; });
    proc.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

// Where each backend's state lives, as `slipway models` flags.
const backends = [
  { name: 'sqlite', location: async (name) => ['--data', path.join(tmp.dir, `data-${name}`)] },
  { name: 'postgres', location: async (name) => ['--store', await freshPostgresUrl(`cli_${name}`)] },
];

for (const backend of backends) {
  test(`${backend.name}: register, list, show, diff, alias, stage, history, verify`, T, async () => {
    const where = await backend.location(`flow_${backend.name}`);
    const models = (...args) => ['models', ...args, ...where];
    const first = modelFolder(`${backend.name}-first`);
    const second = modelFolder(`${backend.name}-second`, { seed: 2 });

    // register
    let out = ok(models('register', 'demo', '--path', first, '--label', 'base-v1',
      '--param', 'learning_rate=0.0002', '--param', 'base_model=llama-3.2-1b', '--param', 'lora_r=16',
      '--metric', 'val_loss=1.5', '--tag', 'team=support', '--description', 'first cut',
      '--git-commit', 'abcdef1', '--dataset', 'support-2026-11'));
    assert.match(out, /^registered demo\/1 \(label base-v1, \d+ files, [\d.]+ (B|KiB|MiB)\)\n$/);
    out = ok(models('register', 'demo', '--path', second, '--label', 'tuned-v2',
      '--param', 'learning_rate=0.0001', '--param', 'base_model=llama-3.2-1b',
      '--metric', 'val_loss=1.2', '--tag', 'team=support', '--parent', 'demo/1', '--json'));
    const registered = JSON.parse(out);
    assert.equal(registered.created, true);
    assert.equal(registered.version.ref, 'demo/2');
    assert.equal(registered.version.parent, 'demo/1');

    // list: the models, then one model's versions, as aligned tables
    out = ok(models('list'));
    assert.match(out, /^NAME\s+VERSIONS\s+LATEST\s+ALIASES\n/);
    assert.match(out, /\ndemo\s+2\s+2\s+-\n/);
    out = ok(models('list', 'demo'));
    const lines = out.trimEnd().split('\n');
    assert.match(lines[0], /^VERSION\s+LABEL\s+STAGE\s+ALIASES\s+CREATED\s+CREATOR$/);
    assert.match(lines[1], /^1\s+base-v1\s+candidate\s+-\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\s+cli:\S+$/);
    assert.match(lines[2], /^2\s+tuned-v2\s+candidate\s+-\s+/);
    assert.equal(lines[1].indexOf('base-v1'), lines[0].indexOf('LABEL'), 'columns are aligned');

    // show, by number, label, alias and latest
    const shown = JSON.parse(ok(models('show', 'demo/1', '--json')));
    assert.equal(shown.ref, 'demo/1');
    assert.equal(shown.label, 'base-v1');
    assert.equal(shown.params.learning_rate, 0.0002);
    assert.equal(shown.params.lora_r, 16);
    assert.equal(shown.params.base_model, 'llama-3.2-1b');
    assert.equal(shown.metrics.val_loss, 1.5);
    assert.deepEqual(shown.tags, { team: 'support' });
    assert.equal(shown.git_commit, 'abcdef1');
    assert.equal(shown.dataset, 'support-2026-11');
    assert.equal(shown.description, 'first cut');
    assert.equal(shown.stage, 'candidate');
    assert.ok(shown.artifacts.length >= 2);
    for (const a of shown.artifacts) assert.match(a.sha256, /^[0-9a-f]{64}$/);
    assert.ok(shown.artifacts.some((a) => a.path === 'model.safetensors'));
    assert.equal(JSON.parse(ok(models('show', 'demo/tuned-v2', '--json'))).version, 2);
    assert.equal(JSON.parse(ok(models('show', 'demo', '--json'))).version, 2);
    out = ok(models('show', 'demo/base-v1'));
    for (const part of ['demo/1\n', 'label:', 'base-v1', 'stage:', 'candidate', 'source:', `embedded ${fs.realpathSync(first)}`,
      'git commit: abcdef1', 'dataset:    support-2026-11', 'learning_rate: 0.0002', 'val_loss: 1.5',
      'team: support', 'model.safetensors']) {
      assert.ok(out.includes(part), `show lacks ${JSON.stringify(part)}:\n${out}`);
    }
    const modelSha = shown.artifacts.find((a) => a.path === 'model.safetensors').sha256;
    assert.ok(out.includes(modelSha.slice(0, 12)) && !out.includes(modelSha), 'short hashes');

    // diff
    out = ok(models('diff', 'demo/1', 'demo/2'));
    for (const part of ['demo/1 -> demo/2', 'params:', 'learning_rate: 0.0002 -> 0.0001', 'lora_r: 16 -> (none)',
      'metrics:', 'val_loss: 1.5 -> 1.2', 'artifacts:', 'changed: ', 'model.safetensors', 'lineage:', 'parent:',
      'content: differs']) {
      assert.ok(out.includes(part), `diff lacks ${JSON.stringify(part)}:\n${out}`);
    }
    const diff = JSON.parse(ok(models('diff', 'demo/1', 'demo/tuned-v2', '--json')));
    assert.equal(diff.params.learning_rate.a, 0.0002);
    assert.equal(diff.params.learning_rate.b, 0.0001);
    assert.ok(diff.artifacts.changed.includes('model.safetensors'));
    assert.equal(diff.identical_content, false);

    // alias
    out = ok(models('alias', 'demo', 'production', '1', '--reason', 'first release'));
    assert.equal(out, 'demo@production -> demo/1 (base-v1)\n');
    assert.equal(JSON.parse(ok(models('show', 'demo@production', '--json'))).version, 1);
    assert.match(ok(models('list')), /\ndemo\s+2\s+2\s+production=1\n/);

    // stage: a skip is refused with the rule, then the steps one by one
    let err = fails(models('stage', 'demo/2', 'production', '--reason', 'skip it'));
    assert.match(err, /promote it to staging first/);
    assert.equal(JSON.parse(ok(models('show', 'demo/2', '--json'))).stage, 'candidate', 'unchanged');
    assert.match(fails(models('stage', 'demo/2', 'staging')), /--reason/);
    assert.equal(ok(models('stage', 'demo/2', 'staging', '--reason', 'canary')), 'demo/2: candidate -> staging\n');
    assert.equal(ok(models('stage', 'demo/tuned-v2', 'production', '--reason', 'canary good')),
      'demo/2: staging -> production\n');
    assert.match(fails(models('stage', 'demo/1', 'launched', '--reason', 'x')), /unknown stage "launched"/);

    // move the alias, then remove it
    assert.equal(ok(models('alias', 'demo', 'production', 'tuned-v2', '--reason', 'promote')),
      'demo@production -> demo/2 (tuned-v2)\n');
    assert.equal(ok(models('alias', 'demo', 'production', '--delete', '--reason', 'rollback drill')),
      'removed alias demo@production\n');
    assert.match(fails(models('show', 'demo@production')), /production/);

    // history
    out = ok(models('history', 'demo'));
    const history = out.trimEnd().split('\n');
    assert.match(history[0], /^TIME\s+ACTOR\s+EVENT\s+DETAILS\s+REASON$/);
    const events = history.slice(1).map((line) => line.split(/\s{2,}/));
    assert.deepEqual(events.map((e) => e[2]),
      ['model_created', 'registered', 'registered', 'alias_set', 'stage', 'stage', 'alias_set', 'alias_removed']);
    for (const e of events) {
      assert.match(e[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      assert.match(e[1], /^cli:\S+$/);
    }
    assert.ok(out.includes('production: 1 -> 2') && out.includes('promote'), out);
    assert.ok(out.includes('version 2: candidate -> staging') && out.includes('canary'), out);
    assert.ok(out.includes('rollback drill'), out);
    const v2 = JSON.parse(ok(models('history', 'demo', '--version', '2', '--json')));
    assert.equal(v2.object, 'list');
    assert.ok(v2.data.every((e) => e.version === 2), JSON.stringify(v2));
    assert.deepEqual(v2.data.filter((e) => e.kind === 'stage').map((e) => e.to), ['staging', 'production']);

    // verify: fine, then one changed byte fails naming the file
    assert.match(ok(models('verify', 'demo/1')), /^ok demo\/1 \(\d+ files, \d+ hashed\)\n$/);
    out = ok(models('verify', 'demo/1', '--full'));
    assert.equal(out, `ok demo/1 (${shown.artifacts.length} files, ${shown.artifacts.length} hashed)\n`);
    const config = path.join(first, 'config.json');
    const bytes = fs.readFileSync(config);
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x20 ? 0x0a : 0x20;  // same size
    fs.writeFileSync(config, bytes);
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(config, later, later);
    err = fails(models('verify', 'demo/1'));
    assert.match(err, /config\.json/);
    assert.match(fails(models('verify', 'demo/1', '--full')), /config\.json/);
    assert.match(ok(models('verify', 'demo/2', '--full')), /^ok demo\/2 /);

    // errors: clear, exit 1, store unchanged
    const before = ok(models('list', 'demo', '--json'));
    err = fails(models('register', 'demo', '--path', path.join(tmp.dir, 'no-such-folder')));
    assert.match(err, /no-such-folder/);
    assert.match(err, /does not exist/);
    const third = modelFolder(`${backend.name}-third`, { note: 'third' });
    err = fails(models('register', 'demo', '--path', third, '--label', 'base-v1'));
    assert.match(err, /label "base-v1" is taken by demo\/1/);
    assert.match(fails(models('register', 'demo', '--path', third, '--metric', 'val_loss=low')), /--metric val_loss must be a number/);
    assert.match(fails(models('register', 'demo')), /--path/);
    assert.match(fails(models('show', 'demo/9')), /9/);
    assert.match(fails(models('show', 'nobody/1')), /nobody/);
    assert.equal(ok(models('list', 'demo', '--json')), before, 'failed commands changed nothing');

    // the database is sound
    assert.equal(ok(['store', 'check', ...where]), 'ok\n');
  });

  test(`${backend.name}: four processes registering the same model at once`, T, async () => {
    const where = await backend.location(`race_${backend.name}`);
    const perLoop = 10;
    const loops = 4;
    const folders = [];
    for (let i = 0; i < loops * perLoop; i++) {
      folders.push(modelFolder(`${backend.name}-race-${i}`, { note: `folder ${i}` }));
    }
    const loop = async (index) => {
      const results = [];
      for (let i = 0; i < perLoop; i++) {
        const folder = folders[index * perLoop + i];
        const r = await runAsync(['models', 'register', 'race', '--path', folder, '--json', ...where]);
        assert.equal(r.status, 0, `register ${folder} failed (${r.status}):\n${r.stderr}`);
        results.push(JSON.parse(r.stdout).version);
      }
      return results;
    };
    const registered = (await Promise.all([...Array(loops).keys()].map(loop))).flat();

    const numbers = registered.map((v) => v.version).sort((a, b) => a - b);
    assert.deepEqual(numbers, [...Array(loops * perLoop).keys()].map((i) => i + 1));
    assert.equal(new Set(registered.map((v) => v.label)).size, loops * perLoop, 'labels are unique');
    const listed = JSON.parse(ok(['models', 'list', 'race', '--json', ...where])).data;
    assert.deepEqual(listed.map((v) => v.version).sort((a, b) => a - b), numbers);
    // Every folder is recorded once, under the version its registration answered.
    const byPath = new Map(listed.map((v) => [v.source.path, v.version]));
    for (const v of registered) assert.equal(byPath.get(v.source.path), v.version);
    assert.equal(byPath.size, loops * perLoop);
    assert.equal(ok(['store', 'check', ...where]), 'ok\n');
  });
}

test('store check on a fresh data folder, and unreadable flags', T, () => {
  const data = path.join(tmp.dir, 'data-fresh');
  assert.equal(ok(['store', 'check', '--data', data]), 'ok\n');
  assert.match(fails(['models', 'list', '--server', 'not-a-url']), /--server/);
  assert.match(fails(['models', 'list', '--server', 'http://127.0.0.1:1', '--data', data]),
    /--server cannot be combined with --data or --store/);
});

test('--server naming a server that is not there', T, () => {
  const err = fails(['models', 'list', '--server', 'http://127.0.0.1:1']);
  assert.match(err, /http:\/\/127\.0\.0\.1:1/);
  assert.match(err, /cannot connect|refused/i);
});

test('remote mode: the same commands through a running server\'s admin API', T, async () => {
  const data = path.join(tmp.dir, 'data-remote');
  const served = modelFolder('remote-served');
  const key = 'remote-test-key';
  const server = await startServer(['--data', data, '--model', served], { env: { SLIPWAY_API_KEY: key } });
  try {
    const url = server.origin;
    const noKey = { env: { SLIPWAY_API_KEY: undefined } };
    const withKey = { env: { SLIPWAY_API_KEY: key } };
    const remote = (...args) => ['models', ...args, '--server', url];

    // The key: missing is refused with the server's message; --api-key or $SLIPWAY_API_KEY work.
    let err = fails(remote('list'), noKey);
    assert.doesNotMatch(err, /cannot connect/);
    assert.match(ok([...remote('list'), '--api-key', key], noKey), /^NAME\s+VERSIONS/);

    // A relative path is sent made absolute (the server reads it).
    fs.mkdirSync(path.join(tmp.dir, 'remote-cwd'), { recursive: true });
    fs.cpSync(seedFolder, path.join(tmp.dir, 'remote-cwd', 'first'), { recursive: true });
    let out = ok(remote('register', 'demo', '--path', 'first', '--label', 'r1', '--param', 'learning_rate=0.0002'),
      { ...withKey, cwd: path.join(tmp.dir, 'remote-cwd') });
    assert.match(out, /^registered demo\/1 \(label r1, \d+ files, /);
    const second = modelFolder('remote-second', { seed: 2 });
    ok(remote('register', 'demo', '--path', second, '--label', 'r2', '--param', 'learning_rate=0.0001',
      '--parent', 'demo/r1'), withKey);

    const shown = JSON.parse(ok(remote('show', 'demo/r1', '--json'), withKey));
    assert.equal(shown.version, 1);
    assert.equal(shown.source.path, fs.realpathSync(path.join(tmp.dir, 'remote-cwd', 'first')));
    assert.notEqual(shown.creator, '');
    assert.doesNotMatch(shown.creator, /^cli:/, 'the server records its own actor');
    assert.equal(JSON.parse(ok(remote('show', 'demo', '--json'), withKey)).version, 2);
    assert.match(ok(remote('list'), withKey), /\ndemo\s+2\s+2\s+-\n/);
    assert.match(ok(remote('list', 'demo'), withKey), /\n2\s+r2\s+candidate\s+/);
    assert.ok(ok(remote('diff', 'demo/1', 'demo/2'), withKey).includes('learning_rate: 0.0002 -> 0.0001'));

    assert.equal(ok(remote('alias', 'demo', 'production', '1', '--reason', 'a & b?'), withKey),
      'demo@production -> demo/1 (r1)\n');
    assert.equal(JSON.parse(ok(remote('show', 'demo@production', '--json'), withKey)).version, 1);
    err = fails(remote('stage', 'demo@production', 'production', '--reason', 'skip'), withKey);
    assert.match(err, /promote it to staging first/);
    assert.equal(ok(remote('stage', 'demo/1', 'staging', '--reason', 'canary'), withKey),
      'demo/1: candidate -> staging\n');
    const staging = JSON.parse(ok(remote('list', 'demo', '--stage', 'staging', '--json'), withKey)).data;
    assert.deepEqual(staging.map((v) => v.version), [1]);
    assert.equal(ok(remote('alias', 'demo', 'production', '--delete', '--reason', 'x/y'), withKey),
      'removed alias demo@production\n');
    out = ok(remote('history', 'demo'), withKey);
    for (const part of ['alias_set', 'a & b?', 'version 1: candidate -> staging', 'alias_removed', 'x/y']) {
      assert.ok(out.includes(part), `history lacks ${part}:\n${out}`);
    }
    assert.match(fails(remote('show', 'demo/7'), withKey), /demo\/7/);

    // verify runs on the server, on its files
    assert.match(ok(remote('verify', 'demo/2', '--full'), withKey), /^ok demo\/2 \(\d+ files, \d+ hashed\)\n$/);
    const config = path.join(second, 'config.json');
    const bytes = fs.readFileSync(config);
    bytes[bytes.length - 2] = bytes[bytes.length - 2] === 0x20 ? 0x0a : 0x20;
    fs.writeFileSync(config, bytes);
    assert.match(fails(remote('verify', 'demo/2', '--full'), withKey), /config\.json/);

    // The direct view of the same data folder agrees.
    const direct = JSON.parse(ok(['models', 'list', 'demo', '--json', '--data', data], noKey)).data;
    assert.deepEqual(direct.map((v) => v.label), ['r1', 'r2']);
  } finally {
    await server.stop();
  }
});
