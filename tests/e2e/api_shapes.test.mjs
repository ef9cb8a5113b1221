// Chat and completions through the official openai SDK: response shapes, usage, streaming,
// logprobs, seeds, n, stop strings, max_tokens, prompt forms.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTinyServer } from './lib/server.mjs';
import { makeClient, collectStream, streamText, finishReasons } from './lib/client.mjs';
import { postRaw } from './lib/http.mjs';

const MODEL = 'tiny';
let ctx;
let client;
const T = { timeout: 60_000 };

before(async () => {
  ctx = await startTinyServer('api-shapes', ['--served-model-name', MODEL]);
  client = makeClient(ctx.server);
});
after(async () => { await ctx?.stop(); });

const chatMessages = [
  { role: 'system', content: 'You are a terse assistant.' },
  { role: 'user', content: 'Name three ships that sailed the northern sea.' },
];

function assertUsage(usage, { completion } = {}) {
  assert.ok(usage, 'usage missing');
  assert.ok(Number.isInteger(usage.prompt_tokens) && usage.prompt_tokens > 0, `prompt_tokens ${usage.prompt_tokens}`);
  assert.ok(Number.isInteger(usage.completion_tokens), `completion_tokens ${usage.completion_tokens}`);
  if (completion !== undefined) assert.equal(usage.completion_tokens, completion);
  assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
}

test('chat completion: shape, usage and finish_reason length at max_tokens', T, async () => {
  const r = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 8, temperature: 0, ignore_eos: true,
  });
  assert.equal(r.object, 'chat.completion');
  assert.match(r.id, /\S+/);
  assert.ok(Number.isInteger(r.created) && r.created > 1_600_000_000, `created ${r.created}`);
  assert.equal(r.model, MODEL);
  assert.equal(r.choices.length, 1);
  const c = r.choices[0];
  assert.equal(c.index, 0);
  assert.equal(c.message.role, 'assistant');
  assert.equal(typeof c.message.content, 'string');
  assert.ok(c.message.content.length > 0, 'empty content');
  assert.equal(c.finish_reason, 'length');
  assertUsage(r.usage, { completion: 8 });
});

test('chat completion: max_completion_tokens is honoured like max_tokens', T, async () => {
  const r = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_completion_tokens: 5, temperature: 0, ignore_eos: true,
  });
  assert.equal(r.choices[0].finish_reason, 'length');
  assert.equal(r.usage.completion_tokens, 5);
});

test('completion: shape, usage, finish_reason length', T, async () => {
  const r = await client.completions.create({
    model: MODEL, prompt: 'The harbour at dawn', max_tokens: 7, temperature: 0, ignore_eos: true,
  });
  assert.equal(r.object, 'text_completion');
  assert.match(r.id, /\S+/);
  assert.ok(Number.isInteger(r.created));
  assert.equal(r.model, MODEL);
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].index, 0);
  assert.equal(typeof r.choices[0].text, 'string');
  assert.ok(r.choices[0].text.length > 0);
  assert.equal(r.choices[0].finish_reason, 'length');
  assertUsage(r.usage, { completion: 7 });
});

test('chat streaming: chunk shape, one id, role first, include_usage final chunk', T, async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 12, temperature: 0, ignore_eos: true,
    stream: true, stream_options: { include_usage: true },
  });
  const chunks = await collectStream(stream);
  assert.ok(chunks.length >= 3, `only ${chunks.length} chunks`);
  const ids = new Set(chunks.map((c) => c.id));
  assert.equal(ids.size, 1, `several ids: ${[...ids]}`);
  for (const c of chunks) {
    assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(c.model, MODEL);
    assert.ok(Number.isInteger(c.created));
  }
  const first = chunks.find((c) => c.choices.length > 0);
  assert.equal(first.choices[0].delta.role, 'assistant');
  // include_usage: the last chunk has no choices and the usage; the others have none.
  const last = chunks[chunks.length - 1];
  assert.deepEqual(last.choices, []);
  assertUsage(last.usage, { completion: 12 });
  for (const c of chunks.slice(0, -1)) assert.ok(c.usage === null || c.usage === undefined, `usage on a middle chunk: ${JSON.stringify(c)}`);
  assert.deepEqual(finishReasons(chunks), { 0: 'length' });
  assert.ok(streamText(chunks).length > 0);
});

