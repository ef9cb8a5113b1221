// Crash safety end to end: a mixed workload against `slipway serve` on a SQLite data folder
// (registrations through the admin API and `slipway models register`, alias flips, stage
// changes, feedback on answered chats, a route's fallback changes, rollouts started and moved by
// promote / pause / resume while the controller advances them under load), with the server
// killed (SIGKILL) at seeded random points, several rounds, restarted on the same data each
// time. After each kill: `slipway store check` passes; every write answered 2xx before the kill
// is there; writes in flight are there whole or not at all (a version with all its artifacts, an
// event with its change); a rollout resumes where it was and keeps advancing.
// Replay a failure with CRASH_SEED=<the printed seed>. A second test kills the server at one
// exact point with gdb: after a rollout's completion is written, before the registry follows.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BINARY, makeTempDir, sleep, startServer, tinyModelFolder } from './lib/server.mjs';
import { adminCall } from './lib/http.mjs';
import { registerVersion, slipwayOk } from './lib/registry.mjs';
import { seedFrom, seededRandom } from './lib/seeded_random.mjs';
import { WriteLedger } from './lib/write_ledger.mjs';

const T = { timeout: 200_000 };
const ROUNDS = 4;
const ROUTE = 'crash-route';
const AUX = 'aux';  // the registry's playground: registrations, aliases, stages
const ALIASES = ['qa', 'latest'];
const STAGE_CYCLE = { candidate: 'staging', staging: 'production', production: 'archived', archived: 'candidate' };
// Short steps and few requests, so a little load moves the rollout; lenient gates, so it moves
// on load alone (satisfaction is not tracked: ratings go to answers of another model).
const PLAN = {
  steps: [10, 25, 50, 75, 100],
  min_duration: '1s',
  min_requests: 2,
  gates: { latency_p95_ratio: 1000, error_rate_rise_points: 100 },
};
const SEED = seedFrom('CRASH_SEED');
const killTimes = seededRandom(SEED);  // the kill points replay exactly from the seed
const rng = seededRandom(SEED ^ 0x9e3779b9);  // the actions too, as far as timing lets them
const runFile = promisify(execFile);

let tmp;
let server;
let data;
const folders = [];
let artifactFiles = 0;

after(async () => {
  await server?.kill();
  tmp?.cleanup();
});

// ---- what the clients were told ------------------------------------------------------------

const registered = new Map();  // "model/N" -> {label, artifacts}: registrations answered 2xx
const auxVersions = [];        // acknowledged aux version numbers, for aliases and stages
const aliases = new WriteLedger();  // alias of aux -> version number (undefined: none)
const stages = new WriteLedger();   // "aux/N" -> stage
const fallback = new WriteLedger(); // 'fallback' -> the route's fallback ref (null: none)
const ratings = new Map();     // answer id -> {user, rating}: feedback answered 200
const maybeRatings = new Map();  // feedback in flight at the kill
const ackedEvents = new Set();   // traffic event ids seen in acknowledged rollout answers
let problems = [];             // wrong answers seen while the server was alive
let killed = false;
let round = 0;
const counts = {};

const count = (what) => { counts[what] = (counts[what] ?? 0) + 1; };
const admin = (method, pathname, body) =>
  adminCall(server.origin, method, pathname, body, { timeoutMs: 20_000 });
const is2xx = (status) => status >= 200 && status < 300;
const artifactsOf = (version) =>
  version.artifacts.map((a) => `${a.path}:${a.size}:${a.sha256}`).sort();

// An answer that is an error while the server lives: a 5xx always is a problem; 4xx only when
// `expected4xx` does not allow it (e.g. a stage the rules refuse).
function note(what, answer, expected4xx = () => false) {
  if (killed || is2xx(answer.status)) return;
  if (answer.status < 500 && expected4xx(answer)) return;
  problems.push(`${what}: ${answer.status} ${JSON.stringify(answer.json ?? answer.text)}`);
}

