#include "engine/finish_reason.h"

namespace slipway::engine {

std::string_view finish_reason_name(FinishReason reason) {
  switch (reason) {
    case FinishReason::Stop:
      return "stop";
    case FinishReason::Length:
      return "length";
    case FinishReason::Abort:
      return "abort";
    case FinishReason::Timeout:
      return "timeout";
    case FinishReason::Error:
      return "error";
  }
  return "error";
}

}  // namespace slipway::engine
