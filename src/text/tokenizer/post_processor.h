#pragma once
// tokenizer.json post-processors for single sequences: TemplateProcessing, ByteLevel (no-op on
// ids), RobertaProcessing, BertProcessing and Sequence.
#include <cstdint>
#include <memory>
#include <vector>

#include "text/tokenizer/json_util.h"

namespace slipway::text {

class PostProcessor {
 public:
  virtual ~PostProcessor() = default;
  virtual void process(std::vector<int32_t>& ids) const = 0;
};

// Returns nullptr for a JSON null.
std::unique_ptr<PostProcessor> make_post_processor(const json_util::Json& config,
                                                   const json_util::Context& ctx);

}  // namespace slipway::text
