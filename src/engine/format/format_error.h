#pragma once
// A model folder that cannot be used: the message is one line naming the file and the problem.
#include <stdexcept>
#include <string>

namespace slipway::engine {

class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace slipway::engine