async function chat(model, content) {
  const res = await fetch(`${server.origin}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }], max_tokens: 2 }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

// ---- the workload: each worker stops when the server dies ----------------------------------

// Runs `step` until the kill; a failed request after the kill ends it, before it is a problem.
async function worker(name, step) {
  while (!killed) {
    try {
      await step();
    } catch (e) {
      if (!killed) problems.push(`${name}: ${e.stack ?? e}`);
      return;
    }
  }
}

function remember(version) {
  registered.set(version.ref, { label: version.label, artifacts: artifactsOf(version) });
}

async function registerThroughApi(model, label) {
  const r = await admin('POST', `/models/${model}/versions`, {
    label, source: { kind: 'embedded', path: rng.pick(folders) },
  });
  note(`register ${label}`, r);
  if (r.status !== 201) return null;
  remember(r.json.version);
  count('registrations');
  return r.json.version;
}

let registrations = 0;
async function registryStep() {
  const label = `r${round}-${++registrations}`;
  if (registrations % 4 === 0) {
    // The CLI writes the same data folder while the server runs (and dies): never killed itself,
    // so it must always succeed.
    try {
      const { stdout } = await runFile(BINARY, ['models', 'register', AUX, '--path', rng.pick(folders),
        '--label', label, '--data', data, '--json'], { timeout: 30_000 });
      const version = JSON.parse(stdout).version;
      remember(version);
      auxVersions.push(version.version);
      count('cli registrations');
    } catch (e) {
      problems.push(`slipway models register ${label}: ${e.stderr ?? e}`);
    }
  } else {
    const version = await registerThroughApi(AUX, label);
    if (version) auxVersions.push(version.version);
  }
  await sleep(rng.int(10, 60));
}

async function aliasStep() {
  await sleep(rng.int(20, 80));
  if (auxVersions.length === 0) return;
  const alias = rng.pick(ALIASES);
  if (aliases.acked.get(alias) !== undefined && rng.chance(0.15)) {
    const r = await aliases.write(alias, undefined,
      () => admin('DELETE', `/models/${AUX}/aliases/${alias}?reason=crash`));
    if (r) note(`remove alias ${alias}`, r);
    if (r && is2xx(r.status)) count('alias removals');
    return;
  }
  const version = rng.pick(auxVersions);
  const r = await aliases.write(alias, version,
    () => admin('PUT', `/models/${AUX}/aliases/${alias}`, { version, reason: `round ${round}` }));
  // An archived version takes no alias.
  if (r) note(`alias ${alias} -> ${version}`, r, (a) => a.json?.error?.code === 'version_archived');
  if (r && is2xx(r.status)) count('alias flips');
}

async function stageStep() {
  await sleep(rng.int(20, 80));
  if (auxVersions.length === 0) return;
  const key = `${AUX}/${rng.pick(auxVersions)}`;
  const stage = STAGE_CYCLE[stages.allowed(key, 'candidate')[0]];
  const r = await stages.write(key, stage, () =>
    admin('PUT', `/models/${AUX}/versions/${key.split('/')[1]}/stage`, { stage, reason: `round ${round}` }));
  // Archiving a version an alias points to is refused.
  if (r) note(`stage ${key} -> ${stage}`, r, (a) => a.json?.error?.code === 'stage_rule');
  if (r && is2xx(r.status)) count('stage changes');
}

let prompts = 0;
async function feedbackStep() {
  const n = ++prompts;
  const answer = await chat('plain', `round ${round} question ${n}: what is ${n} plus ${n}?`);
  note('chat on plain', answer);
  if (answer.status !== 200) return;
  const rating = { user: `user-${n % 5}`, rating: n % 3 === 0 ? -1 : 1 };
  maybeRatings.set(answer.json.id, rating);
  const res = await fetch(`${server.origin}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: answer.json.id, ...rating }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  note('feedback', { status: res.status, text });
  maybeRatings.delete(answer.json.id);
  if (res.status === 200) {
    ratings.set(answer.json.id, rating);
    count('ratings');
  }
}

async function routeLoadStep() {
  const answer = await chat(ROUTE, `load ${++prompts}`);
  note('chat on the route', answer);
}

function rememberEvents(status) {
  for (const event of status?.events ?? []) ackedEvents.add(event.id);
}

async function startRollout() {
  const canary = await registerThroughApi('support', `canary-r${round}-${++registrations}`);
  if (!canary) return;
  const r = await admin('POST', `/routes/${ROUTE}/rollout`, { canary: canary.ref, ...PLAN, reason: `round ${round}` });
  note(`rollout of ${canary.ref}`, r);
  if (r.status === 201) {
    rememberEvents(r.json);
    count('rollouts started');
  }
}