test('chat streaming without include_usage has no usage chunk', T, async () => {
  const stream = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 4, temperature: 0, ignore_eos: true, stream: true,
  });
  const chunks = await collectStream(stream);
  for (const c of chunks) {
    assert.ok(c.usage === null || c.usage === undefined, `unexpected usage: ${JSON.stringify(c)}`);
    assert.ok(c.choices.length > 0, 'chunk without choices');
  }
  assert.deepEqual(finishReasons(chunks), { 0: 'length' });
});

test('completion streaming with include_usage', T, async () => {
  const stream = await client.completions.create({
    model: MODEL, prompt: 'Ropes and sails', max_tokens: 9, temperature: 0, ignore_eos: true,
    stream: true, stream_options: { include_usage: true },
  });
  const chunks = await collectStream(stream);
  for (const c of chunks) assert.equal(c.object, 'text_completion');
  const last = chunks[chunks.length - 1];
  assert.deepEqual(last.choices, []);
  assertUsage(last.usage, { completion: 9 });
  assert.deepEqual(finishReasons(chunks), { 0: 'length' });
});

test('greedy: streamed text equals the non-streamed text (chat and completions)', T, async () => {
  const chatReq = { model: MODEL, messages: chatMessages, max_tokens: 24, temperature: 0, ignore_eos: true };
  const whole = await client.chat.completions.create(chatReq);
  const streamed = streamText(await collectStream(await client.chat.completions.create({ ...chatReq, stream: true })));
  assert.equal(streamed, whole.choices[0].message.content);

  const compReq = { model: MODEL, prompt: 'Once upon a tide', max_tokens: 24, temperature: 0, ignore_eos: true };
  const wholeC = await client.completions.create(compReq);
  const streamedC = streamText(await collectStream(await client.completions.create({ ...compReq, stream: true })));
  assert.equal(streamedC, wholeC.choices[0].text);
  // Greedy is deterministic across requests too.
  const again = await client.completions.create(compReq);
  assert.equal(again.choices[0].text, wholeC.choices[0].text);
});

test('seed: same seed at temperature 1 gives the same text, different seeds differ', T, async () => {
  const req = (seed) => client.completions.create({
    model: MODEL, prompt: 'A lighthouse keeper', max_tokens: 16, temperature: 1, seed, ignore_eos: true,
  });
  const a = await req(1234);
  const b = await req(1234);
  assert.equal(a.choices[0].text, b.choices[0].text);
  const chatReq = (seed) => client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 16, temperature: 1, seed, ignore_eos: true,
  });
  const c1 = await chatReq(99);
  const c2 = await chatReq(99);
  assert.equal(c1.choices[0].message.content, c2.choices[0].message.content);
  const texts = new Set([a.choices[0].text]);
  for (const seed of [1, 2, 3, 4]) texts.add((await req(seed)).choices[0].text);
  assert.ok(texts.size >= 3, `5 seeds gave only ${texts.size} distinct texts`);
});

test('n=2 gives two choices with indexes 0 and 1', T, async () => {
  const r = await client.completions.create({
    model: MODEL, prompt: 'Two boats', max_tokens: 6, temperature: 1, seed: 7, n: 2, ignore_eos: true,
  });
  assert.deepEqual(r.choices.map((c) => c.index).sort(), [0, 1]);
  for (const c of r.choices) {
    assert.ok(c.text.length > 0);
    assert.equal(c.finish_reason, 'length');
  }
  assert.equal(r.usage.completion_tokens, 12);

  const chat = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 6, temperature: 1, seed: 7, n: 2, ignore_eos: true,
  });
  assert.deepEqual(chat.choices.map((c) => c.index).sort(), [0, 1]);
  for (const c of chat.choices) assert.equal(c.message.role, 'assistant');

  const stream = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 6, temperature: 1, seed: 7, n: 2, ignore_eos: true, stream: true,
  });
  const chunks = await collectStream(stream);
  assert.deepEqual(finishReasons(chunks), { 0: 'length', 1: 'length' });
  assert.ok(streamText(chunks, 0).length > 0 && streamText(chunks, 1).length > 0);
});

