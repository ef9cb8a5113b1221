#pragma once
// Which request fields the embedded engine accepts. The policy is an allowlist, so that no
// field is ever silently ignored:
//
// Honoured (validated elsewhere), both endpoints: model, temperature, top_p, top_k, min_p,
//   presence_penalty, frequency_penalty, repetition_penalty, seed, max_tokens, n, stop,
//   stop_token_ids, ignore_eos, skip_special_tokens, logprobs, user, stream, stream_options.
//   Chat also: messages, max_completion_tokens, top_logprobs, add_generation_prompt,
//   continue_final_message, chat_template_kwargs, add_special_tokens.
//   Completions also: prompt, add_special_tokens.
// Ignored, because they change nothing about the answer: metadata, service_tier, request_id,
//   parallel_tool_calls (type-checked; no tools can be sent anyway).
// Accepted only at their no-op value, else 400 naming the field: tools / functions (empty),
//   tool_choice / function_call ("none", or "auto" without tools), response_format
//   ({"type": "text"}), logit_bias (empty), echo (false), suffix (empty), best_of (equal to
//   n: the engine does not rank candidates), modalities (["text"]), min_tokens (0),
//   priority (0), use_beam_search (false), include_stop_str_in_output (false),
//   spaces_between_special_tokens (true), bad_words / allowed_token_ids (empty),
//   store (false: nothing is stored for distillation).
// Null counts as absent for every field.
// Always rejected when present (not null): guided_json, guided_regex, guided_choice,
//   guided_grammar, guided_decoding_backend, guided_whitespace_pattern, structured_outputs,
//   audio, prediction, web_search_options, reasoning_effort, prompt_logprobs, chat_template,
//   documents, mm_processor_kwargs, truncate_prompt_tokens, length_penalty, lora_request,
//   logits_processors, return_tokens_as_token_ids, return_token_ids, cache_salt.
// Anything else: 400 "Unrecognized request argument supplied: <field>" (as OpenAI answers).
#include "backends/backend.h"

namespace slipway::backends {

// Throws RequestError (400, param = the field) for the first field the engine cannot honour.
void reject_unsupported_fields(const Json& body, Endpoint endpoint);

}  // namespace slipway::backends
