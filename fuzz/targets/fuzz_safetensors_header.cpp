// The input is a whole .safetensors file (8-byte little-endian header length, JSON header,
// data). It is opened as a model folder would open it, and its header is also parsed from
// memory; FormatError is the only acceptable failure. Every tensor a valid file yields must
// lie inside the data it was given.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "engine/format/format_error.h"
#include "engine/format/safetensors_file.h"
#include "engine/format/safetensors_header.h"
#include "support/fuzz_input.h"

namespace {

using namespace slipway::engine;

void check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_safetensors_header: %s\n", what);
  std::abort();
}

void parse_from_memory(std::string_view bytes) {
  if (bytes.size() < 8) return;
  uint64_t length = 0;
  for (int i = 7; i >= 0; --i) length = length << 8 | static_cast<uint8_t>(bytes[i]);
  if (length > bytes.size() - 8) return;
  const std::size_t data_start = 8 + length;
  try {
    const auto header = parse_safetensors_header(bytes.substr(8, length), data_start,
                                                 bytes.size() - data_start, "memory.safetensors");
    for (const auto& entry : header.entries) {
      check(entry.begin <= entry.end && entry.end <= bytes.size() - data_start,
            "entry outside the data section");
    }
  } catch (const FormatError&) {
  }
}

void open_file(const std::filesystem::path& path, std::size_t file_size) {
  try {
    const auto file = SafetensorsFile::open(path);
    for (const auto& [name, view] : file->tensors()) {
      check(view.nbytes <= file_size, "tensor larger than the file");
      view.numel();
      // Touch both ends: a view past the mapping faults here.
      if (view.nbytes > 0) {
        volatile std::byte first = view.data[0];
        volatile std::byte last = view.data[view.nbytes - 1];
        (void)first;
        (void)last;
      }
      file->find(name);
    }
  } catch (const FormatError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  static const slipway::fuzz::ScratchFile file("model.safetensors");
  const auto bytes = slipway::fuzz::as_text(data, size);
  parse_from_memory(bytes);
  open_file(file.write(bytes), size);
  return 0;
}
