#include "engine/format/safetensors_writer.h"

#include <cstring>

#include "engine/format/format_error.h"
#include "engine/format/format_text.h"
#include "engine/format/safetensors_stream_writer.h"

namespace slipway::engine {

void write_safetensors(const std::filesystem::path& path,
                       const std::map<std::string, OwnedTensor>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  std::vector<TensorSpec> specs;
  for (const auto& [name, tensor] : tensors) {
    std::size_t count = 1;
    for (int64_t dim : tensor.shape) {
      if (dim < 0)
        format_text::fail(path,
                          "tensor " + format_text::quote_name(name) + " has a negative dimension");
      count *= static_cast<std::size_t>(dim);
    }
    if (tensor.bytes.size() != count * dtype_size(tensor.dtype)) {
      format_text::fail(path, "tensor " + format_text::quote_name(name) + " holds " +
                                  std::to_string(tensor.bytes.size()) + " bytes for shape " +
                                  format_text::shape_text(tensor.shape));
    }
    specs.push_back({name, tensor.dtype, tensor.shape});
  }
  write_safetensors_streamed(
      path, std::move(specs), metadata,
      [&](const TensorSpec& spec, std::size_t first, std::span<std::byte> out) {
        const auto& bytes = tensors.at(spec.name).bytes;
        std::memcpy(out.data(), bytes.data() + first * dtype_size(spec.dtype), out.size());
      });
}

OwnedTensor make_tensor(DType dtype, std::vector<int64_t> shape, const std::vector<float>& values) {
  std::size_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0) throw FormatError("make_tensor: negative dimension");
    count *= static_cast<std::size_t>(dim);
  }
  if (count != values.size()) {
    throw FormatError("make_tensor: shape " + format_text::shape_text(shape) + " needs " +
                      std::to_string(count) + " values, got " + std::to_string(values.size()));
  }
  OwnedTensor tensor;
  tensor.dtype = dtype;
  tensor.shape = std::move(shape);
  tensor.bytes.resize(count * dtype_size(dtype));
  auto* out = tensor.bytes.data();
  for (std::size_t i = 0; i < count; ++i) {
    // Files are little-endian, as is every host Slipway runs on.
    if (dtype == DType::F32) {
      std::memcpy(out + 4 * i, &values[i], 4);
    } else {
      uint16_t half = dtype == DType::F16 ? float_to_f16(values[i]) : float_to_bf16(values[i]);
      std::memcpy(out + 2 * i, &half, 2);
    }
  }
  return tensor;
}

}  // namespace slipway::engine
