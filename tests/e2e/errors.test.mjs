// Bad input: the SDK's error classes for each status, and raw bytes the SDK would never send
// (malformed JSON, invalid UTF-8, bodies over the limit). Every error has OpenAI's shape.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTinyServer } from './lib/server.mjs';
import { makeClient, OpenAI, tokenIdPrompt } from './lib/client.mjs';
import { postRaw, getRaw, rawExchange, rawRequestBytes, assertErrorShape } from './lib/http.mjs';

const MODEL = 'tiny';
const MAX_BODY = 64 * 1024;
let ctx;
let client;
let contextLength;
const T = { timeout: 60_000 };

before(async () => {
  ctx = await startTinyServer('errors', ['--served-model-name', MODEL, '--max-body-bytes', String(MAX_BODY)]);
  client = makeClient(ctx.server);
  contextLength = ctx.model.config.max_position_embeddings;
});
after(async () => { await ctx?.stop(); });

const messages = [{ role: 'user', content: 'hello' }];

// Runs an SDK call that must fail with `ErrorClass` and `status`; returns the error.
async function expectSdkError(promiseFn, ErrorClass, status, what) {
  let error;
  try {
    const r = await promiseFn();
    assert.fail(`${what}: expected ${status}, got a response: ${JSON.stringify(r).slice(0, 300)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    error = e;
  }
  assert.ok(error instanceof ErrorClass, `${what}: expected ${ErrorClass.name}, got ${error?.constructor?.name} ${error?.status}: ${error?.message}`);
  assert.equal(error.status, status, `${what}: status`);
  assert.ok(error.error && typeof error.error.message === 'string' && error.error.message.length > 0, `${what}: error body ${JSON.stringify(error.error)}`);
  assert.equal(typeof error.type, 'string', `${what}: error.type`);
  return error;
}

async function postChat(body, opts) {
  return postRaw(`${ctx.server.baseURL}/chat/completions`, body, opts);
}

test('unknown model: NotFoundError 404 with code model_not_found', T, async () => {
  const e = await expectSdkError(() => client.chat.completions.create({ model: 'no-such-model', messages }), OpenAI.NotFoundError, 404, 'chat unknown model');
  assert.equal(e.code, 'model_not_found');
  const e2 = await expectSdkError(() => client.completions.create({ model: 'no-such-model', prompt: 'x' }), OpenAI.NotFoundError, 404, 'completions unknown model');
  assert.equal(e2.code, 'model_not_found');
  const raw = await postChat({ model: 'no-such-model', messages });
  assert.equal(raw.status, 404);
  assert.equal(assertErrorShape(raw.json, 'unknown model').code, 'model_not_found');
});

test('invalid values: BadRequestError 400 naming the field', T, async () => {
  const cases = [
    [{ temperature: -1 }, 'temperature'],
    [{ top_p: 1.5 }, 'top_p'],
    [{ n: 0 }, 'n'],
    [{ max_tokens: 0 }, 'max_tokens'],
    [{ max_tokens: -5 }, 'max_tokens'],
    [{ logprobs: true, top_logprobs: 1000 }, 'top_logprobs'],
    [{ presence_penalty: 5 }, 'presence_penalty'],
  ];
  for (const [extra, param] of cases) {
    const what = `chat ${JSON.stringify(extra)}`;
    const e = await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, max_tokens: 2, ...extra }), OpenAI.BadRequestError, 400, what);
    assert.equal(e.param, param, `${what}: param`);
    assert.equal(e.type, 'invalid_request_error', `${what}: type`);
  }
});

test('unsupported fields: 400 (tools, response_format json, logit_bias, echo, suffix)', T, async () => {
  const tool = { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } };
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, tools: [tool] }), OpenAI.BadRequestError, 400, 'tools');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, response_format: { type: 'json_object' } }), OpenAI.BadRequestError, 400, 'response_format');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, logit_bias: { 5: 10 } }), OpenAI.BadRequestError, 400, 'logit_bias');
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: 'x', echo: true }), OpenAI.BadRequestError, 400, 'echo');
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: 'x', suffix: 'tail' }), OpenAI.BadRequestError, 400, 'suffix');
});

test('neutral values of unsupported fields are accepted (echo false, tools [], logit_bias {}, ...)', T, async () => {
  const chat = (extra) => client.chat.completions.create({ model: MODEL, messages, max_tokens: 2, ...extra });
  for (const extra of [{ tools: [] }, { logit_bias: {} }, { response_format: { type: 'text' } }, { tool_choice: 'none' }]) {
    const r = await chat(extra);
    assert.equal(r.object, 'chat.completion', JSON.stringify(extra));
  }
  for (const extra of [{ echo: false }, { suffix: null }]) {
    const r = await client.completions.create({ model: MODEL, prompt: 'x', max_tokens: 2, ...extra });
    assert.equal(r.object, 'text_completion', JSON.stringify(extra));
  }
  // max_completion_tokens wins over the deprecated max_tokens.
  const both = await chat({ max_tokens: 5, max_completion_tokens: 2, ignore_eos: true });
  assert.equal(both.usage.completion_tokens, 2);
});

test('wrong JSON types and missing model: UnprocessableEntityError 422', T, async () => {
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, max_tokens: 'ten' }), OpenAI.UnprocessableEntityError, 422, 'max_tokens string');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages: 'hello' }), OpenAI.UnprocessableEntityError, 422, 'messages string');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, temperature: 'hot' }), OpenAI.UnprocessableEntityError, 422, 'temperature string');
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: { text: 'x' } }), OpenAI.UnprocessableEntityError, 422, 'prompt object');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, stream: 'yes' }), OpenAI.UnprocessableEntityError, 422, 'stream string');
  await expectSdkError(() => client.chat.completions.create({ model: 42, messages }), OpenAI.UnprocessableEntityError, 422, 'model number');
  const raw = await postChat({ messages });
  assert.equal(raw.status, 422, `missing model: ${raw.status} ${raw.text}`);
  assertErrorShape(raw.json, 'missing model');
  const rawC = await postRaw(`${ctx.server.baseURL}/completions`, { prompt: 'x' });
  assert.equal(rawC.status, 422, `completions missing model: ${rawC.status} ${rawC.text}`);
});

test('empty messages: 400 or 422', T, async () => {
  const raw = await postChat({ model: MODEL, messages: [] });
  assert.ok([400, 422].includes(raw.status), `empty messages answered ${raw.status} ${raw.text}`);
  assertErrorShape(raw.json, 'empty messages');
  const noMessages = await postChat({ model: MODEL });
  assert.ok([400, 422].includes(noMessages.status), `no messages answered ${noMessages.status}`);
  assertErrorShape(noMessages.json, 'no messages');
});

test('malformed JSON bodies: 400 with the error shape', T, async () => {
  for (const body of ['{"model": "tiny", "messages": [', 'not json at all', '', '[1,2,3]', '{"model":"tiny",}']) {
    const r = await postChat(body);
    assert.ok(r.status === 400 || (body === '[1,2,3]' && r.status === 422), `body ${JSON.stringify(body)} answered ${r.status} ${r.text}`);
    assertErrorShape(r.json, `body ${JSON.stringify(body)}`);
  }
});

test('invalid UTF-8 in the body: 400', T, async () => {
  const before = Buffer.from(`{"model":"${MODEL}","messages":[{"role":"user","content":"bad `);
  const after = Buffer.from('"}],"max_tokens":2}');
  for (const bad of [[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
    const body = Buffer.concat([before, Buffer.from(bad), after]);
    const r = await postChat(body);
    assert.equal(r.status, 400, `bytes ${bad.map((b) => b.toString(16))}: ${r.status} ${r.text}`);
    assertErrorShape(r.json, 'invalid utf-8');
  }
  // Valid multi-byte UTF-8 is fine.
  const ok = await postChat(Buffer.from(JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'café ⛵ 日本' }], max_tokens: 2 })));
  assert.equal(ok.status, 200, ok.text);
});

test('body over --max-body-bytes: 413', T, async () => {
  const big = { model: MODEL, messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY + 1000) }] };
  const r = await postChat(big).catch((e) => ({ status: 'fetch error', text: String(e) }));
  if (r.status !== 'fetch error') {
    assert.equal(r.status, 413, r.text);
    assertErrorShape(r.json, '413');
  }
  // Raw: a Content-Length over the limit is refused (the server need not read the body).
  const bytes = rawRequestBytes('POST', '/v1/chat/completions', Buffer.from(JSON.stringify(big)), { 'Content-Type': 'application/json' });
  const raw = await rawExchange(ctx.server.port, [bytes], { timeoutMs: 15_000 });
  assert.equal(raw.status, 413, `raw 413: ${JSON.stringify({ status: raw.status, error: String(raw.error), body: raw.body })}`);
  assertErrorShape(JSON.parse(raw.body), 'raw 413');
  // Just under the limit is accepted.
  const small = { model: MODEL, prompt: 'y '.repeat(100), max_tokens: 1 };
  assert.equal((await postRaw(`${ctx.server.baseURL}/completions`, small)).status, 200);
});

