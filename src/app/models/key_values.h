#pragma once
// The `key=value` flags of `slipway models register` (--param, --metric, --tag) and the JSON
// files that may stand in for them (--params-file, --metrics-file).
#include <string>
#include <utility>
#include <vector>

#include "registry/records.h"

namespace slipway::app::models {

// Splits at the first '='. Throws std::invalid_argument naming the flag when there is none or
// the key is empty.
std::pair<std::string, std::string> split_key_value(const std::string& text,
                                                    const std::string& flag);

// A --param value: JSON when the text is valid JSON (0.0002, 16, true, [1,2], "x", null), else
// the text as a string (llama-3.2-1b, 007).
registry::Json parse_param_value(const std::string& text);

// A --metric value: a finite number, else std::invalid_argument naming the flag and key.
double parse_metric_value(const std::string& key, const std::string& text);

// A JSON object from a file; throws std::invalid_argument naming the flag and the file when it
// cannot be read, is not JSON or not an object.
registry::Json read_json_object_file(const std::string& path, const std::string& flag);

// The file's object (if any) with the flags on top, later flags winning.
registry::Json build_params(const std::string& file, const std::vector<std::string>& flags);
// Metrics must be numbers, in the file as in the flags.
registry::Json build_metrics(const std::string& file, const std::vector<std::string>& flags);
// Tags are strings.
registry::Json build_tags(const std::vector<std::string>& flags);

}  // namespace slipway::app::models
