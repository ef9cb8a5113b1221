#include "app/feedback/output_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace slipway::app::feedback {

void write_file_atomically(const std::string& path, std::string_view content) {
  const std::string partial = path + ".partial-" + std::to_string(::getpid());
  const auto fail = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    throw std::runtime_error(std::string("cannot ") + what + " " + path + ": " + reason);
  };
  std::FILE* file = std::fopen(partial.c_str(), "wb");
  if (!file) fail("write");
  const bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size() &&
                       std::fflush(file) == 0 && ::fsync(::fileno(file)) == 0;
  if (std::fclose(file) != 0 || !written) fail("write");
  if (std::rename(partial.c_str(), path.c_str()) != 0) fail("replace");
}

}  // namespace slipway::app::feedback
