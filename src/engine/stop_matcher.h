#pragma once
// Finds stop strings in streamed text. Text that might be the start of a stop string is held
// back until it is known not to be, so that a stop string never reaches the client.
#include <string>
#include <string_view>
#include <vector>

namespace slipway::engine {

class StopMatcher {
 public:
  explicit StopMatcher(std::vector<std::string> stops);

  // Adds generated text; returns what can be released now. After a stop string is found,
  // stopped() is true and the text before it is released; anything after is dropped.
  std::string push(std::string_view text);
  // Releases what was held back (at the end of generation without a stop).
  std::string flush();
  bool stopped() const { return stopped_; }

 private:
  std::vector<std::string> stops_;
  std::size_t longest_ = 0;
  std::string pending_;
  bool stopped_ = false;
};

}  // namespace slipway::engine