test('stop strings: output ends before the stop string, which never appears', T, async () => {
  const base = { model: MODEL, prompt: 'The quiet harbour', max_tokens: 40, temperature: 0, ignore_eos: true };
  const full = (await client.completions.create(base)).choices[0].text;
  assert.ok(full.length >= 12, `greedy output too short to pick a stop string: ${JSON.stringify(full)}`);
  // A stop string from the middle of the greedy output: the answer must be the text before it.
  const stop = full.slice(6, 9);
  const expected = full.slice(0, full.indexOf(stop));
  const r = await client.completions.create({ ...base, stop: [stop] });
  assert.equal(r.choices[0].text, expected);
  assert.ok(!r.choices[0].text.includes(stop));
  assert.equal(r.choices[0].finish_reason, 'stop');

  const streamed = await collectStream(await client.completions.create({ ...base, stop, stream: true }));
  assert.equal(streamText(streamed), expected);
  assert.deepEqual(finishReasons(streamed), { 0: 'stop' });

  const chatBase = { model: MODEL, messages: chatMessages, max_tokens: 40, temperature: 0, ignore_eos: true };
  const chatFull = (await client.chat.completions.create(chatBase)).choices[0].message.content;
  assert.ok(chatFull.length >= 12, `chat output too short: ${JSON.stringify(chatFull)}`);
  const chatStop = chatFull.slice(5, 8);
  const chat = await client.chat.completions.create({ ...chatBase, stop: [chatStop, 'zzzzzz-never'] });
  assert.equal(chat.choices[0].message.content, chatFull.slice(0, chatFull.indexOf(chatStop)));
  assert.equal(chat.choices[0].finish_reason, 'stop');
});

test('chat logprobs: content[].{token, logprob, top_logprobs}', T, async () => {
  const r = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 6, temperature: 0, ignore_eos: true,
    logprobs: true, top_logprobs: 3,
  });
  const content = r.choices[0].logprobs?.content;
  assert.ok(Array.isArray(content), `no logprobs.content: ${JSON.stringify(r.choices[0])}`);
  assert.equal(content.length, 6);
  for (const entry of content) {
    assert.equal(typeof entry.token, 'string');
    assert.ok(typeof entry.logprob === 'number' && entry.logprob <= 0, `logprob ${entry.logprob}`);
    assert.equal(entry.top_logprobs.length, 3);
    for (const t of entry.top_logprobs) {
      assert.equal(typeof t.token, 'string');
      assert.ok(t.logprob <= 0);
    }
    // Greedy: the chosen token is the most likely one.
    const best = Math.max(...entry.top_logprobs.map((t) => t.logprob));
    assert.ok(Math.abs(entry.logprob - best) < 1e-4, `greedy token logprob ${entry.logprob} < best ${best}`);
    for (let i = 1; i < entry.top_logprobs.length; i++) assert.ok(entry.top_logprobs[i - 1].logprob >= entry.top_logprobs[i].logprob, 'top_logprobs not sorted');
  }
  // Without logprobs there are none.
  const plain = await client.chat.completions.create({ model: MODEL, messages: chatMessages, max_tokens: 2, temperature: 0 });
  assert.ok(plain.choices[0].logprobs === null || plain.choices[0].logprobs === undefined);
});

test('chat logprobs while streaming', T, async () => {
  const chunks = await collectStream(await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 5, temperature: 0, ignore_eos: true,
    logprobs: true, top_logprobs: 2, stream: true,
  }));
  const entries = chunks.flatMap((c) => c.choices.flatMap((ch) => ch.logprobs?.content ?? []));
  assert.equal(entries.length, 5);
  for (const e of entries) assert.equal(e.top_logprobs.length, 2);
});

