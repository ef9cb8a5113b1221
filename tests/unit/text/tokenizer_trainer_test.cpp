// The byte-level BPE trainer writes a tokenizer.json that loads and round-trips text.
#include "text/tokenizer_trainer.h"

#include <gtest/gtest.h>

#include <chrono>

#include "text/tokenizer.h"

namespace slipway::text {
namespace {

TrainerOptions llama_options(int32_t vocab_size) {
  TrainerOptions o;
  o.vocab_size = vocab_size;
  o.special_tokens = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                      "<|end_header_id|>", "<|eot_id|>"};
  o.bos_token = "<|begin_of_text|>";
  return o;
}

TEST(TokenizerTrainer, BuiltinCorpusIsSubstantial) {
  size_t bytes = 0;
  for (const auto& s : builtin_training_corpus()) bytes += s.size();
  EXPECT_GT(bytes, 30000u);
}

TEST(TokenizerTrainer, TrainsLoadableTokenizerQuickly) {
  auto start = std::chrono::steady_clock::now();
  nlohmann::json doc = train_byte_level_bpe(builtin_training_corpus(), llama_options(512));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 5.0);  // < 1 s in release; generous for ASan on a shared machine
  EXPECT_EQ(doc["model"]["vocab"].size(), 512u);
  EXPECT_EQ(doc["model"]["merges"].size(), 256u);
  auto tok = Tokenizer::from_json(doc.dump(), "trained");
  EXPECT_EQ(tok->vocab_size(), 517);
  EXPECT_EQ(tok->token_to_id("<|begin_of_text|>"), 512);
  EXPECT_EQ(tok->token_to_id("<|eot_id|>"), 516);
  EXPECT_TRUE(tok->is_special(516));

  std::string text =
      "The quick brown fox can't stop: int main() { return 42; }\n\tcaf\xC3\xA9 \xF0\x9F\x98\x80";
  auto ids = tok->encode(text, true);
  EXPECT_EQ(ids.front(), 512);
  EXPECT_EQ(tok->decode(ids, true), text);
  EXPECT_EQ(tok->decode(ids, false), "<|begin_of_text|>" + text);
  // Merges compress ordinary English well below one token per byte.
  auto plain = tok->encode(builtin_training_corpus()[0], false);
  EXPECT_LT(plain.size() * 2, builtin_training_corpus()[0].size());
  // Chat markers are single tokens.
  auto chat = tok->encode("<|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>", false);
  EXPECT_EQ(chat.front(), 514);
  EXPECT_EQ(chat.back(), 516);
}

TEST(TokenizerTrainer, Deterministic) {
  auto a = train_byte_level_bpe(builtin_training_corpus(), llama_options(400));
  auto b = train_byte_level_bpe(builtin_training_corpus(), llama_options(400));
  EXPECT_EQ(a.dump(), b.dump());
}

TEST(TokenizerTrainer, SmallCorpusStopsWhenNothingToMerge) {
  auto doc = train_byte_level_bpe({"ab ab ab"}, llama_options(1000));
  auto tok = Tokenizer::from_json(doc.dump(), "tiny");
  EXPECT_LT(doc["model"]["vocab"].size(), 270u);
  EXPECT_EQ(tok->decode(tok->encode("ab abc", false), false), "ab abc");
}

TEST(TokenizerTrainer, RejectsBadOptions) {
  TrainerOptions o = llama_options(100);
  EXPECT_THROW(train_byte_level_bpe({"x"}, o), TokenizerError);
  o = llama_options(300);
  o.bos_token = "<s>";
  EXPECT_THROW(train_byte_level_bpe({"x"}, o), TokenizerError);
  o = llama_options(300);
  o.special_tokens.push_back("<|eot_id|>");
  EXPECT_THROW(train_byte_level_bpe({"x"}, o), TokenizerError);
}

}  // namespace
}  // namespace slipway::text
