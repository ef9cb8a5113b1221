#pragma once
// Writing a dataset so that a failed or interrupted write never leaves a corrupt file: the
// bytes go to FILE.partial-<pid>, are flushed to disk, then renamed over FILE.
#include <string>
#include <string_view>

namespace slipway::app::feedback {

// Throws std::runtime_error naming the file (the partial file is removed).
void write_file_atomically(const std::string& path, std::string_view content);

}  // namespace slipway::app::feedback