test('completion logprobs: tokens, token_logprobs, top_logprobs', T, async () => {
  const r = await client.completions.create({
    model: MODEL, prompt: 'Salt and wind', max_tokens: 6, temperature: 0, ignore_eos: true, logprobs: 2,
  });
  const lp = r.choices[0].logprobs;
  assert.ok(lp, 'no logprobs');
  assert.equal(lp.tokens.length, 6);
  assert.equal(lp.token_logprobs.length, 6);
  for (const v of lp.token_logprobs) assert.ok(typeof v === 'number' && v <= 0, `token_logprob ${v}`);
  assert.equal(lp.top_logprobs.length, 6);
  for (const top of lp.top_logprobs) {
    assert.equal(typeof top, 'object');
    assert.ok(Object.keys(top).length >= 1 && Object.keys(top).length <= 3, `top_logprobs entry ${JSON.stringify(top)}`);
  }
  // Tokens are text pieces of the output (byte-level pieces of a split character aside).
  if (!r.choices[0].text.includes('\ufffd')) assert.equal(lp.tokens.join(''), r.choices[0].text);
});

test('chat_template_kwargs are accepted', T, async () => {
  const r = await client.chat.completions.create({
    model: MODEL, messages: chatMessages, max_tokens: 3, temperature: 0,
    chat_template_kwargs: { enable_thinking: false, custom_flag: 'x' },
  });
  assert.equal(r.object, 'chat.completion');
  assert.ok(r.choices[0].message.content !== undefined);
});

test('sampling fields are accepted: top_k, top_p, min_p, penalties, stop_token_ids, user', T, async () => {
  const r = await client.completions.create({
    model: MODEL, prompt: 'Knots', max_tokens: 8, temperature: 0.8, top_p: 0.9, top_k: 20, min_p: 0.05,
    presence_penalty: 0.5, frequency_penalty: 0.5, repetition_penalty: 1.1, seed: 3,
    stop_token_ids: [1023], user: 'e2e-user',
  });
  assert.equal(r.choices.length, 1);
  assert.ok(['stop', 'length'].includes(r.choices[0].finish_reason));
  assert.ok(r.usage.completion_tokens >= 1 && r.usage.completion_tokens <= 8);
});

test('completion prompt forms: string, list of strings, token ids, list of token id lists', T, async () => {
  const origin = ctx.server.origin;
  const text = 'Where the river meets the sea';
  const tok = await postRaw(`${origin}/tokenize`, { model: MODEL, prompt: text });
  assert.equal(tok.status, 200, tok.text);
  const ids = tok.json.tokens;
  assert.ok(ids.length > 2);
  const base = { model: MODEL, max_tokens: 10, temperature: 0, ignore_eos: true };
  const fromText = (await client.completions.create({ ...base, prompt: text })).choices[0].text;
  const fromIds = await client.completions.create({ ...base, prompt: ids });
  assert.equal(fromIds.choices[0].text, fromText, 'token-id prompt (from /tokenize) differs from text prompt');
  assert.equal(fromIds.usage.prompt_tokens, ids.length);

  const two = await client.completions.create({ ...base, prompt: [text, 'Another prompt entirely'] });
  assert.equal(two.choices.length, 2);
  const byIndex = Object.fromEntries(two.choices.map((c) => [c.index, c.text]));
  assert.equal(byIndex[0], fromText);
  assert.equal(two.usage.completion_tokens, 20);

  const idLists = await client.completions.create({ ...base, prompt: [ids, ids.slice(0, 3)] });
  assert.equal(idLists.choices.length, 2);
  assert.equal(Object.fromEntries(idLists.choices.map((c) => [c.index, c.text]))[0], fromText);
});

test('a long greedy generation across many KV blocks finishes with the exact length', T, async () => {
  const r = await client.completions.create({ model: MODEL, prompt: 'Long voyage', max_tokens: 300, temperature: 0, ignore_eos: true });
  assert.equal(r.usage.completion_tokens, 300);
  assert.equal(r.choices[0].finish_reason, 'length');
});
