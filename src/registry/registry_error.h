#pragma once
// Registry errors carry a code the HTTP edge maps to a status (NotFound 404, Conflict 409,
// Invalid 400, StageRule 409, Integrity 409) and the CLI prints as it is.
#include <stdexcept>
#include <string>

namespace slipway::registry {

class RegistryError : public std::runtime_error {
 public:
  enum class Code {
    NotFound,   // model, version, alias or label unknown
    Conflict,   // label taken, model exists
    Invalid,    // bad name, label, path, source, params
    StageRule,  // a stage change the rules forbid, or an archived version used
    Integrity,  // an artifact changed or went missing since registration
  };
  RegistryError(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

}  // namespace slipway::registry
