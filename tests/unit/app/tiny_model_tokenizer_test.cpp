// The tiny model's tokenizer files work with Slipway's own tokenizer and chat template code.
#include <gtest/gtest.h>

#include "app/tiny_model/tiny_model.h"
#include "engine/format/model_config.h"
#include "text/chat_template.h"
#include "text/tokenizer.h"

namespace slipway::app {
namespace {

// One folder per test: ctest runs the tests of this file as parallel processes.
std::filesystem::path tiny_llama() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto folder = std::filesystem::path(SLIPWAY_TEST_TMP) / "tiny_model" /
                (std::string("tokenizer_check_") + info->name());
  std::filesystem::remove_all(folder);
  write_tiny_model(folder, {});
  return folder;
}

TEST(TinyModelTokenizer, EveryEmbeddingRowIsAToken) {
  auto folder = tiny_llama();
  auto config = engine::load_model_config(folder);
  auto tokenizer = text::Tokenizer::from_file(folder / "tokenizer.json");
  EXPECT_EQ(tokenizer->vocab_size(), config.vocab_size);
  for (int32_t id = 0; id < config.vocab_size; ++id) {
    ASSERT_TRUE(tokenizer->id_to_token(id)) << id;
  }
  EXPECT_EQ(tokenizer->token_to_id("<|begin_of_text|>"), config.bos_token_id);
  EXPECT_EQ(tokenizer->token_to_id("<|eot_id|>"), config.eos_token_ids.back());
  EXPECT_TRUE(tokenizer->is_special(static_cast<int32_t>(*config.bos_token_id)));

  std::string text = "Hello, world! The keeper climbed the stairs.";
  auto ids = tokenizer->encode(text, true);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(ids.front(), *config.bos_token_id);
  EXPECT_EQ(tokenizer->decode(ids, true), text);
}

TEST(TinyModelTokenizer, ChatTemplateRendersLlama3Turns) {
  auto folder = tiny_llama();
  auto tokenizer_config = text::load_tokenizer_config(folder / "tokenizer_config.json");
  ASSERT_TRUE(tokenizer_config.chat_template);
  EXPECT_EQ(tokenizer_config.bos_token, "<|begin_of_text|>");
  EXPECT_EQ(tokenizer_config.eos_token, "<|eot_id|>");
  auto chat = text::ChatTemplate::parse(*tokenizer_config.chat_template, "tokenizer_config.json");
  nlohmann::json context = {
      {"messages",
       {{{"role", "system"}, {"content", "Be brief."}}, {{"role", "user"}, {"content", " Hi! "}}}},
      {"add_generation_prompt", true},
      {"bos_token", "<|begin_of_text|>"},
      {"eos_token", "<|eot_id|>"}};
  EXPECT_EQ(chat->render(context),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi!<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
  context["add_generation_prompt"] = false;
  EXPECT_EQ(chat->render(context).find("assistant"), std::string::npos);
}

}  // namespace
}  // namespace slipway::app
