#pragma once
// The embedded default of `slipway serve`: with no model given, a tiny random-weight demo model
// is made once in the user's cache folder and reused, so a newcomer gets a working server with
// one command and no download.
#include <filesystem>

namespace slipway::app {

// $XDG_CACHE_HOME/slipway/demo-model (or ~/.cache/..., or ./.slipway-cache/... without HOME).
std::filesystem::path demo_model_folder();

// Returns the folder, writing the model first when it is not complete there. Safe when two
// processes race: the model is written to a temporary folder and renamed into place.
std::filesystem::path ensure_demo_model();

}  // namespace slipway::app
