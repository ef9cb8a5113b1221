// LoRA adapters served as versions on one shared base: a config with a base and two adapters
// (distinct, deterministic greedy answers; /v1/models lists the parent), adapters loaded and
// unloaded through the admin API while streams run, bad adapters refused with a clear error
// while the server keeps serving, the --max-loras limit, and concurrent requests to the base
// and two adapters (batched together) equal to their solo answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BINARY, makeTempDir, makeTinyModel, makeTinyAdapter, startServer } from './lib/server.mjs';
import { makeClient, collectStream, streamText, tokenIdPrompt } from './lib/client.mjs';
import { postRaw, getRaw, assertErrorShape } from './lib/http.mjs';

const T = { timeout: 240_000 };
const PROMPT = tokenIdPrompt(12, 7);
const MAX_TOKENS = 12;
const LONG = 3000;  // a stream long enough to outlast an admin call (context 4096)
let tmp;
let baseDir;
let adapters;  // name -> folder

before(() => {
  tmp = makeTempDir('lora');
  baseDir = makeTinyModel(path.join(tmp.dir, 'base'), { seed: 1 }).dir;
  adapters = {
    ada1: makeTinyAdapter(path.join(tmp.dir, 'ada1'), baseDir, { seed: 11 }),
    ada2: makeTinyAdapter(path.join(tmp.dir, 'ada2'), baseDir, { seed: 12, rank: 4 }),
  };
});
after(() => tmp?.cleanup());

function slipwayOk(args) {
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `slipway ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

// Registers an adapter folder as a lora version over `base` ("name/N"); returns "name/N".
function registerAdapter(data, name, folder, base) {
  const out = slipwayOk(['models', 'register', name, '--path', folder, '--lora-base', base, '--data', data, '--json']);
  const json = JSON.parse(out);
  return `${name}/${json.version?.version ?? json.version}`;
}

function writeConfig(file, models, engine = {}) {
  const lines = ['server:', '  host: 127.0.0.1', '  port: 0', 'engine:', '  kv_cache_mb: 16'];
  for (const [k, v] of Object.entries(engine)) lines.push(`  ${k}: ${v}`);
  lines.push('models:');
  for (const m of models) {
    lines.push(`  - name: ${m.name}`);
    for (const key of ['path', 'adapter', 'base']) if (m[key]) lines.push(`    ${key}: ${JSON.stringify(m[key])}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

// The greedy completion of PROMPT by `model`: its text.
async function greedy(server, model, maxTokens = MAX_TOKENS) {
  const answer = await makeClient(server).completions.create({
    model, prompt: PROMPT, max_tokens: maxTokens, temperature: 0, ignore_eos: true,
  });
  assert.equal(answer.usage.completion_tokens, maxTokens, `${model}: ${JSON.stringify(answer.usage)}`);
  return answer.choices[0].text;
}

function admin(server, method, route, body) {
  const url = `${server.origin}/admin/v1${route}`;
  if (method === 'GET') return getRaw(url);
  if (method === 'POST') return postRaw(url, body);
  return fetch(url, { method, signal: AbortSignal.timeout(30_000) }).then(async (res) => {
    const text = await res.text();
    let json;
    try { json = JSON.parse(text); } catch { json = undefined; }
    return { status: res.status, text, json };
  });
}

async function loadVersion(server, version, name) {
  return admin(server, 'POST', '/served', name ? { version, name } : { version });
}

// A long greedy stream on `model`; `during` runs once its first chunk has arrived. Returns the
// text, the number of completion tokens and whether the stream was still open when `during`
// had finished.
async function streamWhile(server, model, maxTokens, during) {
  const stream = await makeClient(server).completions.create({
    model, prompt: PROMPT, max_tokens: maxTokens, temperature: 0, ignore_eos: true, stream: true,
    stream_options: { include_usage: true },
  });
  let duringDone;
  let openAfterDuring = false;
  let finished = false;
  const chunks = await collectStream(stream, {
    timeoutMs: 120_000,
    onChunk: (chunk) => {
      if (!duringDone) duringDone = during().then((r) => { openAfterDuring = !finished; return r; });
      if (chunk.choices?.some((c) => c.finish_reason)) finished = true;
    },
  });
  const duringResult = await duringDone;
  const usage = chunks.find((c) => c.usage)?.usage;
  return { text: streamText(chunks), tokens: usage?.completion_tokens, openAfterDuring, duringResult };
}

async function expectNotFound(server, model) {
  const res = await postRaw(`${server.baseURL}/completions`, { model, prompt: PROMPT, max_tokens: 2 });
  assert.equal(res.status, 404, `${model}: ${res.text}`);
  assert.equal(assertErrorShape(res.json, model).code, 'model_not_found');
}

test('a config with a base and two adapters: distinct deterministic answers, listed with parent, batched together', T, async () => {
  const data = path.join(tmp.dir, 'data-a');
  const config = writeConfig(path.join(tmp.dir, 'a.yaml'), [
    { name: 'ada1', adapter: adapters.ada1, base: 'base' },  // before its base: still fine
    { name: 'base', path: baseDir },
    { name: 'ada2', adapter: adapters.ada2, base: 'base' },
  ]);
  const server = await startServer(['--config', config, '--data', data]);
  try {
    assert.match(server.stderrText, /serving ada1\/1 \(label [^)]*\) as "ada1" on base\/1/);
    const solo = {};
    for (const model of ['base', 'ada1', 'ada2']) {
      solo[model] = await greedy(server, model);
      assert.equal(await greedy(server, model), solo[model], `${model} is not deterministic`);
      assert.ok(solo[model].length > 0, model);
    }
    assert.notEqual(solo.ada1, solo.base);
    assert.notEqual(solo.ada2, solo.base);
    assert.notEqual(solo.ada1, solo.ada2);

    const models = await makeClient(server).models.list();
    const byId = Object.fromEntries(models.data.map((m) => [m.id, m]));
    assert.deepEqual(Object.keys(byId).sort(), ['ada1', 'ada2', 'base']);
    assert.equal(byId.ada1.parent, 'base/1');
    assert.equal(byId.ada1.root, fs.realpathSync(adapters.ada1));
    assert.equal(byId.ada2.parent, 'base/1');
    assert.equal(byId.base.parent, undefined);

    // The admin list: adapters cost their file, the base is counted once.
    const served = (await admin(server, 'GET', '/served')).json;
    const entry = Object.fromEntries(served.data.map((e) => [e.name, e]));
    assert.equal(entry.ada1.source, 'lora');
    assert.equal(entry.ada1.base, 'base/1');
    const fileSize = (dir) => fs.statSync(path.join(dir, 'adapter_model.safetensors')).size;
    assert.equal(entry.ada1.memory_bytes, fileSize(adapters.ada1) + 512 * 1024);
    assert.equal(served.memory_used_bytes,
      entry.base.memory_bytes + entry.ada1.memory_bytes + entry.ada2.memory_bytes);

    // (e) All at once: the same scheduler runs them in mixed batches; each equals its solo.
    const jobs = [];
    for (let round = 0; round < 3; round++) {
      for (const model of ['base', 'ada1', 'ada2']) jobs.push(greedy(server, model).then((text) => [model, text]));
    }
    for (const [model, text] of await Promise.all(jobs)) assert.equal(text, solo[model], `${model} batched`);
  } finally {
    await server.stop();
  }
});

