#pragma once
// Turns validated prompts into token ids with the model's tokenizer and chat template.
#include <cstdint>
#include <vector>

#include "backends/embedded/chat_request.h"
#include "backends/embedded/completion_request.h"
#include "engine/model_package.h"

namespace slipway::backends {

// Renders the chat template (400 when the model has none or the template fails on these
// messages) and tokenizes it. With continue_final_message the text ends right after the last
// message's content, so the model continues it instead of starting a new turn.
std::vector<int32_t> chat_prompt_ids(const engine::ModelPackage& package,
                                     const ChatPromptRequest& request);

// Text prompts are tokenized (with special tokens unless asked otherwise); id prompts pass.
std::vector<int32_t> completion_prompt_ids(const engine::ModelPackage& package,
                                           const PromptInput& prompt, bool add_special_tokens);

}  // namespace slipway::backends
