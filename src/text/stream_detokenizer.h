#pragma once
// Turns generated ids into text as they arrive, never emitting half a UTF-8 character and
// giving exactly the text decode() gives for the whole sequence once flushed.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "text/tokenizer.h"

namespace slipway::text {

class StreamDetokenizer {
 public:
  // prompt_ids give context (e.g. whether a leading space is stripped); they are not emitted.
  StreamDetokenizer(std::shared_ptr<const Tokenizer> tokenizer, std::vector<int32_t> prompt_ids,
                    bool skip_special_tokens);
  // Returns the newly completed text (possibly empty while a character is incomplete).
  std::string push(int32_t id);
  // Returns whatever is left (incomplete bytes become U+FFFD as decode() would).
  std::string flush();

 private:
  // Text of ids_[from, to) as decode() gives it.
  std::string decode_range(size_t from, size_t to) const;

  std::shared_ptr<const Tokenizer> tokenizer_;
  std::vector<int32_t> ids_;  // a little prompt context, then the generated ids
  size_t prefix_offset_ = 0;  // start of the window that gives context to new tokens
  size_t read_offset_ = 0;    // everything before this has been emitted
  bool skip_special_tokens_;
};

}  // namespace slipway::text
