#pragma once
// The models one `slipway bench` run asks for. `--model a1,a2,a3` spreads the requests
// round-robin (request i goes to model i mod n), so every model sees the same kind of prompts
// and the same arrival pattern, and the load mixes them the way a server with several adapters
// on one base would see it.
#include <cstddef>
#include <string>
#include <vector>

namespace slipway::app::loadgen {

// "a1,a2" -> {"a1", "a2"}, spaces around names dropped; "" -> {} (ask the server for one).
// Throws std::invalid_argument on an empty name ("a1,,a2", "a1,").
std::vector<std::string> parse_model_list(const std::string& text);

// The model of request `index`: models[index % models.size()]. `models` is not empty.
const std::string& model_for_request(const std::vector<std::string>& models, std::size_t index);

// The distinct names of `models`, in the order they are first listed.
std::vector<std::string> distinct_models(const std::vector<std::string>& models);

}  // namespace slipway::app::loadgen
