// A small OpenAI-compatible judge server for the tests: it stands for a hosted judge model.
// Score prompts are answered from a script of replies, cycled: a reply text as it is (numbers
// in any of the formats judges use, or nonsense), '__timeout__' (never answers: the client
// must give up), '__500__' (an upstream error). Pair prompts (they ask for [[A]] or [[B]]) are
// answered by `pairs`: 'longer' prefers the longer response (consistent in both orders),
// 'first' always says [[A]] (inconsistent: a tie), or a fixed reply. It also takes webhook
// posts (POST /hook), so one server sees both the judge calls and the alerts.
import http from 'node:http';

export async function startJudgeServer() {
  const state = {
    scores: ['Rating: [[8]]'],
    pairs: 'longer',
    next: 0,
    scoreCalls: 0,
    pairCalls: 0,
    hooks: [],
    held: new Set(),
  };

  const reply = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const completion = (content) => ({
    id: `judge-${Date.now()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: 'judge-x',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });

  // The two responses of a pair prompt, as the default pair template lays them out.
  const pairResponses = (prompt) => {
    const a = /\[Answer A\]\n([\s\S]*?)\n\[End of answer A\]/.exec(prompt);
    const b = /\[Answer B\]\n([\s\S]*?)\n\[End of answer B\]/.exec(prompt);
    return a && b ? [a[1], b[1]] : null;
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      if (req.method === 'GET' && req.url.endsWith('/models')) {
        return reply(res, 200, { object: 'list', data: [{ id: 'judge-x', object: 'model' }] });
      }
      if (req.method === 'POST' && req.url === '/hook') {
        state.hooks.push({ headers: req.headers, body: JSON.parse(body) });
        return reply(res, 200, { ok: true });
      }
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        return reply(res, 404, { error: { message: 'not found' } });
      }
      const request = JSON.parse(body);
      const prompt = request.messages?.at(-1)?.content ?? '';
      if (prompt.includes('[[A]]') && prompt.includes('[[B]]')) {
        state.pairCalls += 1;
        let answer = state.pairs;
        if (state.pairs === 'first') answer = 'My verdict: [[A]]';
        if (state.pairs === 'longer') {
          const both = pairResponses(prompt);
          answer = !both || both[0].length === both[1].length ? '[[C]]'
            : (both[0].length > both[1].length ? '[[A]]' : '[[B]]');
        }
        return reply(res, 200, completion(answer));
      }
      state.scoreCalls += 1;
      const answer = state.scores[state.next % state.scores.length];
      state.next += 1;
      if (answer === '__timeout__') {
        state.held.add(res);
        res.on('close', () => state.held.delete(res));
        return undefined;
      }
      if (answer === '__500__') return reply(res, 500, { error: { message: 'judge overloaded' } });
      return reply(res, 200, completion(answer));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    state,
    origin: `http://127.0.0.1:${port}`,
    // Replaces the score script (and restarts it) and optionally the pair mode.
    script(scores, pairs) {
      state.scores = scores;
      state.next = 0;
      if (pairs !== undefined) state.pairs = pairs;
    },
    async stop() {
      for (const res of state.held) res.destroy();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
