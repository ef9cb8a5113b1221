// `slipway serve` on the model registry: registered versions served by `name@alias` and
// `name/N`, a changed safetensors byte refusing to serve, loads and unloads through the admin
// API with the memory budget's admission check, YAML models registered idempotently at start,
// and no acknowledged registration lost to a kill -9 (SQLite, and PostgreSQL when available).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { makeTempDir, makeTinyModel, startServer, kvBlockBytes, sleep, tinyModelFolder } from './lib/server.mjs';
import { makeClient } from './lib/client.mjs';
import { postRaw, getRaw, assertErrorShape } from './lib/http.mjs';
import { freshPostgresUrl } from './lib/postgres.mjs';
import { registerVersion, runSlipway, slipwayOk } from './lib/registry.mjs';

const T = { timeout: 180_000 };
const MiB = 1024 * 1024;
let tmp;
let seedFolder;  // one tiny model, copied wherever a scenario needs a folder of its own

before(() => {
  tmp = makeTempDir('registry-serve');
  seedFolder = makeTinyModel(path.join(tmp.dir, 'seed'), { seed: 1 }).dir;
});
after(() => tmp?.cleanup());

// A tiny model folder: seed 1 is a copy of seedFolder, others are written anew.
function tinyFolder(name, seed = 1) {
  return tinyModelFolder(path.join(tmp.dir, 'models', name),
    seed === 1 ? { seedDir: seedFolder } : { seed });
}

// Registers a folder with `slipway models register`; returns the version number.
function registerFolder(dataDir, name, folder, label) {
  return registerVersion(dataDir, name, ['--path', folder], label);
}

function setAlias(dataDir, name, alias, version) {
  slipwayOk(['models', 'alias', name, alias, String(version), '--data', dataDir, '--reason', 'e2e']);
}

// Flips one byte in the middle of a file, keeping its size; moves its mtime so the fast
// check cannot miss it whatever the file system's timestamp resolution.
function corruptMiddleByte(file) {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  try {
    const buf = Buffer.alloc(1);
    const at = Math.floor(size / 2);
    fs.readSync(fd, buf, 0, 1, at);
    buf[0] ^= 0xff;
    fs.writeSync(fd, buf, 0, 1, at);
  } finally {
    fs.closeSync(fd);
  }
  assert.equal(fs.statSync(file).size, size);
  const later = new Date(Date.now() + 5_000);
  fs.utimesSync(file, later, later);
}

async function chat(server, model) {
  const client = makeClient(server);
  return client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: 'Say something.' }],
    max_tokens: 4,
    temperature: 0,
  });
}

// What the server admits a tiny model for with --kv-cache-mb 1: its weights plus the KV
// cache rounded down to whole blocks.
function estimateBytes(folder) {
  const config = JSON.parse(fs.readFileSync(path.join(folder, 'config.json'), 'utf8'));
  const weights = fs.readdirSync(folder)
    .filter((f) => f.endsWith('.safetensors'))
    .reduce((sum, f) => sum + fs.statSync(path.join(folder, f)).size, 0);
  const block = kvBlockBytes(config);
  return weights + Math.floor(MiB / block) * block;
}