test('prompt longer than the context: 400', T, async () => {
  const ids = tokenIdPrompt(contextLength + 10, 5);
  const e = await expectSdkError(() => client.completions.create({ model: MODEL, prompt: ids, max_tokens: 1 }), OpenAI.BadRequestError, 400, 'token ids over context');
  assert.equal(e.type, 'invalid_request_error');
  // Text: far more than contextLength tokens (each word is at least one token).
  const words = Array.from({ length: contextLength + 200 }, (_, i) => `w${i}`).join(' ');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: words }], max_tokens: 1 }), OpenAI.BadRequestError, 400, 'chat text over context');
});

test('max_tokens beyond the context: 400', T, async () => {
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: 'x', max_tokens: contextLength + 1 }), OpenAI.BadRequestError, 400, 'completions max_tokens > context');
  await expectSdkError(() => client.chat.completions.create({ model: MODEL, messages, max_tokens: 10 * contextLength }), OpenAI.BadRequestError, 400, 'chat max_tokens > context');
  // prompt + max_tokens just over the context.
  const ids = tokenIdPrompt(100, 1);
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: ids, max_tokens: contextLength - 99 }), OpenAI.BadRequestError, 400, 'prompt+max_tokens > context');
});

test('token ids out of the vocabulary: 400', T, async () => {
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: [1, 2, 999999], max_tokens: 1 }), OpenAI.BadRequestError, 400, 'id >= vocab');
  await expectSdkError(() => client.completions.create({ model: MODEL, prompt: [1, -3], max_tokens: 1 }), OpenAI.BadRequestError, 400, 'negative id');
});

