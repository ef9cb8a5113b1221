#pragma once
// tokenizer.json decoders: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, Sequence.
// Each maps the list of token strings to a new list; decode() joins the final list.
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer/json_util.h"

namespace slipway::text {

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
};

// Returns nullptr for a JSON null.
std::unique_ptr<Decoder> make_decoder(const json_util::Json& config, const json_util::Context& ctx);

}  // namespace slipway::text
