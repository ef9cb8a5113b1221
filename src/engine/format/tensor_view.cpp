#include "engine/format/tensor_view.h"

namespace slipway::engine {

int64_t TensorView::numel() const {
  int64_t count = 1;
  for (int64_t dim : shape) count *= dim;  // shapes were checked against overflow on open
  return count;
}

}  // namespace slipway::engine