test('chat messages: text content parts accepted; missing content and image parts refused', T, async () => {
  const parts = await client.chat.completions.create({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  assert.equal(parts.object, 'chat.completion');
  for (const [what, msgs] of [
    ['missing content', [{ role: 'user' }]],
    ['image part', [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://127.0.0.1/x.png' } }] }]],
  ]) {
    const r = await postChat({ model: MODEL, messages: msgs, max_tokens: 2 });
    assert.ok([400, 422].includes(r.status), `${what}: ${r.status} ${r.text.slice(0, 200)}`);
    assertErrorShape(r.json, what);
  }
});

test('HTTP edges: unknown path 404, wrong method 405, huge header 431, chunked body, pipelining, garbage', T, async () => {
  const o = ctx.server.origin;
  const unknown = await getRaw(`${o}/v1/nothing-here`);
  assert.equal(unknown.status, 404);
  assertErrorShape(unknown.json, 'unknown path');
  const method = await getRaw(`${ctx.server.baseURL}/chat/completions`);
  assert.equal(method.status, 405);
  assertErrorShape(method.json, 'GET on a POST route');
  const header = await rawExchange(ctx.server.port, [`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`], { timeoutMs: 10_000 });
  assert.ok(header.status === 431 || header.status === 400, `huge header: ${header.status} ${String(header.error)}`);
  // A chunked request body (what fetch sends for a streamed body) is read whole.
  const body = JSON.stringify({ model: MODEL, prompt: 'chunked', max_tokens: 2, ignore_eos: true });
  const chunked = await rawExchange(ctx.server.port, [
    'POST /v1/completions HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    `${Buffer.byteLength(body.slice(0, 10)).toString(16)}\r\n${body.slice(0, 10)}\r\n`,
    `${Buffer.byteLength(body.slice(10)).toString(16)}\r\n${body.slice(10)}\r\n0\r\n\r\n`,
  ], { timeoutMs: 15_000 });
  assert.equal(chunked.status, 200, `chunked: ${chunked.body}`);
  assert.equal(JSON.parse(chunked.body).usage.completion_tokens, 2);
  // Two pipelined requests on one keep-alive connection get two answers.
  const piped = await rawExchange(ctx.server.port, ['GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], { timeoutMs: 10_000, untilClose: true });
  const text = piped.raw.toString('utf8');
  assert.equal(text.split('HTTP/1.1 200').length - 1, 2, `pipelined: ${text.slice(0, 400)}`);
  assert.match(text, /"object":"list"/);
  const garbage = await rawExchange(ctx.server.port, [Buffer.from([0, 1, 2, 0x20, 0x0d, 0x0a, 0x0d, 0x0a])], { timeoutMs: 10_000 });
  assert.ok(garbage.status === 400 || garbage.closed, `garbage request: ${garbage.status}`);
});

test('the server still answers after all of that', T, async () => {
  const r = await client.completions.create({ model: MODEL, prompt: 'still alive', max_tokens: 3, temperature: 0, ignore_eos: true });
  assert.equal(r.usage.completion_tokens, 3);
});