test('adapters load and unload through the admin API while streams run', T, async () => {
  const data = path.join(tmp.dir, 'data-b');
  const config = writeConfig(path.join(tmp.dir, 'b.yaml'), [
    { name: 'base', path: baseDir },
    { name: 'ada1', adapter: adapters.ada1, base: 'base' },
    { name: 'ada2', adapter: adapters.ada2, base: 'base' },
  ]);
  const server = await startServer(['--config', config, '--data', data]);
  try {
    const ada3 = makeTinyAdapter(path.join(tmp.dir, 'ada3'), baseDir, { seed: 13 });
    const ref = registerAdapter(data, 'ada3', ada3, 'base/1');
    const soloAda1 = await greedy(server, 'ada1', LONG);

    // Load ada3 while a long stream runs on ada1: the stream completes with all its tokens.
    const long = await streamWhile(server, 'ada1', LONG, () => loadVersion(server, ref));
    assert.equal(long.duringResult.status, 201, long.duringResult.text);
    assert.equal(long.duringResult.json.source, 'lora');
    assert.equal(long.duringResult.json.base, 'base/1');
    assert.ok(long.openAfterDuring, 'the load finished after the stream: nothing was overlapped');
    assert.equal(long.tokens, LONG);
    assert.equal(long.text, soloAda1);
    const answer3 = await greedy(server, 'ada3');
    assert.notEqual(answer3, await greedy(server, 'base'));
    assert.equal(await greedy(server, ref), answer3);  // by "name/N" too

    // Unload ada2 while a stream runs on it: that stream completes; new requests get 404.
    const soloAda2 = await greedy(server, 'ada2', LONG);
    const cut = await streamWhile(server, 'ada2', LONG, () => admin(server, 'DELETE', '/served/ada2'));
    assert.equal(cut.duringResult.status, 200, cut.duringResult.text);
    assert.ok(cut.openAfterDuring, 'the unload finished after the stream: nothing was overlapped');
    assert.equal(cut.tokens, LONG);
    assert.equal(cut.text, soloAda2);
    await expectNotFound(server, 'ada2');
    await expectNotFound(server, 'ada2/1');
    assert.ok((await greedy(server, 'ada1')).length > 0);
    assert.ok((await greedy(server, 'base')).length > 0);
  } finally {
    await server.stop();
  }
});

