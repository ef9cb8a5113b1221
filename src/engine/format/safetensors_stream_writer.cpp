#include "engine/format/safetensors_stream_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "engine/format/format_text.h"

namespace slipway::engine {
namespace {

using format_text::fail;

std::size_t element_count(const TensorSpec& spec, const std::filesystem::path& path) {
  std::size_t count = 1;
  for (int64_t dim : spec.shape) {
    if (dim < 0)
      fail(path, "tensor " + format_text::quote_name(spec.name) + " has a negative dimension");
    count *= static_cast<std::size_t>(dim);
  }
  return count;
}

class OutputFile {
 public:
  explicit OutputFile(const std::filesystem::path& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail(path, std::string("cannot create: ") + std::strerror(errno));
  }
  ~OutputFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const void* data, std::size_t size) {
    const auto* p = static_cast<const char*>(data);
    while (size > 0) {
      ssize_t n = ::write(fd_, p, size);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) fail(path_, std::string("cannot write: ") + std::strerror(errno));
      p += n;
      size -= static_cast<std::size_t>(n);
    }
  }
  void close() {
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail(path_, std::string("cannot write: ") + std::strerror(errno));
  }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

std::string header_json(const std::vector<TensorSpec>& specs,
                        const std::map<std::string, std::string>& metadata,
                        const std::filesystem::path& path) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto& spec : specs) {
    std::size_t size = element_count(spec, path) * dtype_size(spec.dtype);
    header[spec.name] = {{"dtype", std::string(dtype_name(spec.dtype))},
                         {"shape", spec.shape},
                         {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string text = header.dump();
  // Pad with spaces so the data section starts 8-byte aligned.
  while ((8 + text.size()) % 8 != 0) text += ' ';
  return text;
}

}  // namespace

void write_safetensors_streamed(const std::filesystem::path& path, std::vector<TensorSpec> specs,
                                const std::map<std::string, std::string>& metadata,
                                const TensorFiller& fill, std::size_t chunk_bytes) {
  std::set<std::string> seen;
  for (const auto& spec : specs) {
    if (spec.name.empty() || spec.name == "__metadata__" || !seen.insert(spec.name).second) {
      fail(path, "invalid or duplicate tensor name " + format_text::quote_name(spec.name));
    }
  }
  std::sort(specs.begin(), specs.end(), [](const TensorSpec& a, const TensorSpec& b) {
    if (dtype_size(a.dtype) != dtype_size(b.dtype))
      return dtype_size(a.dtype) > dtype_size(b.dtype);
    return a.name < b.name;
  });
  std::string header = header_json(specs, metadata, path);

  auto temp = path;
  temp += ".partial";
  // A half-written file must not be left behind to be mistaken for a model.
  try {
    OutputFile out(temp);
    unsigned char length[8];
    uint64_t header_size = header.size();
    for (int i = 0; i < 8; ++i) length[i] = static_cast<unsigned char>(header_size >> (8 * i));
    out.write(length, 8);
    out.write(header.data(), header.size());

    std::vector<std::byte> buffer;
    for (const auto& spec : specs) {
      std::size_t element = dtype_size(spec.dtype);
      std::size_t total = element_count(spec, path);
      std::size_t per_chunk = std::max<std::size_t>(1, chunk_bytes / element);
      for (std::size_t first = 0; first < total; first += per_chunk) {
        std::size_t n = std::min(per_chunk, total - first);
        buffer.resize(n * element);
        fill(spec, first, std::span<std::byte>(buffer.data(), n * element));
        out.write(buffer.data(), buffer.size());
      }
    }
    out.close();
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw;
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) fail(path, "cannot rename the written file into place: " + error.message());
}

}  // namespace slipway::engine