async function controlStep() {
  await sleep(rng.int(200, 600));
  const status = await admin('GET', `/routes/${ROUTE}/rollout`);
  if (status.status === 404 || !['running', 'paused'].includes(status.json.state)) {
    await startRollout();
    return;
  }
  note('rollout status', status);
  const x = rng.next();
  let action = null;
  // The last round leaves promotion to the controller, so a rollout is active at the last kill.
  if (x < 0.3 && round < ROUNDS) action = 'promote';
  else if (x < 0.45 && status.json.state === 'running') action = 'pause';
  else if (x < 0.7 && status.json.state === 'paused') action = 'resume';
  if (action) {
    const r = await admin('POST', `/routes/${ROUTE}/rollout/${action}`, { reason: `round ${round}` });
    // 409: the controller moved it meanwhile.
    note(`rollout ${action}`, r, (a) => a.status === 409);
    if (r.status === 200) {
      rememberEvents(r.json);
      count(`rollout ${action}s`);
    }
  } else if (x > 0.9) {
    const to = fallback.allowed('fallback', null)[0] === null ? 'support/1' : null;
    const r = await fallback.write('fallback', to,
      () => admin('PATCH', `/routes/${ROUTE}`, { fallback: to, reason: `round ${round}` }));
    if (r) note('route fallback', r);
    if (r && is2xx(r.status)) count('route changes');
  }
}

// ---- checks on the restarted server --------------------------------------------------------

async function get(pathname) {
  const r = await admin('GET', pathname);
  assert.equal(r.status, 200, `GET ${pathname}: ${JSON.stringify(r.json)}`);
  return r.json;
}

async function checkRegistry() {
  for (const [ref, want] of registered) {
    const [model, number] = ref.split('/');
    const version = await get(`/models/${model}/versions/${number}`);
    assert.equal(version.label, want.label, `${ref}'s label`);
    assert.deepEqual(artifactsOf(version), want.artifacts, `${ref}'s artifacts`);
  }
  // Never half: every version there (acknowledged or not) has all its files.
  for (const model of [AUX, 'support']) {
    for (const version of (await get(`/models/${model}/versions`)).data) {
      assert.equal(version.artifacts.length, artifactFiles, `${version.ref} has ${version.artifacts.length} artifacts`);
      if (model === AUX && !auxVersions.includes(version.version)) auxVersions.push(version.version);
    }
  }
}

async function checkAliasesAndStages() {
  const now = await get(`/models/${AUX}/aliases`);
  const history = (await get(`/models/${AUX}/history`)).data;
  for (const alias of ALIASES) {
    const value = now[alias];
    assert.ok(aliases.allowed(alias, undefined).includes(value),
      `alias ${alias} is ${value}; acknowledged ${aliases.acked.get(alias)}, in flight ${aliases.inFlight.get(alias)}`);
    // The history's last word on the alias is its value: no change without its event.
    const last = history.filter((e) => e.alias === alias && e.kind.startsWith('alias_')).at(-1);
    const said = last === undefined || last.kind === 'alias_removed' ? undefined : Number(last.to);
    assert.equal(value, said, `alias ${alias} vs its last event ${JSON.stringify(last)}`);
    aliases.settle(alias, value);
  }
  for (const key of stages.keys()) {
    const number = Number(key.split('/')[1]);
    const { stage } = await get(`/models/${AUX}/versions/${number}`);
    assert.ok(stages.allowed(key, 'candidate').includes(stage),
      `${key} is ${stage}; acknowledged ${stages.acked.get(key)}, in flight ${stages.inFlight.get(key)}`);
    const last = history.filter((e) => e.version === number && e.kind === 'stage').at(-1);
    assert.equal(stage, last?.to ?? 'candidate', `${key}'s stage vs its last event`);
    stages.settle(key, stage);
  }
}

async function checkRatings() {
  for (const [id, want] of ratings) {
    const r = await admin('GET', `/feedback/responses/${encodeURIComponent(id)}`);
    assert.equal(r.status, 200, `acknowledged feedback on ${id}: its answer is gone: ${JSON.stringify(r.json)}`);
    const got = r.json.ratings.find((x) => x.user === want.user);
    assert.equal(got?.rating, want.rating, `acknowledged rating of ${id} by ${want.user}`);
  }
  for (const [id, want] of maybeRatings) {
    const r = await admin('GET', `/feedback/responses/${encodeURIComponent(id)}`);
    const got = r.status === 200 ? r.json.ratings.find((x) => x.user === want.user) : undefined;
    if (got) {
      assert.equal(got.rating, want.rating, `in-flight rating of ${id}`);
      ratings.set(id, want);
    }
  }
  maybeRatings.clear();
}

