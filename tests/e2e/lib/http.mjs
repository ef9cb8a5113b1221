// HTTP below the SDK: fetch with timeouts, and raw sockets for bytes no client would send.
import net from 'node:net';
import assert from 'node:assert/strict';

// POST JSON (or raw bytes/string) with fetch; returns {status, headers, text, json}.
export async function postRaw(url, body, { headers = {}, timeoutMs = 30_000 } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

export async function getRaw(url, { headers = {}, timeoutMs = 30_000 } = {}) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

// One admin API call (/admin/v1 + pathname on `origin`) with an optional JSON body; returns
// {status, json} (json null for an empty body).
export async function adminCall(origin, method, pathname, body, { timeoutMs = 60_000 } = {}) {
  const res = await fetch(`${origin}/admin/v1${pathname}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

// Asserts OpenAI's error shape {"error": {"message", "type", "param", "code"}}.
export function assertErrorShape(json, context = '') {
  assert.ok(json && typeof json === 'object', `${context}: error body is not JSON: ${JSON.stringify(json)}`);
  const e = json.error;
  assert.ok(e && typeof e === 'object', `${context}: no "error" object in ${JSON.stringify(json)}`);
  assert.equal(typeof e.message, 'string', `${context}: error.message`);
  assert.ok(e.message.length > 0, `${context}: empty error.message`);
  assert.equal(typeof e.type, 'string', `${context}: error.type`);
  assert.ok('param' in e, `${context}: error.param missing in ${JSON.stringify(e)}`);
  assert.ok('code' in e, `${context}: error.code missing in ${JSON.stringify(e)}`);
  assert.ok(e.param === null || typeof e.param === 'string', `${context}: error.param type`);
  assert.ok(e.code === null || typeof e.code === 'string' || typeof e.code === 'number', `${context}: error.code type`);
  return e;
}

// Parses "HTTP/1.1 STATUS ..." + headers + body (Content-Length or chunked) from raw bytes.
export function parseHttpResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
  if (!m) throw new Error(`not an HTTP response: ${head[0]}`);
  const headers = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let rest = buf.subarray(end + 4);
  let body;
  let complete = false;
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    complete = rest.length >= n;
    body = rest.subarray(0, n);
  } else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    const parts = [];
    for (;;) {
      const le = rest.indexOf('\r\n');
      if (le < 0) break;
      const size = parseInt(rest.subarray(0, le).toString('latin1'), 16);
      if (Number.isNaN(size)) break;
      if (size === 0) { complete = true; break; }
      if (rest.length < le + 2 + size + 2) break;
      parts.push(rest.subarray(le + 2, le + 2 + size));
      rest = rest.subarray(le + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  } else {
    body = rest;
  }
  return { status: Number(m[1]), headers, body, complete };
}

// Opens a socket, writes each of `chunks` (strings or Buffers; functions are awaited between
// writes), and collects the answer until the socket closes, a complete response has arrived,
// or timeoutMs. Returns {status, headers, body, closed, elapsedMs, error}.
// untilClose: keep reading past the first complete response (pipelined requests), until the
// server closes the connection.
export function rawExchange(port, chunks, { host = '127.0.0.1', timeoutMs = 30_000, untilClose = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect({ host, port });
    let data = Buffer.alloc(0);
    let done = false;
    let writeError;
    const finish = (closed, error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      let parsed = null;
      try { parsed = parseHttpResponse(data); } catch (e) { error = error ?? e; }
      resolve({
        status: parsed?.status,
        headers: parsed?.headers,
        body: parsed?.body?.toString('utf8'),
        raw: data,
        closed,
        elapsedMs: Date.now() - started,
        error: error ?? writeError,
      });
    };
    const timer = setTimeout(() => finish(false, new Error('timeout')), timeoutMs);
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      try {
        const p = parseHttpResponse(data);
        if (p?.complete && !untilClose) finish(false);
      } catch { /* wait for more */ }
    });
    socket.on('error', (e) => { writeError = e; });
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        if (typeof c === 'function') await c();
        else if (!socket.destroyed) socket.write(c, () => {});
      }
    });
  });
}

// One request as raw bytes: "METHOD PATH HTTP/1.1" with Host, Content-Length and headers.
export function rawRequestBytes(method, path, body, headers = {}) {
  const b = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (method !== 'GET') lines.push(`Content-Length: ${b.length}`);
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), b]);
}

// Reads an SSE response with fetch: returns {status, events (parsed JSON), done (saw [DONE])}.
export async function readSse(url, body, { headers = {}, timeoutMs = 60_000, onEvent } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`SSE timed out after ${timeoutMs} ms`)), timeoutMs);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    if (res.status !== 200) return { status: res.status, text: await res.text(), events: [], done: false };
    const decoder = new TextDecoder();
    let buffer = '';
    const events = [];
    let done = false;
    for await (const part of res.body) {
      buffer += decoder.decode(part, { stream: true });
      let i;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (!data) continue;
        if (data === '[DONE]') { done = true; continue; }
        const ev = JSON.parse(data);
        events.push(ev);
        onEvent?.(ev, controller);
      }
    }
    return { status: res.status, events, done, contentType: res.headers.get('content-type') };
  } finally {
    clearTimeout(timer);
  }
}
