#pragma once
// tokenizer.json normalizers: NFC, NFD, Prepend, Replace, Strip, Lowercase (ASCII), Sequence.
#include <memory>
#include <string>

#include "text/tokenizer/json_util.h"

namespace slipway::text {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(std::string& text) const = 0;
};

// Returns nullptr for a JSON null (no normalizer).
std::unique_ptr<Normalizer> make_normalizer(const json_util::Json& config,
                                            const json_util::Context& ctx);

}  // namespace slipway::text
