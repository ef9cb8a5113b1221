#pragma once
// Small hand-built tokenizer.json documents for the tokenizer unit tests.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace slipway::text::testing {

// SentencePiece-style (Llama 2 layout): <unk> <s> </s>, 256 byte tokens, then a few pieces.
inline nlohmann::json sentencepiece_json() {
  nlohmann::json vocab = {{"<unk>", 0}, {"<s>", 1}, {"</s>", 2}};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof(name), "<0x%02X>", b);
    vocab[name] = 3 + b;
  }
  int next = 259;
  for (const char* piece : {"\xE2\x96\x81", "H", "e", "l", "o", "w", "r", "d", "\xE2\x96\x81H",
                            "ll", "\xE2\x96\x81He", "\xE2\x96\x81Hell", "\xE2\x96\x81Hello",
                            "\xE2\x96\x81w", "or", "\xE2\x96\x81wor", "ld", "\xE2\x96\x81world"}) {
    vocab[piece] = next++;
  }
  return {
      {"version", "1.0"},
      {"added_tokens",
       {{{"id", 0}, {"content", "<unk>"}, {"special", true}, {"normalized", false}},
        {{"id", 1}, {"content", "<s>"}, {"special", true}, {"normalized", false}},
        {{"id", 2}, {"content", "</s>"}, {"special", true}, {"normalized", false}}}},
      {"normalizer",
       {{"type", "Sequence"},
        {"normalizers",
         {{{"type", "Prepend"}, {"prepend", "\xE2\x96\x81"}},
          {{"type", "Replace"}, {"pattern", {{"String", " "}}}, {"content", "\xE2\x96\x81"}}}}}},
      {"pre_tokenizer", nullptr},
      {"post_processor",
       {{"type", "TemplateProcessing"},
        {"single",
         {{{"SpecialToken", {{"id", "<s>"}, {"type_id", 0}}}},
          {{"Sequence", {{"id", "A"}, {"type_id", 0}}}}}},
        {"special_tokens", {{"<s>", {{"id", "<s>"}, {"ids", {1}}, {"tokens", {"<s>"}}}}}}}},
      {"decoder",
       {{"type", "Sequence"},
        {"decoders",
         {{{"type", "Replace"}, {"pattern", {{"String", "\xE2\x96\x81"}}}, {"content", " "}},
          {{"type", "ByteFallback"}},
          {{"type", "Fuse"}},
          {{"type", "Strip"}, {"content", " "}, {"start", 1}, {"stop", 0}}}}}},
      {"model",
       {{"type", "BPE"},
        {"unk_token", "<unk>"},
        {"fuse_unk", true},
        {"byte_fallback", true},
        {"vocab", vocab},
        {"merges",
         {"\xE2\x96\x81 H", "l l", "\xE2\x96\x81H e", "\xE2\x96\x81He ll", "\xE2\x96\x81Hell o",
          "\xE2\x96\x81 w", "o r", "\xE2\x96\x81w or", "l d", "\xE2\x96\x81wor ld"}}}}};
}

}  // namespace slipway::text::testing
