// Prompts, /tokenize, /detokenize and logprob token texts against a real tiny model folder
// (tokenizer.json, chat template), without the scheduler.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "backends/embedded/json_fields.h"
#include "backends/embedded/prompt_builder.h"
#include "backends/embedded/sampling_request.h"
#include "backends/embedded/token_text.h"
#include "backends/embedded/tokenize_endpoints.h"
#include "embedded_test_util.h"

namespace slipway::backends {
namespace {

using test::error_of;

// Replaces (or, with an empty string, removes) the folder's chat template.
void set_chat_template(const std::filesystem::path& folder, const std::string& chat_template) {
  const auto path = folder / "tokenizer_config.json";
  nlohmann::json config = nlohmann::json::parse(std::ifstream(path));
  if (chat_template.empty()) {
    config.erase("chat_template");
  } else {
    config["chat_template"] = chat_template;
  }
  std::ofstream(path) << config.dump(2);
}

class EmbeddedModelPrompt : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = test::tiny_model("prompt");
    package_ = engine::ModelPackage::load(folder_);
  }
  std::string decode(const std::vector<int32_t>& ids) const {
    return package_->tokenizer().decode(ids, false);
  }
  std::vector<int32_t> json_ids(const Json& ids) const { return ids.get<std::vector<int32_t>>(); }

  std::filesystem::path folder_;
  std::shared_ptr<const engine::ModelPackage> package_;
};

const Json kMessages = Json::parse(R"([{"role": "system", "content": "Be brief."},
                                       {"role": "user", "content": "hello there"}])");

TEST_F(EmbeddedModelPrompt, TokenizePrompt) {
  const Json answer = tokenize_response(*package_, Json{{"model", "m"}, {"prompt", "hello world"}});
  EXPECT_EQ(json_ids(answer["tokens"]), package_->encode_prompt("hello world"));
  EXPECT_EQ(answer["count"], answer["tokens"].size());
  EXPECT_EQ(answer["max_model_len"], package_->model().config().max_position_embeddings);
  EXPECT_EQ(decode(json_ids(answer["tokens"])), "<|begin_of_text|>hello world");
  const Json plain = tokenize_response(
      *package_, Json{{"model", "m"}, {"prompt", "hello world"}, {"add_special_tokens", false}});
  EXPECT_EQ(decode(json_ids(plain["tokens"])), "hello world");
}

TEST_F(EmbeddedModelPrompt, TokenizeMessages) {
  const Json answer = tokenize_response(*package_, Json{{"model", "m"}, {"messages", kMessages}});
  const auto ids = json_ids(answer["tokens"]);
  EXPECT_EQ(ids, package_->encode_chat(nlohmann::json::parse(kMessages.dump()), true));
  const std::string text = decode(ids);
  EXPECT_EQ(text.rfind("<|begin_of_text|>", 0), 0u) << text;
  EXPECT_NE(text.find("hello there<|eot_id|>"), std::string::npos) << text;
  EXPECT_TRUE(text.ends_with("<|start_header_id|>assistant<|end_header_id|>\n\n")) << text;

  const Json no_prompt =
      tokenize_response(*package_, Json{{"messages", kMessages}, {"add_generation_prompt", false}});
  EXPECT_TRUE(decode(json_ids(no_prompt["tokens"])).ends_with("hello there<|eot_id|>"));
}

TEST_F(EmbeddedModelPrompt, ContinueFinalMessage) {
  Json messages = kMessages;
  messages.push_back(Json{{"role", "assistant"}, {"content", "Hi, I am"}});
  const Json answer =
      tokenize_response(*package_, Json{{"messages", messages}, {"continue_final_message", true}});
  const std::string text = decode(json_ids(answer["tokens"]));
  EXPECT_TRUE(text.ends_with("<|start_header_id|>assistant<|end_header_id|>\n\nHi, I am")) << text;
  // The template trims the content; the prompt still ends right after it.
  messages.back()["content"] = "Hi, I am  ";
  const Json trimmed =
      tokenize_response(*package_, Json{{"messages", messages}, {"continue_final_message", true}});
  EXPECT_TRUE(decode(json_ids(trimmed["tokens"])).ends_with("Hi, I am"));
}

TEST_F(EmbeddedModelPrompt, TemplateKwargsReachTheTemplate) {
  set_chat_template(
      folder_,
      "{% for m in messages %}{{ m['content'] }}|{% endfor %}"
      "{% if enable_thinking is defined and not enable_thinking %}NOTHINK{% endif %}");
  const auto package = engine::ModelPackage::load(folder_);
  ChatPromptRequest request;
  request.messages = kMessages;
  EXPECT_EQ(decode(chat_prompt_ids(*package, request)), "Be brief.|hello there|");
  request.template_kwargs = Json{{"enable_thinking", false}};
  EXPECT_EQ(decode(chat_prompt_ids(*package, request)), "Be brief.|hello there|NOTHINK");
}

