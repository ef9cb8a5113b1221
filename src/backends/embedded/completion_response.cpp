#include "backends/embedded/completion_response.h"

namespace slipway::backends {

Json completion_body(const ResponseMeta& meta, const std::vector<ChoiceOutput>& choices,
                     const Usage& usage) {
  Json body = response_head(meta, kCompletionObject);
  Json list = Json::array();
  for (const auto& choice : choices) {
    list.push_back(Json{{"index", choice.index},
                        {"text", choice.text},
                        {"logprobs", choice.logprobs},
                        {"finish_reason", choice.finish_reason}});
  }
  body["choices"] = std::move(list);
  body["usage"] = usage_json(usage);
  return body;
}

Json completion_chunk(const ResponseMeta& meta, int64_t index, const std::string& text,
                      Json logprobs, Json finish_reason, bool include_usage) {
  Json chunk = response_head(meta, kCompletionObject);
  chunk["choices"] = Json::array({Json{{"index", index},
                                       {"text", text},
                                       {"logprobs", std::move(logprobs)},
                                       {"finish_reason", std::move(finish_reason)}}});
  if (include_usage) chunk["usage"] = nullptr;
  return chunk;
}

}  // namespace slipway::backends
