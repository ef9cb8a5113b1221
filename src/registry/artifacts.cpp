#include "registry/artifacts.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>

#include "registry/registry_error.h"
#include "registry/registry_internal.h"

namespace slipway::registry {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadSize = 1 << 20;

std::string to_hex(const unsigned char* bytes, unsigned int length) {
  static const char* digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(digits[bytes[i] >> 4]);
    hex.push_back(digits[bytes[i] & 0x0f]);
  }
  return hex;
}

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
      throw std::runtime_error("OpenSSL could not start a SHA-256 digest");
    }
  }
  void update(const void* data, std::size_t size) {
    if (EVP_DigestUpdate(ctx_.get(), data, size) != 1) {
      throw std::runtime_error("OpenSSL SHA-256 update failed");
    }
  }
  void update(const std::string& text) { update(text.data(), text.size()); }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(ctx_.get(), digest, &length) != 1) {
      throw std::runtime_error("OpenSSL SHA-256 final failed");
    }
    return to_hex(digest, length);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

bool hidden(const fs::path& path) {
  const std::string name = path.filename().string();
  return !name.empty() && name.front() == '.';
}

std::string short_hash(const std::string& hash) {
  return hash.size() > 12 ? hash.substr(0, 12) + "..." : hash;
}

std::string since_registration(const std::string& ref) {
  return ref.empty() ? "since registration" : "since registration of " + ref;
}

}  // namespace

int64_t detail::file_mtime_ns(const fs::path& file) {
  std::error_code error;
  const auto time = fs::last_write_time(file, error);
  if (error) return 0;
  const auto system = std::chrono::file_clock::to_sys(time);
  return std::chrono::duration_cast<std::chrono::nanoseconds>(system.time_since_epoch()).count();
}

std::string sha256_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw RegistryError(RegistryError::Code::Invalid,
                        "cannot read " + file.string() + ": " + std::strerror(errno));
  }
  Sha256 digest;
  std::vector<char> buffer(kReadSize);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = in.gcount();
    if (got > 0) digest.update(buffer.data(), static_cast<std::size_t>(got));
  }
  if (in.bad()) {
    throw RegistryError(RegistryError::Code::Invalid, "error reading " + file.string());
  }
  return digest.hex();
}

std::vector<Artifact> scan_artifacts(const fs::path& folder) {
  std::error_code error;
  if (!fs::is_directory(folder, error)) {
    throw RegistryError(RegistryError::Code::Invalid,
                        "model folder " + folder.string() + " does not exist or is not a folder");
  }
  std::vector<Artifact> artifacts;
  try {
    for (auto it = fs::recursive_directory_iterator(
             folder, fs::directory_options::follow_directory_symlink);
         it != fs::recursive_directory_iterator(); ++it) {
      const fs::path& path = it->path();
      if (hidden(path)) {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (!it->is_regular_file()) continue;  // follows symlinks
      Artifact artifact;
      artifact.path = fs::relative(path, folder).generic_string();
      artifact.size = static_cast<int64_t>(fs::file_size(path));
      artifact.mtime_ns = detail::file_mtime_ns(path);
      artifacts.push_back(std::move(artifact));
    }
  } catch (const fs::filesystem_error& e) {
    throw RegistryError(RegistryError::Code::Invalid,
                        "cannot list model folder " + folder.string() + ": " + e.what());
  }
  if (artifacts.empty()) {
    throw RegistryError(RegistryError::Code::Invalid,
                        "model folder " + folder.string() + " has no files");
  }
  std::sort(artifacts.begin(), artifacts.end(),
            [](const Artifact& a, const Artifact& b) { return a.path < b.path; });
  for (auto& artifact : artifacts) artifact.sha256 = sha256_file(folder / artifact.path);
  return artifacts;
}

VerifyReport detail::verify_artifacts_of(const fs::path& folder,
                                         const std::vector<Artifact>& recorded, VerifyMode mode,
                                         const std::string& ref) {
  VerifyReport report;
  std::error_code error;
  if (!recorded.empty() && !fs::is_directory(folder, error)) {
    throw RegistryError(RegistryError::Code::Integrity,
                        "model folder missing " + since_registration(ref) + ": " + folder.string() +
                            "; restore it or register the model's new location as a new version");
  }
  report.current.reserve(recorded.size());
  for (const auto& want : recorded) {
    const fs::path file = folder / fs::path(want.path);
    const std::string where = want.path + " (" + file.string() + ")";
    if (!fs::is_regular_file(file, error)) {
      throw RegistryError(RegistryError::Code::Integrity,
                          "model file missing " + since_registration(ref) + ": " + where +
                              "; restore it or register the changed folder as a new version");
    }
    const auto size = static_cast<int64_t>(fs::file_size(file, error));
    const int64_t mtime = detail::file_mtime_ns(file);
    Artifact now = want;
    if (mode == VerifyMode::Fast && size == want.size && mtime == want.mtime_ns &&
        want.mtime_ns != 0) {
      report.current.push_back(std::move(now));
      continue;
    }
    if (size != want.size) {
      throw RegistryError(RegistryError::Code::Integrity,
                          "model file changed " + since_registration(ref) + ": " + where +
                              ": size is " + std::to_string(size) + " bytes, registered " +
                              std::to_string(want.size) +
                              "; register the changed folder as a new version");
    }
    std::string hash;
    try {
      hash = sha256_file(file);
    } catch (const RegistryError& e) {
      throw RegistryError(
          RegistryError::Code::Integrity,
          "model file unreadable " + since_registration(ref) + ": " + where + ": " + e.what());
    }
    ++report.files_hashed;
    if (hash != want.sha256) {
      throw RegistryError(RegistryError::Code::Integrity,
                          "model file changed " + since_registration(ref) + ": " + where +
                              ": sha256 is " + short_hash(hash) + ", registered " +
                              short_hash(want.sha256) +
                              "; register the changed folder as a new version");
    }
    if (mtime != want.mtime_ns) report.mtimes_changed = true;
    now.mtime_ns = mtime;
    report.current.push_back(std::move(now));
  }
  return report;
}

VerifyReport verify_artifacts(const fs::path& folder, const std::vector<Artifact>& recorded,
                              VerifyMode mode) {
  return detail::verify_artifacts_of(folder, recorded, mode, "");
}

std::string content_hash(const Source& source, const std::vector<Artifact>& artifacts) {
  // Length-prefixed fields, so no choice of names can make two different inputs collide.
  Sha256 digest;
  auto field = [&](const std::string& text) {
    digest.update(std::to_string(text.size()) + ":");
    digest.update(text);
  };
  field("slipway-content-v1");
  field(to_string(source.kind));
  switch (source.kind) {
    case SourceKind::Embedded:
      break;
    case SourceKind::Lora:
      field(source.base);
      break;
    case SourceKind::Upstream:
      field(source.url);
      field(source.upstream_model);
      break;
  }
  for (const auto& artifact : artifacts) {
    field(artifact.path);
    field(artifact.sha256);
  }
  return digest.hex();
}

}  // namespace slipway::registry
