// The official openai SDK pointed at a slipway server, and stream helpers with timeouts.
import OpenAI from 'openai';

export { OpenAI };

export function makeClient(server, { apiKey = 'unused', timeoutMs = 60_000 } = {}) {
  // No retries: a 429 or 5xx must reach the test as it was answered.
  return new OpenAI({ baseURL: server.baseURL, apiKey, maxRetries: 0, timeout: timeoutMs });
}

// Iterates an SDK stream; aborts it and throws when it has not ended within timeoutMs.
// Returns the chunks. onChunk(chunk, stream) may abort the stream.
export async function collectStream(stream, { timeoutMs = 60_000, onChunk } = {}) {
  const chunks = [];
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; stream.controller.abort(); }, timeoutMs);
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      if (onChunk) await onChunk(chunk, stream);
    }
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw new Error(`stream did not end within ${timeoutMs} ms (${chunks.length} chunks)`);
  return chunks;
}

// Text of choice `index` in chat (delta.content) or completion (text) chunks.
export function streamText(chunks, index = 0) {
  let text = '';
  for (const c of chunks) {
    for (const choice of c.choices ?? []) {
      if (choice.index !== index) continue;
      text += choice.delta?.content ?? choice.text ?? '';
    }
  }
  return text;
}

export function finishReasons(chunks) {
  const out = {};
  for (const c of chunks) for (const choice of c.choices ?? []) if (choice.finish_reason) out[choice.index] = choice.finish_reason;
  return out;
}

// Deterministic token-id prompts for the tiny model (ids 10..1000 avoid its special tokens).
export function tokenIdPrompt(length, seed) {
  let x = (seed * 2654435761 + 12345) >>> 0;
  const ids = [];
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    ids.push(10 + (x % 991));
  }
  return ids;
}
