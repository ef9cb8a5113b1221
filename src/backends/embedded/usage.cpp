#include "backends/embedded/usage.h"

namespace slipway::backends {

Json usage_json(const Usage& usage) {
  return Json{{"prompt_tokens", usage.prompt_tokens},
              {"completion_tokens", usage.completion_tokens},
              {"total_tokens", usage.prompt_tokens + usage.completion_tokens},
              {"prompt_tokens_details", Json{{"cached_tokens", usage.cached_tokens}}}};
}

Json response_head(const ResponseMeta& meta, const std::string& object) {
  return Json{{"id", meta.id},
              {"object", object},
              {"created", meta.created},
              {"model", meta.model},
              {"system_fingerprint", meta.system_fingerprint}};
}

Json usage_chunk(const ResponseMeta& meta, const std::string& object, const Usage& usage) {
  Json chunk = response_head(meta, object);
  chunk["choices"] = Json::array();
  chunk["usage"] = usage_json(usage);
  return chunk;
}

}  // namespace slipway::backends
