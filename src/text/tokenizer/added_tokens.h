#pragma once
// Added tokens (special or not) and the leftmost-longest matcher that cuts them out of text
// before normalization and the model, with HF's lstrip / rstrip / single_word rules.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/tokenizer/json_util.h"

namespace slipway::text {

struct AddedToken {
  int32_t id = 0;
  std::string content;
  bool special = false;
  bool normalized = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
};

std::vector<AddedToken> parse_added_tokens(const json_util::Json& list,
                                           const json_util::Context& ctx);

struct AddedSplit {
  size_t start;
  size_t end;
  int32_t id;  // -1: ordinary text
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  // patterns[i] is what to look for (the content, or its normalized form) for tokens[i].
  AddedTokenMatcher(std::vector<AddedToken> tokens, std::vector<std::string> patterns);
  bool empty() const { return tokens_.empty(); }
  // Covers text with ordinary runs and added-token matches, in order.
  std::vector<AddedSplit> split(std::string_view text) const;

 private:
  struct Node {
    std::vector<std::pair<unsigned char, int32_t>> edges;  // sorted by byte
    int32_t token = -1;                                    // index into tokens_
  };
  int32_t child(int32_t node, unsigned char byte) const;

  std::vector<AddedToken> tokens_;
  std::vector<Node> nodes_;
  bool first_byte_[256] = {};
};

}  // namespace slipway::text