test('bad adapters are refused naming them, and the server keeps serving', T, async () => {
  const data = path.join(tmp.dir, 'data-c');
  const config = writeConfig(path.join(tmp.dir, 'c.yaml'), [
    { name: 'base', path: baseDir },
    { name: 'ada1', adapter: adapters.ada1, base: 'base' },
  ], { max_lora_rank: 16 });
  const server = await startServer(['--config', config, '--data', data]);
  try {
    const baseAnswer = await greedy(server, 'base');
    const ada1Answer = await greedy(server, 'ada1');

    // An adapter for another base: config.json with twice the hidden size (tiny-adapter reads
    // only config.json for the shapes).
    const otherBase = path.join(tmp.dir, 'other-base');
    fs.mkdirSync(otherBase, { recursive: true });
    const cfg = JSON.parse(fs.readFileSync(path.join(baseDir, 'config.json'), 'utf8'));
    cfg.hidden_size *= 2;
    fs.writeFileSync(path.join(otherBase, 'config.json'), JSON.stringify(cfg));
    const foreign = makeTinyAdapter(path.join(tmp.dir, 'bad-foreign'), otherBase, { seed: 21 });

    const dora = makeTinyAdapter(path.join(tmp.dir, 'bad-dora'), baseDir, { seed: 22 });
    const doraConfig = path.join(dora, 'adapter_config.json');
    fs.writeFileSync(doraConfig, JSON.stringify({ ...JSON.parse(fs.readFileSync(doraConfig, 'utf8')), use_dora: true }));

    const big = makeTinyAdapter(path.join(tmp.dir, 'bad-rank'), baseDir, { seed: 23, rank: 32 });

    const cases = [
      { name: 'bad-foreign', folder: foreign, status: 400, code: 'invalid_adapter' },
      { name: 'bad-dora', folder: dora, status: 400, code: 'invalid_adapter', pattern: /dora/i },
      { name: 'bad-rank', folder: big, status: 400, code: 'invalid_adapter', pattern: /32|rank/ },
    ];
    for (const c of cases) c.ref = registerAdapter(data, c.name, c.folder, 'base/1');
    // Deleted after registering: the registered file is gone, so the artifact check refuses it
    // (409 artifact_changed) before the adapter is read.
    const gone = makeTinyAdapter(path.join(tmp.dir, 'bad-missing'), baseDir, { seed: 24 });
    cases.push({ name: 'bad-missing', folder: gone, status: 409, code: 'artifact_changed',
      pattern: /adapter_model\.safetensors/, ref: registerAdapter(data, 'bad-missing', gone, 'base/1') });
    fs.rmSync(path.join(gone, 'adapter_model.safetensors'));

    for (const c of cases) {
      const res = await loadVersion(server, c.ref);
      assert.equal(res.status, c.status, `${c.name}: ${res.text}`);
      const error = assertErrorShape(res.json, c.name);
      assert.equal(error.code, c.code, `${c.name}: ${res.text}`);
      const named = error.message.includes(fs.realpathSync(c.folder)) || error.message.includes(c.ref);
      assert.ok(named, `${c.name}: the message names neither the folder nor the version: ${error.message}`);
      if (c.pattern) assert.match(error.message, c.pattern, c.name);
      await expectNotFound(server, c.name);
      assert.equal(await greedy(server, 'base'), baseAnswer, `base after ${c.name}`);
      assert.equal(await greedy(server, 'ada1'), ada1Answer, `ada1 after ${c.name}`);
    }
    const served = (await admin(server, 'GET', '/served')).json;
    assert.deepEqual(served.data.map((e) => e.name).sort(), ['ada1', 'base']);
  } finally {
    await server.stop();
  }
});

test('--max-loras 2: a third adapter is refused until one is unloaded', T, async () => {
  const data = path.join(tmp.dir, 'data-d');
  const server = await startServer(['--model', baseDir, '--data', data, '--kv-cache-mb', '4', '--max-loras', '2',
    '--lora', `ada1=${adapters.ada1}`, '--lora', `ada2=${adapters.ada2}`]);
  try {
    const ada3 = makeTinyAdapter(path.join(tmp.dir, 'ada3-d'), baseDir, { seed: 31 });
    const ref = registerAdapter(data, 'ada3', ada3, 'base/1');
    const refused = await loadVersion(server, ref);
    assert.equal(refused.status, 409, refused.text);
    const error = assertErrorShape(refused.json, 'third adapter');
    assert.equal(error.code, 'too_many_adapters');
    assert.match(error.message, /max_loras = 2/);
    assert.match(error.message, /ada1, ada2/);
    await expectNotFound(server, 'ada3');

    const unloaded = await admin(server, 'DELETE', '/served/ada1');
    assert.equal(unloaded.status, 200, unloaded.text);
    const loaded = await loadVersion(server, ref);
    assert.equal(loaded.status, 201, loaded.text);
    assert.ok((await greedy(server, 'ada3')).length > 0);
    assert.ok((await greedy(server, 'ada2')).length > 0);
    await expectNotFound(server, 'ada1');
  } finally {
    await server.stop();
  }
});
