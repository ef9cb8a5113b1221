#pragma once
// The one exception the Jinja engine throws internally; ChatTemplate turns it into TemplateError.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace slipway::text::jinja {

inline constexpr std::uint32_t kNoOffset = UINT32_MAX;

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, std::uint32_t offset = kNoOffset)
      : std::runtime_error(message), offset(offset) {}
  std::uint32_t offset;  // byte offset in the template source, when known
};

}  // namespace slipway::text::jinja