const stepWeight = (step) => (typeof step === 'number' ? step : step.weight ?? step.weight_percent);

// The state and step a rollout's events say it is in, oldest first.
function replay(events) {
  let state = null;
  let step = 0;
  for (const e of [...events].sort((a, b) => a.id - b.id)) {
    if (e.kind === 'rollout_started') { state = 'running'; step = 0; }
    else if (e.kind === 'step_advanced' || e.kind === 'promoted') step = e.detail.step;
    else if (e.kind === 'paused' || e.kind === 'gate_missed') state = 'paused';
    else if (e.kind === 'resumed') state = 'running';
    else if (e.kind === 'completed') state = 'completed';
    else if (e.kind === 'aborted') state = 'aborted';
    else if (e.kind === 'rollback' || e.kind === 'rolled_back') state = 'rolled_back';
  }
  return { state, step };
}

// `atCrash`: the route as the data folder held it right after the kill (null before round 1).
async function checkRoute(atCrash) {
  const route = await get(`/routes/${ROUTE}`);
  const events = (await get(`/routes/${ROUTE}/events?limit=1000`)).data;
  const ids = new Set(events.map((e) => e.id));
  for (const id of ackedEvents) assert.ok(ids.has(id), `acknowledged traffic event ${id} is gone`);

  assert.ok(fallback.allowed('fallback', null).includes(route.fallback),
    `fallback ${route.fallback}; acknowledged ${fallback.acked.get('fallback')}`);
  fallback.settle('fallback', route.fallback);

  const rollout = (await admin('GET', `/routes/${ROUTE}/rollout`)).json;
  if (rollout?.id) {
    const { state, step } = replay(rollout.events);
    assert.equal(rollout.state, state, `rollout ${rollout.id}'s state vs its events`);
    assert.equal(rollout.step, step, `rollout ${rollout.id}'s step vs its events`);
  }
  if (rollout?.state === 'running' || rollout?.state === 'paused') {
    assert.equal(route.canary, rollout.canary, 'the route serves the rollout\'s canary');
    assert.equal(route.canary_weight_percent, stepWeight(rollout.plan.steps[rollout.step]), 'canary weight');
  } else {
    assert.equal(route.canary, null, 'no canary without an active rollout');
  }
  // The stable version is the last one a completed rollout (or the route's creation) named,
  // and the registry's production alias follows it.
  const lastCompleted = events.find((e) => e.kind === 'completed');
  assert.equal(route.stable, lastCompleted?.detail.to ?? 'support/1', 'stable version vs the events');
  const production = (await get('/models/support/aliases')).production;
  assert.equal(`support/${production}`, route.stable, 'the production alias follows the route');

  const crashed = atCrash?.rollout;
  if (crashed) {
    // Resumes where it was: same rollout, nothing lost, only the controller moved it since.
    assert.equal(rollout.id, crashed.id, 'the rollout active at the crash');
    const before = new Set(crashed.events.map((e) => e.id));
    for (const id of before) assert.ok(rollout.events.some((e) => e.id === id), `event ${id} survived`);
    const since = rollout.events.filter((e) => !before.has(e.id));
    for (const e of since) assert.equal(e.actor, 'controller', `only the controller moved it: ${e.kind}`);
    if (crashed.state === 'paused') {
      assert.deepEqual([rollout.state, rollout.step], ['paused', crashed.step], 'a paused rollout stays as it was');
    }
    if (since.length === 0) {
      assert.deepEqual([rollout.state, rollout.step, rollout.step_started_ms],
        [crashed.state, crashed.step, crashed.step_started_ms], 'the same step, window and state');
    }
  }
  return rollout;
}