TEST_F(EmbeddedModelPrompt, NoChatTemplateIs400) {
  set_chat_template(folder_, "");
  const auto package = engine::ModelPackage::load(folder_);
  ChatPromptRequest request;
  request.messages = kMessages;
  const ApiError e = error_of([&] { chat_prompt_ids(*package, request); });
  EXPECT_EQ(e.status, 400);
  EXPECT_NE(e.message.find("no chat template"), std::string::npos);
}

TEST_F(EmbeddedModelPrompt, TemplateErrorsAre400) {
  set_chat_template(folder_, "{{ raise_exception('only user turns') }}");
  const auto package = engine::ModelPackage::load(folder_);
  ChatPromptRequest request;
  request.messages = kMessages;
  const ApiError e = error_of([&] { chat_prompt_ids(*package, request); });
  EXPECT_EQ(e.status, 400);
  EXPECT_EQ(e.param, "messages");
}

TEST_F(EmbeddedModelPrompt, TokenizeErrors) {
  EXPECT_EQ(error_of([&] { tokenize_response(*package_, Json{{"model", "m"}}); }).status, 400);
  EXPECT_EQ(error_of([&] { tokenize_response(*package_, Json{{"prompt", 5}}); }).status, 422);
  EXPECT_EQ(error_of([&] {
              tokenize_response(*package_, Json{{"prompt", "x"}, {"add_special_tokens", "no"}});
            }).status,
            422);
  EXPECT_EQ(error_of([&] {
              tokenize_response(*package_, Json{{"prompt", "x"}, {"tools", 1}});
            }).param,
            "tools");
  EXPECT_EQ(error_of([&] { tokenize_response(*package_, Json{{"messages", "x"}}); }).status, 422);
}

TEST_F(EmbeddedModelPrompt, Detokenize) {
  const auto ids = package_->encode_prompt("hello world");
  const Json answer = detokenize_response(*package_, Json{{"model", "m"}, {"tokens", ids}});
  EXPECT_EQ(answer, (Json{{"prompt", "<|begin_of_text|>hello world"}}));
  const int64_t vocab = package_->tokenizer().vocab_size();
  EXPECT_EQ(error_of([&] {
              detokenize_response(*package_, Json{{"tokens", Json::array({vocab})}});
            }).status,
            400);
  EXPECT_EQ(error_of([&] { detokenize_response(*package_, Json{{"tokens", "abc"}}); }).status, 422);
  EXPECT_EQ(error_of([&] { detokenize_response(*package_, Json{{"tokens", {"a"}}}); }).status, 422);
  EXPECT_EQ(error_of([&] { detokenize_response(*package_, Json::object()); }).status, 400);
}

TEST_F(EmbeddedModelPrompt, TokenTextsJoinToTheText) {
  // Rare characters split into byte tokens: their pieces stand in as text, the bytes stay.
  const std::string text = "hello world, caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x99\x82!";
  const auto ids = package_->tokenizer().encode(text, false);
  std::string bytes;
  bool saw_partial = false;
  for (int32_t id : ids) {
    const TokenText t = token_text(package_->tokenizer(), id);
    bytes += t.bytes;
    EXPECT_NO_THROW((void)Json(t.text).dump()) << id;  // always valid UTF-8
    saw_partial = saw_partial || t.text != t.bytes;
  }
  EXPECT_EQ(bytes, text);
  EXPECT_TRUE(saw_partial) << "expected some byte tokens in " << ids.size() << " tokens";
  const auto eot = package_->tokenizer().token_to_id("<|eot_id|>");
  ASSERT_TRUE(eot);
  EXPECT_EQ(token_text(package_->tokenizer(), *eot).text, "<|eot_id|>");
}

TEST_F(EmbeddedModelPrompt, CompletionPromptIds) {
  EXPECT_EQ(completion_prompt_ids(*package_, PromptInput{std::string("hi")}, true),
            package_->encode_prompt("hi"));
  EXPECT_EQ(completion_prompt_ids(*package_, PromptInput{std::vector<int32_t>{5, 6}}, true),
            (std::vector<int32_t>{5, 6}));
  EXPECT_EQ(completion_prompt_ids(*package_, PromptInput{std::string("hi")}, false),
            package_->tokenizer().encode("hi", false));
}

}  // namespace
}  // namespace slipway::backends
