#include "app/tiny_model/tiny_tokenizer.h"

#include <algorithm>
#include <stdexcept>

#include "text/tokenizer_trainer.h"

namespace slipway::app {
namespace {

constexpr int32_t kVocabTarget = 1024;  // bytes + merges + special tokens
const char* const kSpecialTokens[] = {"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                      "<|end_header_id|>", "<|eot_id|>"};

int32_t vocab_size_of(const nlohmann::json& tokenizer) {
  int64_t highest = -1;
  for (const auto& [token, id] : tokenizer.at("model").at("vocab").items()) {
    highest = std::max(highest, id.get<int64_t>());
  }
  for (const auto& added : tokenizer.at("added_tokens")) {
    highest = std::max(highest, added.at("id").get<int64_t>());
  }
  return static_cast<int32_t>(highest + 1);
}

int64_t id_of(const nlohmann::json& tokenizer, const std::string& content) {
  for (const auto& added : tokenizer.at("added_tokens")) {
    if (added.at("content") == content) return added.at("id").get<int64_t>();
  }
  throw std::logic_error("tiny tokenizer lacks " + content);
}

// Fills the vocabulary up to a multiple of 64 so that every embedding row has a token.
void pad_with_reserved_tokens(nlohmann::json& tokenizer) {
  int32_t size = vocab_size_of(tokenizer);
  int32_t padded = (size + 63) / 64 * 64;
  for (int32_t id = size, n = 0; id < padded; ++id, ++n) {
    tokenizer["added_tokens"].push_back(
        {{"id", id},
         {"content", "<|reserved_special_token_" + std::to_string(n) + "|>"},
         {"single_word", false},
         {"lstrip", false},
         {"rstrip", false},
         {"normalized", false},
         {"special", true}});
  }
}

nlohmann::ordered_json added_tokens_decoder(const nlohmann::json& tokenizer) {
  nlohmann::ordered_json decoder = nlohmann::ordered_json::object();
  for (const auto& added : tokenizer.at("added_tokens")) {
    decoder[std::to_string(added.at("id").get<int64_t>())] = {{"content", added.at("content")},
                                                              {"lstrip", false},
                                                              {"normalized", false},
                                                              {"rstrip", false},
                                                              {"single_word", false},
                                                              {"special", true}};
  }
  return decoder;
}

}  // namespace

const std::string& tiny_chat_template() {
  static const std::string kTemplate =
      "{{- bos_token }}"
      "{%- for message in messages %}"
      "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
      "{{- message['content'] | trim }}"
      "{{- '<|eot_id|>' }}"
      "{%- endfor %}"
      "{%- if add_generation_prompt %}"
      "{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
      "{%- endif %}";
  return kTemplate;
}

TinyTokenizer build_tiny_tokenizer() {
  text::TrainerOptions options;
  options.special_tokens.assign(std::begin(kSpecialTokens), std::end(kSpecialTokens));
  options.vocab_size = kVocabTarget - static_cast<int32_t>(options.special_tokens.size());
  options.bos_token = "<|begin_of_text|>";

  TinyTokenizer out;
  out.tokenizer_json = text::train_byte_level_bpe(text::builtin_training_corpus(), options);
  pad_with_reserved_tokens(out.tokenizer_json);
  out.ids.vocab_size = vocab_size_of(out.tokenizer_json);
  out.ids.begin_of_text = id_of(out.tokenizer_json, "<|begin_of_text|>");
  out.ids.end_of_text = id_of(out.tokenizer_json, "<|end_of_text|>");
  out.ids.eot = id_of(out.tokenizer_json, "<|eot_id|>");

  auto& config = out.tokenizer_config;
  config["added_tokens_decoder"] = added_tokens_decoder(out.tokenizer_json);
  config["bos_token"] = "<|begin_of_text|>";
  config["chat_template"] = tiny_chat_template();
  config["clean_up_tokenization_spaces"] = true;
  config["eos_token"] = "<|eot_id|>";
  config["model_input_names"] = {"input_ids", "attention_mask"};
  config["model_max_length"] = 131072;
  config["tokenizer_class"] = "PreTrainedTokenizerFast";
  return out;
}

}  // namespace slipway::app