// A running rollout keeps advancing after the restart: under a little load its step moves on
// (or it completes). A paused one is resumed first. Gates count whole minutes that start
// within the step (monitor/traffic_windows.h), so a step moves on after the next minute
// boundary at the earliest: this waits up to 70 s, once, after the last kill.
async function checkRolloutAdvances(crashed, rollout) {
  if (!['running', 'paused'].includes(crashed?.state)) {
    // The controller completed it in the last round and the next had not started at the kill:
    // resuming was checked in the rounds before; a new one shows the controller still works.
    const canary = await registerThroughApi('support', 'canary-after-restart');
    assert.ok(canary, JSON.stringify(problems));
    const r = await admin('POST', `/routes/${ROUTE}/rollout`, { canary: canary.ref, ...PLAN, reason: 'after restart' });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    rememberEvents(r.json);
    crashed = rollout = r.json;
  }
  // The controller may have moved it on already (checkRoute saw only its events since).
  if (rollout.step > crashed.step || rollout.state === 'completed') return;
  if (rollout.state === 'paused') {
    const r = await admin('POST', `/routes/${ROUTE}/rollout/resume`, { reason: 'after restart' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    rememberEvents(r.json);
  }
  let moved = false;
  const load = Promise.all([1, 2].map(async () => {
    while (!moved) note('chat on the route', await chat(ROUTE, `load ${++prompts}`));
  }));
  const deadline = Date.now() + 70_000;
  let now;
  try {
    while (Date.now() < deadline) {
      now = await get(`/routes/${ROUTE}/rollout`);
      if (now.id !== rollout.id || now.step > rollout.step || now.state !== 'running') break;
      await sleep(200);
    }
  } finally {
    moved = true;
    await load;
  }
  assert.equal(now.id, rollout.id);
  assert.ok(now.step > rollout.step || now.state === 'completed',
    `rollout ${rollout.id} did not advance from step ${rollout.step} after the restart: ${JSON.stringify(now.decision)}`);
  rememberEvents(now);
  assert.deepEqual(problems, [], 'wrong answers while the rollout moved on');
}

async function checkEverything(atCrash) {
  await checkRegistry();
  await checkAliasesAndStages();
  await checkRatings();
  return checkRoute(atCrash);
}

// ---- the tests -----------------------------------------------------------------------------

// serve.yaml in `dir`: the route on support/1 and `lines`.
function writeConfig(dir, lines) {
  const config = path.join(dir, 'serve.yaml');
  fs.writeFileSync(config, ['server: {host: 127.0.0.1, port: 0}', 'routes:',
    `  - {name: ${ROUTE}, stable: support/1}`, ...lines, ''].join('\n'));
  return config;
}

test('acknowledged writes survive SIGKILL at random points; rollouts resume', T, async (t) => {
  t.diagnostic(`seed ${SEED} (replay with CRASH_SEED=${SEED})`);
  console.log(`crash_safety: seed ${SEED}`);
  tmp = makeTempDir('crash-safety');
  data = path.join(tmp.dir, 'data');
  folders.push(tinyModelFolder(path.join(tmp.dir, 'm1'), { seed: 1 }));
  folders.push(tinyModelFolder(path.join(tmp.dir, 'm2'), { seed: 2 }));
  artifactFiles = fs.readdirSync(folders[0]).length;
  assert.equal(registerVersion(data, 'support', ['--path', folders[0]], 'first'), 1);
  auxVersions.push(registerVersion(data, AUX, ['--path', folders[1]], 'aux-first'));
  const config = writeConfig(tmp.dir, [
    'models:',
    '  - {name: plain, version: support/1}',
    'traffic: {standby_versions: 1, tick_seconds: 1, window_flush_seconds: 1}',
    'feedback: {flush_interval_ms: 50}',
  ]);

  let atCrash = null;
  for (round = 1; round <= ROUNDS + 1; round += 1) {
    killed = false;
    problems = [];
    server = await startServer(['--config', config, '--data', data]);
    const rollout = await checkEverything(atCrash);
    if (round > ROUNDS) {
      await checkRolloutAdvances(atCrash.rollout, rollout);
      break;
    }

    const killAt = killTimes.int(1_500, 5_000);
    const workers = [
      worker('registry', registryStep),
      worker('aliases', aliasStep),
      worker('stages', stageStep),
      worker('control', controlStep),
      ...[1, 2, 3].map(() => worker('feedback', feedbackStep)),
      ...[1, 2].map(() => worker('route load', routeLoadStep)),
    ];
    await sleep(killAt);
    killed = true;
    server.proc.kill('SIGKILL');
    assert.equal((await server.exited).signal, 'SIGKILL');
    await Promise.all(workers);
    assert.deepEqual(problems, [], `round ${round}: wrong answers before the kill; the server said:\n${server.log(30)}`);

    assert.equal(slipwayOk(['store', 'check', '--data', data]), 'ok\n', `store check after kill ${round}`);
    const shown = JSON.parse(slipwayOk(['routes', 'show', ROUTE, '--data', data, '--json']));
    atCrash = { rollout: shown.rollout ?? null };
    t.diagnostic(`round ${round}: killed after ${killAt} ms; rollout at the crash: ${
      shown.rollout ? `${shown.rollout.canary} ${shown.rollout.state} step ${shown.rollout.step}` : 'none'}; ` +
      `acknowledged so far: ${JSON.stringify(counts)}`);
  }
  await server.stop();
  assert.ok(counts.registrations > 0 && counts.ratings > 0 && counts['rollouts started'] > 0,
    `the workload did something: ${JSON.stringify(counts)}`);
});

// gdb attached to `pid`, stopping it at the first of `functions` it calls and killing it there
// (SIGKILL); resolves once the breakpoints are set, null when gdb cannot attach here.
async function killAtFirstCall(pid, functions, readyFile) {
  const args = ['-p', String(pid), '-batch', '-ex', 'set pagination off'];
  for (const f of functions) args.push('-ex', `break ${f}`);
  // gdb's own output is buffered in a pipe: a file says when the breakpoints are in.
  args.push('-ex', `shell touch ${readyFile}`, '-ex', 'continue', '-ex', 'kill');
  const gdb = spawn('gdb', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  gdb.stdout.on('data', (d) => { output += d; });
  gdb.stderr.on('data', (d) => { output += d; });
  const exited = new Promise((resolve) => gdb.on('exit', resolve));
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(readyFile)) {
    if (gdb.exitCode !== null || Date.now() > deadline) {
      gdb.kill('SIGKILL');
      console.log(`gdb did not attach: ${output}`);
      return null;
    }
    await sleep(50);
  }
  return { output: () => output, exited };
}

test('a kill after a rollout completes, before the registry follows: caught up at restart', T, async () => {
  // gdb comes with scripts/install-deps.sh: a missing gdb fails the test, never skips it.
  assert.equal(spawnSync('gdb', ['--version'], { encoding: 'utf8' }).status, 0, 'gdb is not installed');
  const dir = makeTempDir('crash-follow');
  let victim;
  try {
    const followData = path.join(dir.dir, 'data');
    const m1 = tinyModelFolder(path.join(dir.dir, 'm1'), { seed: 1 });
    const m2 = tinyModelFolder(path.join(dir.dir, 'm2'), { seed: 2 });
    registerVersion(followData, 'support', ['--path', m1], 'one');
    registerVersion(followData, 'support', ['--path', m2], 'two');
    const config = writeConfig(dir.dir, []);
    victim = await startServer(['--config', config, '--data', followData]);
    const call = (method, pathname, body) => adminCall(victim.origin, method, pathname, body, { timeoutMs: 20_000 });
    const started = await call('POST', `/routes/${ROUTE}/rollout`, { canary: 'support/2', steps: [50, 100] });
    assert.equal(started.status, 201, JSON.stringify(started.json));

    const gdb = await killAtFirstCall(victim.proc.pid,
      ['slipway::registry::Registry::set_alias', 'slipway::registry::Registry::set_stage'],
      path.join(dir.dir, 'gdb-ready'));
    assert.ok(gdb, 'gdb could not attach to the server');
    await assert.rejects(call('POST', `/routes/${ROUTE}/rollout/promote`, { reason: 'release' }),
      'the server dies while promoting');
    assert.equal((await victim.exited).signal, 'SIGKILL');
    await gdb.exited;
    assert.match(gdb.output(), /hit Breakpoint/, gdb.output());

    // The kill left the route switched and the registry behind.
    assert.equal(slipwayOk(['store', 'check', '--data', followData]), 'ok\n');
    const shown = JSON.parse(slipwayOk(['routes', 'show', ROUTE, '--data', followData, '--json']));
    assert.equal(shown.stable, 'support/2');
    const before = JSON.parse(slipwayOk(['models', 'show', 'support@production', '--data', followData, '--json']));
    assert.equal(before.version, 1, 'the kill came before the alias moved');

    victim = await startServer(['--config', config, '--data', followData]);
    const aliases = await call('GET', '/models/support/aliases');
    assert.equal(aliases.json.production, 2, 'the production alias follows the route after the restart');
    const version = await call('GET', '/models/support/versions/2');
    assert.equal(version.json.stage, 'production');
    await victim.stop();
  } finally {
    await victim?.kill();
    dir.cleanup();
  }
});
