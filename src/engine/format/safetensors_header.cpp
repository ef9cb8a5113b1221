#include "engine/format/safetensors_header.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "engine/format/format_text.h"

namespace slipway::engine {
namespace {

using format_text::fail;
using format_text::quote_name;

std::vector<int64_t> parse_shape(const nlohmann::json& value, const std::string& name,
                                 const std::filesystem::path& source) {
  if (!value.is_array()) fail(source, "tensor " + quote_name(name) + ": shape is not an array");
  std::vector<int64_t> shape;
  for (const auto& dim : value) {
    if (!dim.is_number_integer()) {
      fail(source, "tensor " + quote_name(name) + ": shape has a non-integer dimension");
    }
    if (dim.is_number_unsigned()) {
      if (dim.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        fail(source, "tensor " + quote_name(name) + ": shape dimension too large");
      }
    } else if (dim.get<int64_t>() < 0) {
      fail(source, "tensor " + quote_name(name) + ": shape has a negative dimension");
    }
    shape.push_back(dim.get<int64_t>());
  }
  return shape;
}

// numel * element size, or a FormatError when it does not fit in size_t.
std::size_t byte_size(const std::vector<int64_t>& shape, DType dtype, const std::string& name,
                      const std::filesystem::path& source) {
  std::size_t bytes = dtype_size(dtype);
  for (int64_t dim : shape) {
    auto d = static_cast<std::size_t>(dim);
    if (d != 0 && bytes > std::numeric_limits<std::size_t>::max() / d) {
      fail(source, "tensor " + quote_name(name) + ": shape " + format_text::shape_text(shape) +
                       " overflows");
    }
    bytes *= d;
  }
  return bytes;
}

std::size_t parse_offset(const nlohmann::json& value, const std::string& name,
                         const std::filesystem::path& source) {
  if (!value.is_number_unsigned()) {
    fail(source, "tensor " + quote_name(name) + ": data_offsets must be [begin,end] integers");
  }
  uint64_t offset = value.get<uint64_t>();
  if (offset > std::numeric_limits<std::size_t>::max()) {
    fail(source, "tensor " + quote_name(name) + ": data offset too large");
  }
  return static_cast<std::size_t>(offset);
}

SafetensorsEntry parse_entry(const std::string& name, const nlohmann::json& value,
                             std::size_t data_start, std::size_t data_size,
                             const std::filesystem::path& source) {
  if (!value.is_object()) fail(source, "tensor " + quote_name(name) + " is not a JSON object");
  SafetensorsEntry entry;
  entry.name = name;

  auto dtype_it = value.find("dtype");
  if (dtype_it == value.end() || !dtype_it->is_string()) {
    fail(source, "tensor " + quote_name(name) + ": missing string dtype");
  }
  const auto& dtype_text = dtype_it->get_ref<const std::string&>();
  auto dtype = parse_dtype(dtype_text);
  if (!dtype) {
    fail(source, "tensor " + quote_name(name) + ": unsupported dtype " + quote_name(dtype_text));
  }
  entry.dtype = *dtype;

  auto shape_it = value.find("shape");
  if (shape_it == value.end()) fail(source, "tensor " + quote_name(name) + ": missing shape");
  entry.shape = parse_shape(*shape_it, name, source);

  auto offsets_it = value.find("data_offsets");
  if (offsets_it == value.end() || !offsets_it->is_array() || offsets_it->size() != 2) {
    fail(source, "tensor " + quote_name(name) + ": data_offsets must be [begin,end] integers");
  }
  entry.begin = parse_offset((*offsets_it)[0], name, source);
  entry.end = parse_offset((*offsets_it)[1], name, source);
  if (entry.begin > entry.end) {
    fail(source, "tensor " + quote_name(name) + ": data_offsets begin is after end");
  }
  if (entry.end > data_size) {
    fail(source, "tensor " + quote_name(name) + ": data_offsets end " + std::to_string(entry.end) +
                     " is beyond the data section of " + std::to_string(data_size) + " bytes");
  }
  std::size_t expected = byte_size(entry.shape, entry.dtype, name, source);
  if (entry.end - entry.begin != expected) {
    fail(source, "tensor " + quote_name(name) + ": holds " +
                     std::to_string(entry.end - entry.begin) + " bytes but shape " +
                     format_text::shape_text(entry.shape) + " of " + std::string(dtype_text) +
                     " needs " + std::to_string(expected));
  }
  // Views are read as the element type in place, so the data must be aligned to it.
  if (expected != 0 && (data_start + entry.begin) % dtype_size(entry.dtype) != 0) {
    fail(source, "tensor " + quote_name(name) + ": data is not aligned to its element size");
  }
  return entry;
}

std::map<std::string, std::string> parse_metadata(const nlohmann::json& value,
                                                  const std::filesystem::path& source) {
  if (!value.is_object()) fail(source, "__metadata__ is not a JSON object");
  std::map<std::string, std::string> metadata;
  for (const auto& [key, item] : value.items()) {
    if (!item.is_string())
      fail(source, "__metadata__ value of " + quote_name(key) + " is not a string");
    metadata.emplace(key, item.get<std::string>());
  }
  return metadata;
}

void check_overlaps(std::vector<const SafetensorsEntry*> entries,
                    const std::filesystem::path& source) {
  std::erase_if(entries, [](const SafetensorsEntry* e) { return e->begin == e->end; });
  std::sort(
      entries.begin(), entries.end(),
      [](const SafetensorsEntry* a, const SafetensorsEntry* b) { return a->begin < b->begin; });
  for (std::size_t i = 1; i < entries.size(); ++i) {
    if (entries[i]->begin < entries[i - 1]->end) {
      fail(source, "tensors " + quote_name(entries[i - 1]->name) + " and " +
                       quote_name(entries[i]->name) + " overlap");
    }
  }
}

}  // namespace

SafetensorsHeader parse_safetensors_header(std::string_view json_text, std::size_t data_start,
                                           std::size_t data_size,
                                           const std::filesystem::path& source) {
  // The JSON parser would stop at a NUL and ignore what follows.
  if (json_text.find('\0') != std::string_view::npos)
    fail(source, "header is not valid JSON: NUL byte");
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    fail(source, std::string("header is not valid JSON: ") + e.what());
  }
  if (!root.is_object()) fail(source, "header is not a JSON object");

  SafetensorsHeader header;
  for (const auto& [name, value] : root.items()) {
    if (name == "__metadata__") {
      header.metadata = parse_metadata(value, source);
      continue;
    }
    header.entries.push_back(parse_entry(name, value, data_start, data_size, source));
  }
  std::vector<const SafetensorsEntry*> pointers;
  for (const auto& entry : header.entries) pointers.push_back(&entry);
  check_overlaps(std::move(pointers), source);
  return header;
}

}  // namespace slipway::engine
