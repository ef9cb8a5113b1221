#include "backends/embedded/chat_response.h"

namespace slipway::backends {

Json chat_completion_body(const ResponseMeta& meta, const std::vector<ChoiceOutput>& choices,
                          const Usage& usage) {
  Json body = response_head(meta, kChatObject);
  Json list = Json::array();
  for (const auto& choice : choices) {
    list.push_back(Json{{"index", choice.index},
                        {"message", Json{{"role", "assistant"}, {"content", choice.text}}},
                        {"logprobs", choice.logprobs},
                        {"finish_reason", choice.finish_reason}});
  }
  body["choices"] = std::move(list);
  body["usage"] = usage_json(usage);
  return body;
}

Json chat_chunk(const ResponseMeta& meta, int64_t index, Json delta, Json logprobs,
                Json finish_reason, bool include_usage) {
  Json chunk = response_head(meta, kChatChunkObject);
  chunk["choices"] = Json::array({Json{{"index", index},
                                       {"delta", std::move(delta)},
                                       {"logprobs", std::move(logprobs)},
                                       {"finish_reason", std::move(finish_reason)}}});
  if (include_usage) chunk["usage"] = nullptr;
  return chunk;
}

Json chat_role_chunk(const ResponseMeta& meta, int64_t index, bool include_usage) {
  return chat_chunk(meta, index, Json{{"role", "assistant"}, {"content", ""}}, nullptr, nullptr,
                    include_usage);
}

Json chat_content_chunk(const ResponseMeta& meta, int64_t index, const std::string& text,
                        Json logprobs, bool include_usage) {
  return chat_chunk(meta, index, Json{{"content", text}}, std::move(logprobs), nullptr,
                    include_usage);
}

Json chat_finish_chunk(const ResponseMeta& meta, int64_t index, const std::string& finish_reason,
                       bool include_usage) {
  return chat_chunk(meta, index, Json::object(), nullptr, finish_reason, include_usage);
}

}  // namespace slipway::backends
