// Streaming detokenization: never half a character, and the pieces add up to decode().
#include "text/stream_detokenizer.h"

#include <gtest/gtest.h>

#include "text/tokenizer_trainer.h"
#include "tokenizer_test_util.h"

namespace slipway::text {
namespace {

using Ids = std::vector<int32_t>;

std::shared_ptr<const Tokenizer> sentencepiece() {
  return Tokenizer::from_json(testing::sentencepiece_json().dump(), "sp.json");
}

TEST(StreamDetokenizer, EmojiSplitAcrossByteFallbackTokens) {
  auto tok = sentencepiece();
  // "Hello 😀 world": the emoji has no piece, so it becomes four <0x..> tokens.
  Ids ids = tok->encode("Hello \xF0\x9F\x98\x80 world", false);
  ASSERT_EQ(ids.size(), 7u);  // ▁Hello ▁ F0 9F 98 80 ▁world
  StreamDetokenizer detok(tok, {}, false);
  std::vector<std::string> pieces;
  for (int32_t id : ids) pieces.push_back(detok.push(id));
  pieces.push_back(detok.flush());
  EXPECT_EQ(pieces,
            (std::vector<std::string>{"Hello", " ", "", "", "", "\xF0\x9F\x98\x80", " world", ""}));
}

TEST(StreamDetokenizer, KeepsLeadingSpaceAfterPrompt) {
  auto tok = sentencepiece();
  Ids prompt = tok->encode("Hello", true);
  Ids generated = tok->encode("world", false);  // ▁world
  StreamDetokenizer detok(tok, prompt, true);
  std::string out;
  for (int32_t id : generated) out += detok.push(id);
  out += detok.flush();
  EXPECT_EQ(out, " world");
  // Without a prompt the first token's space is stripped, as decode() does.
  StreamDetokenizer fresh(tok, {}, true);
  out.clear();
  for (int32_t id : generated) out += fresh.push(id);
  EXPECT_EQ(out + fresh.flush(), "world");
}

TEST(StreamDetokenizer, PromptEndingInsideACharacter) {
  auto tok = sentencepiece();
  Ids all =
      tok->encode("Hello \xF0\x9F\x98\x80\xF0\x9F\x98\x80", false);  // two emoji = 8 byte tokens
  Ids prompt(all.begin(), all.end() - 2);  // ends halfway through the second emoji
  Ids rest(all.end() - 2, all.end());
  StreamDetokenizer detok(tok, prompt, false);
  std::string out;
  for (int32_t id : rest) out += detok.push(id);
  out += detok.flush();
  // The context window starts at a character boundary, so only the second emoji's text comes out
  // (its first half was prompt).
  EXPECT_EQ(out, "\xF0\x9F\x98\x80");
}

TEST(StreamDetokenizer, IncompleteTailFlushesAsReplacement) {
  auto tok = sentencepiece();
  Ids ids = tok->encode("Hello \xF0\x9F\x98\x80", false);
  ids.pop_back();  // drop the last byte of the emoji
  StreamDetokenizer detok(tok, {}, false);
  std::string out;
  for (int32_t id : ids) out += detok.push(id);
  EXPECT_EQ(out, "Hello ");
  std::string tail = detok.flush();
  EXPECT_EQ(out + tail, tok->decode(ids, false));
}

TEST(StreamDetokenizer, ByteLevelMultiByteCharacters) {
  TrainerOptions options;
  options.vocab_size = 300;
  options.special_tokens = {"<|begin_of_text|>", "<|eot_id|>"};
  options.bos_token = "<|begin_of_text|>";
  auto tok = Tokenizer::from_json(train_byte_level_bpe(builtin_training_corpus(), options).dump(),
                                  "trained");
  std::string text =
      "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9<|eot_id|>";
  Ids ids = tok->encode(text, true);
  for (bool skip : {false, true}) {
    StreamDetokenizer detok(tok, {}, skip);
    std::string out;
    for (int32_t id : ids) {
      std::string piece = detok.push(id);
      EXPECT_EQ(piece.find("\xEF\xBF\xBD"), std::string::npos);
      out += piece;
    }
    out += detok.flush();
    EXPECT_EQ(out, tok->decode(ids, skip));
  }
}

TEST(StreamDetokenizer, RejectsNullTokenizer) {
  EXPECT_THROW(StreamDetokenizer(nullptr, {}, false), TokenizerError);
}

}  // namespace
}  // namespace slipway::text
