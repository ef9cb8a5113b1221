// The tokenizer.json pipeline on small hand-built documents: BPE merges, byte-level mapping,
// added tokens, normalizers, pre-tokenizers, post-processors and decoders.
#include <gtest/gtest.h>

#include "text/tokenizer.h"
#include "text/tokenizer/byte_level.h"
#include "text/tokenizer/unicode.h"
#include "tokenizer_test_util.h"

namespace slipway::text {
namespace {

using Json = nlohmann::json;
using Ids = std::vector<int32_t>;

std::shared_ptr<const Tokenizer> load(const Json& doc) {
  return Tokenizer::from_json(doc.dump(), "test.json");
}

TEST(TokenizerPipeline, SentencePieceEncodeDecode) {
  auto tok = load(testing::sentencepiece_json());
  Ids hello = tok->encode("Hello world", false);
  EXPECT_EQ(hello,
            (Ids{*tok->token_to_id("\xE2\x96\x81Hello"), *tok->token_to_id("\xE2\x96\x81world")}));
  EXPECT_EQ(tok->encode("Hello world", true).front(), 1);
  EXPECT_EQ(tok->decode(tok->encode("Hello world", true), false), "<s> Hello world");
  EXPECT_EQ(tok->decode(tok->encode("Hello world", true), true), "Hello world");
  // Unknown characters fall back to bytes: U+00E9 is <0xC3><0xA9>.
  Ids e = tok->encode("\xC3\xA9", false);
  EXPECT_EQ(e, (Ids{*tok->token_to_id("\xE2\x96\x81"), 3 + 0xC3, 3 + 0xA9}));
  EXPECT_EQ(tok->decode(e, false), "\xC3\xA9");
  // Special tokens in text are matched before the model, and pieces are normalized apart.
  Ids s = tok->encode("Hello<s>world", false);
  EXPECT_EQ(
      s, (Ids{*tok->token_to_id("\xE2\x96\x81Hello"), 1, *tok->token_to_id("\xE2\x96\x81world")}));
  EXPECT_EQ(tok->encode("", true), Ids{1});
  EXPECT_EQ(tok->vocab_size(), 259 + 18);
  EXPECT_TRUE(tok->is_special(1));
  EXPECT_FALSE(tok->is_special(300));
  EXPECT_EQ(tok->id_to_token(1), "<s>");
  EXPECT_EQ(tok->id_to_token(100000), std::nullopt);
  // Unknown ids are dropped, as HF does.
  EXPECT_EQ(tok->decode({-5, 99999, *tok->token_to_id("\xE2\x96\x81Hello")}, false), "Hello");
}

TEST(TokenizerPipeline, FuseUnkWithoutByteFallback) {
  Json doc = testing::sentencepiece_json();
  doc["model"]["byte_fallback"] = false;
  auto tok = load(doc);
  // "éé" is two unknown characters, fused into one <unk>.
  EXPECT_EQ(tok->encode("\xC3\xA9\xC3\xA9", false), (Ids{*tok->token_to_id("\xE2\x96\x81"), 0}));
  doc["model"]["fuse_unk"] = false;
  EXPECT_EQ(load(doc)->encode("\xC3\xA9\xC3\xA9", false),
            (Ids{*tok->token_to_id("\xE2\x96\x81"), 0, 0}));
}

TEST(TokenizerPipeline, MetaspacePreTokenizerAndDecoder) {
  Json doc = testing::sentencepiece_json();
  doc["normalizer"] = nullptr;
  doc["pre_tokenizer"] = {{"type", "Metaspace"},
                          {"replacement", "\xE2\x96\x81"},
                          {"prepend_scheme", "first"},
                          {"split", true}};
  doc["decoder"] = {
      {"type", "Metaspace"}, {"replacement", "\xE2\x96\x81"}, {"prepend_scheme", "first"}};
  auto tok = load(doc);
  Ids ids = tok->encode("Hello world", false);
  EXPECT_EQ(ids,
            (Ids{*tok->token_to_id("\xE2\x96\x81Hello"), *tok->token_to_id("\xE2\x96\x81world")}));
  EXPECT_EQ(tok->decode(ids, false), "Hello world");
  // "first": only a piece at the very start of the input gets the prefix.
  Ids after_special = tok->encode("<s>Hello", false);
  EXPECT_EQ(after_special[0], 1);
  EXPECT_EQ(after_special[1], *tok->token_to_id("H"));
}

// A byte-level BPE: vocab of the 256 byte characters plus a few merges.
Json byte_level_json(bool list_merges) {
  Json vocab = Json::object();
  for (int b = 0; b < 256; ++b) vocab[byte_level::char_for_byte(static_cast<unsigned char>(b))] = b;
  std::string g = byte_level::char_for_byte(' ');  // "Ġ"
  std::vector<std::pair<std::string, std::string>> merges = {
      {"h", "e"}, {"l", "l"},      {"he", "ll"}, {"hell", "o"},    {g, "w"},
      {"o", "r"}, {g + "w", "or"}, {"l", "d"},   {g + "wor", "ld"}};
  int next = 256;
  Json merge_json = Json::array();
  for (auto& [a, b] : merges) {
    vocab[a + b] = next++;
    merge_json.push_back(list_merges ? Json::array({a, b}) : Json(a + " " + b));
  }
  vocab["hello world"] = next++;  // only reachable through ignore_merges (never: has a space)
  return {{"added_tokens",
           {{{"id", 500}, {"content", "<|eot|>"}, {"special", true}, {"normalized", false}},
            {{"id", 501},
             {"content", "<tool>"},
             {"special", false},
             {"normalized", false},
             {"lstrip", true},
             {"rstrip", true}},
            {{"id", 502},
             {"content", "word"},
             {"special", false},
             {"normalized", false},
             {"single_word", true}}}},
          {"normalizer", nullptr},
          {"pre_tokenizer",
           {{"type", "Sequence"},
            {"pretokenizers",
             {{{"type", "Split"},
               {"pattern",
                {{"Regex",
                  "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
                  "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"}}},
               {"behavior", "Isolated"},
               {"invert", false}},
              {{"type", "ByteLevel"}, {"add_prefix_space", false}, {"use_regex", false}}}}}},
          {"post_processor", {{"type", "ByteLevel"}}},
          {"decoder", {{"type", "ByteLevel"}}},
          {"model", {{"type", "BPE"}, {"vocab", vocab}, {"merges", merge_json}}}};
}

TEST(TokenizerPipeline, ByteLevelMergesInBothForms) {
  for (bool list : {false, true}) {
    auto tok = load(byte_level_json(list));
    Ids ids = tok->encode("hello world", true);  // ByteLevel post-processor adds nothing
    EXPECT_EQ(ids, (Ids{*tok->token_to_id("hello"),
                        *tok->token_to_id(byte_level::char_for_byte(' ') + "world")}));
    EXPECT_EQ(tok->decode(ids, false), "hello world");
  }
}

TEST(TokenizerPipeline, ByteLevelRoundTripsAnyUtf8) {
  auto tok = load(byte_level_json(false));
  for (std::string text : std::vector<std::string>{
           "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9 family", "tab\tnew\r\nline  ",
           "\xC3\xA9\xE4\xB8\xAD", std::string("nul\0byte", 8), "DON'T 123456"}) {
    EXPECT_EQ(tok->decode(tok->encode(text, false), false), text);
  }
  // Invalid UTF-8 input is read as decode() would show it, never crashing.
  EXPECT_EQ(tok->decode(tok->encode("a\xFF\xC3", false), false), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(TokenizerPipeline, Gpt2ByteLevelPreTokenizerWithPrefixSpace) {
  Json doc = byte_level_json(false);
  doc["pre_tokenizer"] = {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"use_regex", true}};
  auto tok = load(doc);
  std::string g = byte_level::char_for_byte(' ');
  Ids ids = tok->encode("hello world", false);
  EXPECT_EQ(
      ids, (Ids{*tok->token_to_id(g), *tok->token_to_id("hello"), *tok->token_to_id(g + "world")}));
  EXPECT_EQ(tok->decode(ids, false), " hello world");  // HF keeps the added prefix space
}

TEST(TokenizerPipeline, IgnoreMergesTakesWholeVocabWords) {
  Json doc = byte_level_json(false);
  doc["model"]["vocab"]["hellx"] = 600;  // no merge path builds it
  auto without = load(doc);
  EXPECT_EQ(without->encode("hellx", false).size(), 2u);  // "hell" + "x"
  doc["model"]["ignore_merges"] = true;
  EXPECT_EQ(load(doc)->encode("hellx", false), Ids{600});
}

TEST(TokenizerPipeline, AddedTokenFlags) {
  auto tok = load(byte_level_json(false));
  int32_t space = *tok->token_to_id(byte_level::char_for_byte(' '));
  // Special token in the middle of text; skip_special_tokens drops it when decoding.
  Ids ids = tok->encode("hello<|eot|>hello", false);
  EXPECT_EQ(ids, (Ids{*tok->token_to_id("hello"), 500, *tok->token_to_id("hello")}));
  EXPECT_EQ(tok->decode(ids, true), "hellohello");
  EXPECT_EQ(tok->decode(ids, false), "hello<|eot|>hello");
  // lstrip/rstrip swallow the surrounding whitespace.
  EXPECT_EQ(tok->encode("hello  <tool>  hello", false),
            (Ids{*tok->token_to_id("hello"), 501, *tok->token_to_id("hello")}));
  // single_word: only matched when not inside a word.
  EXPECT_EQ(tok->encode("word", false), Ids{502});
  Ids inside = tok->encode("swordy", false);
  EXPECT_EQ(std::count(inside.begin(), inside.end(), 502), 0);
  Ids spaced = tok->encode("a word.", false);
  EXPECT_EQ(std::count(spaced.begin(), spaced.end(), 502), 1);
  EXPECT_NE(space, 502);
  EXPECT_FALSE(tok->is_special(501));
  EXPECT_TRUE(tok->is_special(500));
  EXPECT_EQ(tok->vocab_size(), 503);
}

TEST(TokenizerPipeline, LongestAddedTokenWins) {
  Json doc = byte_level_json(false);
  doc["added_tokens"].push_back(
      {{"id", 510}, {"content", "<|eot|>x"}, {"special", true}, {"normalized", false}});
  EXPECT_EQ(load(doc)->encode("<|eot|>x<|eot|>", false), (Ids{510, 500}));
}

TEST(TokenizerPipeline, TemplateAndSequencePostProcessors) {
  Json doc = byte_level_json(false);
  Json tmpl = {{"type", "TemplateProcessing"},
               {"single",
                {{{"SpecialToken", {{"id", "<|eot|>"}, {"type_id", 0}}}},
                 {{"Sequence", {{"id", "A"}, {"type_id", 0}}}},
                 {{"SpecialToken", {{"id", "<|eot|>"}, {"type_id", 0}}}}}},
               {"special_tokens",
                {{"<|eot|>", {{"id", "<|eot|>"}, {"ids", {500}}, {"tokens", {"<|eot|>"}}}}}}};
  doc["post_processor"] = {{"type", "Sequence"}, {"processors", {{{"type", "ByteLevel"}}, tmpl}}};
  auto tok = load(doc);
  EXPECT_EQ(tok->encode("hello", true), (Ids{500, *tok->token_to_id("hello"), 500}));
  EXPECT_EQ(tok->encode("hello", false), (Ids{*tok->token_to_id("hello")}));
}

TEST(TokenizerPipeline, NfcNormalizer) {
  EXPECT_EQ(unicode::nfc("e\xCC\x81"), "\xC3\xA9");     // e + acute -> é
  EXPECT_EQ(unicode::nfc("\xE2\x84\xAB"), "\xC3\x85");  // Angstrom sign -> Å
  EXPECT_EQ(unicode::nfc("\xE1\x84\x92\xE1\x85\xA1\xE1\x86\xAB"), "\xED\x95\x9C");  // jamo -> 한
  EXPECT_EQ(unicode::nfc("o\xCC\x82\xCC\xA3"), "\xE1\xBB\x99");  // reordered marks compose
  EXPECT_EQ(unicode::nfc("\xCC\x81"
                         "a"),
            "\xCC\x81"
            "a");  // leading mark stays
  EXPECT_EQ(unicode::nfd("\xC3\xA9"), "e\xCC\x81");
  Json doc = byte_level_json(false);
  doc["normalizer"] = {{"type", "NFC"}};
  auto tok = load(doc);
  EXPECT_EQ(tok->encode("e\xCC\x81", false), tok->encode("\xC3\xA9", false));
}

TEST(TokenizerPipeline, Utf8Lossy) {
  EXPECT_EQ(unicode::lossy("ok"), "ok");
  EXPECT_EQ(unicode::lossy("\xF0\x9F\x98"), "\xEF\xBF\xBD");          // one maximal subpart
  EXPECT_EQ(unicode::lossy("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong: per byte
  EXPECT_EQ(unicode::lossy("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

}  // namespace
}  // namespace slipway::text