test('a registered version is served by name@alias and answers by name/N too', T, async () => {
  const data = path.join(tmp.dir, 'data-a');
  const folder = tinyFolder('chat-a');
  const version = registerFolder(data, 'chat', folder, 'chat-tiny-v1');
  assert.equal(version, 1);
  setAlias(data, 'chat', 'production', version);

  const server = await startServer(['--data', data, '--model', 'chat@production']);
  try {
    assert.match(server.stderrText, /serving chat\/1 \(label chat-tiny-v1/);
    const models = await makeClient(server).models.list();
    assert.deepEqual(models.data.map((m) => m.id), ['chat']);
    for (const model of ['chat', 'chat/1', 'chat@production', 'chat/chat-tiny-v1']) {
      const answer = await chat(server, model);
      assert.equal(answer.object, 'chat.completion', model);
      assert.equal(answer.choices.length, 1, model);
    }
    // A version that is registered but not loaded, or unknown: 404 model_not_found.
    for (const model of ['chat/2', 'chat@staging', 'other@production']) {
      const res = await postRaw(`${server.baseURL}/chat/completions`, { model, messages: [{ role: 'user', content: 'x' }] });
      assert.equal(res.status, 404, `${model}: ${res.text}`);
      assert.equal(assertErrorShape(res.json, model).code, 'model_not_found');
    }
  } finally {
    await server.stop();
  }
});

test('a byte changed in a registered safetensors file stops serve, naming the file', T, async () => {
  const data = path.join(tmp.dir, 'data-b');
  const folder = tinyFolder('broken');
  registerFolder(data, 'broken', folder, 'broken-v1');
  corruptMiddleByte(path.join(folder, 'model.safetensors'));
  const r = runSlipway(['serve', '--data', data, '--model', 'broken/1', '--host', '127.0.0.1', '--port', '0', '--threads', '1']);
  assert.notEqual(r.status, 0, `serve should have failed:\n${r.stderr}`);
  assert.equal(r.signal, null, r.stderr);
  assert.match(r.stderr, /model\.safetensors/, r.stderr);
  assert.match(r.stderr, /slipway: error:/, r.stderr);
});

test('the admin API loads and unloads versions, with admission and artifact checks', T, async () => {
  const data = path.join(tmp.dir, 'data-c');
  const one = tinyFolder('adm-1');
  const two = tinyFolder('adm-2', 2);
  const three = tinyFolder('adm-3', 3);
  registerFolder(data, 'adm', one, 'adm-v1');
  registerFolder(data, 'adm', two, 'adm-v2');
  registerFolder(data, 'adm', three, 'adm-v3');
  registerFolder(data, 'adm', tinyFolder('adm-4', 4), 'adm-v4');
  corruptMiddleByte(path.join(three, 'model.safetensors'));

  // Room for two of these models, not three.
  const estimate = estimateBytes(one);
  const budgetMb = Math.floor((2.5 * estimate) / MiB * 1000) / 1000;
  const server = await startServer(['--data', data, '--model', 'adm/1', '--kv-cache-mb', '1', '--memory-budget-mb', String(budgetMb)]);
  const admin = `${server.origin}/admin/v1`;
  try {
    let served = await getRaw(`${admin}/served`);
    assert.equal(served.status, 200, served.text);
    assert.equal(served.json.data.length, 1);
    assert.equal(served.json.data[0].name, 'adm');
    assert.equal(served.json.data[0].version, 'adm/1');
    assert.equal(served.json.data[0].memory_bytes, estimate);
    assert.equal(served.json.memory_used_bytes, estimate);
    assert.equal(served.json.memory_budget_bytes, Math.floor(budgetMb * MiB));

    // A second version under its own name.
    const loaded = await postRaw(`${admin}/served`, { version: 'adm@adm-missing-alias', name: 'x' });
    assert.equal(loaded.status, 404, loaded.text);
    const load = await postRaw(`${admin}/served`, { version: 'adm/2', name: 'adm-two' });
    assert.equal(load.status, 201, load.text);
    assert.equal(load.json.version, 'adm/2');
    assert.equal(load.json.label, 'adm-v2');
    assert.equal((await chat(server, 'adm-two')).object, 'chat.completion');
    assert.equal((await chat(server, 'adm/2')).object, 'chat.completion');
    assert.equal((await chat(server, 'adm/adm-v2')).object, 'chat.completion');
    const names = (await makeClient(server).models.list()).data.map((m) => m.id).sort();
    assert.deepEqual(names, ['adm', 'adm-two']);

    // The name serves another version: 409.
    const taken = await postRaw(`${admin}/served`, { version: 'adm/2', name: 'adm' });
    assert.equal(taken.status, 409, taken.text);
    assertErrorShape(taken.json, 'name taken');

    // The same version under a second name shares its loaded engine: no new memory.
    const usedBefore = (await (await fetch(`${admin}/served`)).json()).memory_used_bytes;
    const shared = await postRaw(`${admin}/served`, { version: 'adm/1', name: 'adm-again' });
    assert.equal(shared.status, 201, shared.text);
    assert.equal((await (await fetch(`${admin}/served`)).json()).memory_used_bytes, usedBefore);
    assert.equal((await fetch(`${admin}/served/adm-again`, { method: 'DELETE' })).status, 200);

    // A third model does not fit the budget.
    const over = await postRaw(`${admin}/served`, { version: 'adm/4', name: 'adm-extra' });
    assert.equal(over.status, 409, over.text);
    const overError = assertErrorShape(over.json, 'over budget');
    assert.equal(overError.code, 'memory_budget_exceeded');
    assert.match(overError.message, /MiB/);

    // Unloading: 404 after, memory given back.
    const del = await fetch(`${admin}/served/adm-two`, { method: 'DELETE' });
    assert.equal(del.status, 200, await del.text());
    const gone = await postRaw(`${server.baseURL}/chat/completions`, { model: 'adm-two', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(gone.status, 404, gone.text);
    const goneRef = await postRaw(`${server.baseURL}/chat/completions`, { model: 'adm/2', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(goneRef.status, 404, goneRef.text);
    served = await getRaw(`${admin}/served`);
    assert.deepEqual(served.json.data.map((e) => e.name), ['adm']);
    assert.equal(served.json.memory_used_bytes, estimate);
    const again = await fetch(`${admin}/served/adm-two`, { method: 'DELETE' });
    assert.equal(again.status, 404);

    // A changed file: 409 naming it; nothing is left loaded or reserved.
    const changed = await postRaw(`${admin}/served`, { version: 'adm/3', name: 'adm-three' });
    assert.equal(changed.status, 409, changed.text);
    const changedError = assertErrorShape(changed.json, 'changed');
    assert.equal(changedError.code, 'artifact_changed');
    assert.match(changedError.message, /model\.safetensors/);
    served = await getRaw(`${admin}/served`);
    assert.equal(served.json.memory_used_bytes, estimate);

    // An alias moved by another process reaches the running server.
    setAlias(data, 'adm', 'production', 1);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await postRaw(`${server.baseURL}/chat/completions`, { model: 'adm@production', messages: [{ role: 'user', content: 'x' }], max_tokens: 2 });
      if (res.status === 200) break;
      assert.ok(Date.now() < deadline, `adm@production never resolved: ${res.status} ${res.text}`);
      await sleep(100);
    }
  } finally {
    await server.stop();
  }
});

test('YAML models are registered at start, once', T, async () => {
  const data = path.join(tmp.dir, 'data-d');
  const folder = tinyFolder('cfg-model');
  const config = path.join(tmp.dir, 'cfg.yaml');
  fs.writeFileSync(config, [
    'server:',
    '  host: 127.0.0.1',
    '  port: 0',
    `  data_dir: ${JSON.stringify(data)}`,
    'engine:',
    '  threads: 1',
    'models:',
    '  - name: cfg',
    `    path: ${JSON.stringify(folder)}`,
    '',
  ].join('\n'));
  const versionsOf = async (server) => {
    const res = await getRaw(`${server.origin}/admin/v1/models/cfg/versions`);
    assert.equal(res.status, 200, res.text);
    return res.json.data;
  };
  let server = await startServer(['--config', config], { threads: null });
  try {
    assert.match(server.stderrText, /serving cfg\/1 \(label [^,]+, registered now\)/);
    const versions = await versionsOf(server);
    assert.equal(versions.length, 1);
    assert.equal(versions[0].creator, 'config');
  } finally {
    await server.stop();
  }
  server = await startServer(['--config', config], { threads: null });
  try {
    assert.match(server.stderrText, /serving cfg\/1 \(label [^,]+, already registered\)/);
    assert.equal((await versionsOf(server)).length, 1);
    assert.equal((await chat(server, 'cfg')).object, 'chat.completion');
  } finally {
    await server.stop();
  }
  // A changed folder is a new version.
  makeTinyModel(folder, { seed: 5 });
  server = await startServer(['--config', config], { threads: null });
  try {
    assert.match(server.stderrText, /serving cfg\/2 \(label [^,]+, registered now\)/);
    assert.equal((await versionsOf(server)).length, 2);
  } finally {
    await server.stop();
  }
});

// Fires registrations at a server, kills it with SIGKILL mid-burst, and checks that every
// acknowledged version survived, with its label, and that the store passes its check.
async function killDuringBurst(storeArgs, name) {
  const folder = tinyFolder(`burst-${name}`);
  const server = await startServer([...storeArgs, '--model', folder, '--served-model-name', 'scratch']);
  const url = `${server.origin}/admin/v1/models/${name}/versions`;
  const acknowledged = [];
  const total = 120;
  const killAfter = 15;
  let killed = false;
  const register = async (i) => {
    const label = `burst-label-${i}`;
    try {
      const res = await postRaw(url, { label, source: { kind: 'embedded', path: folder } }, { timeoutMs: 30_000 });
      if (res.status === 201) {
        acknowledged.push({ label, version: res.json.version.version });
        if (acknowledged.length >= killAfter && !killed) {
          killed = true;
          server.proc.kill('SIGKILL');
        }
      } else if (!killed) {
        assert.fail(`registration ${i}: ${res.status} ${res.text}`);
      }
    } catch (e) {
      if (!killed && server.running) throw e;  // after the kill, failures are expected
    }
  };
  // 16 in flight at a time until the kill.
  let next = 0;
  const workers = Array.from({ length: 16 }, async () => {
    while (next < total && !killed && server.running) await register(next++);
  });
  await Promise.all(workers);
  if (!killed) server.proc.kill('SIGKILL');
  const exit = await server.exited;
  assert.equal(exit.signal, 'SIGKILL', 'the server was not killed mid-burst: make the burst longer');
  assert.ok(acknowledged.length >= killAfter, `only ${acknowledged.length} acknowledged`);

  const numbers = acknowledged.map((a) => a.version);
  assert.equal(new Set(numbers).size, numbers.length, `duplicate version numbers: ${numbers}`);
  const listed = JSON.parse(slipwayOk(['models', 'list', name, '--json', ...storeArgs])).data;
  const byNumber = new Map(listed.map((v) => [v.version, v]));
  for (const a of acknowledged) {
    assert.ok(byNumber.has(a.version), `acknowledged ${name}/${a.version} is missing after kill -9`);
    assert.equal(byNumber.get(a.version).label, a.label);
  }
  assert.equal(slipwayOk(['store', 'check', ...storeArgs]).trim(), 'ok');
  // A restarted server sees them too.
  const again = await startServer([...storeArgs, '--model', folder, '--served-model-name', 'scratch']);
  try {
    const res = await getRaw(`${again.origin}/admin/v1/models/${name}/versions`);
    assert.equal(res.status, 200, res.text);
    const labels = new Set(res.json.data.map((v) => v.label));
    for (const a of acknowledged) assert.ok(labels.has(a.label), a.label);
  } finally {
    await again.stop();
  }
}

test('kill -9 during a burst of registrations loses no acknowledged version (SQLite)', T, async () => {
  await killDuringBurst(['--data', path.join(tmp.dir, 'data-e')], 'burst');
});

test('kill -9 during a burst of registrations loses no acknowledged version (PostgreSQL)', T, async () => {
  const url = await freshPostgresUrl('registry_serve_burst');
  await killDuringBurst(['--store', url], 'burst');
});
