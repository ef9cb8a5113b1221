#pragma once
// Artifact files of a model folder: what gets hashed at registration and checked before
// serving. Every regular file under the folder counts except hidden ones (".git", ".cache")
// and README/licence-like text that does not change what the model computes is still hashed:
// a version is exactly its bytes.
#include <filesystem>
#include <string>
#include <vector>

#include "registry/records.h"

namespace slipway::registry {

// SHA-256 of a file as lowercase hex (OpenSSL EVP, streamed in 1 MiB reads).
std::string sha256_file(const std::filesystem::path& file);

// Every regular file under `folder` (recursively, symlinks followed, hidden entries skipped),
// sorted by relative path, with size, mtime and SHA-256. Throws RegistryError(Invalid) when
// the folder does not exist or is empty.
std::vector<Artifact> scan_artifacts(const std::filesystem::path& folder);

// Checks a folder against recorded artifacts. Fast: a file whose size and mtime match is
// trusted; any other is hashed. Full: every file is hashed. A missing file or a hash mismatch
// throws RegistryError(Integrity) naming the file (relative and absolute path) and what
// differs. Returns the records with the mtimes seen now (for files whose hash matched), so a
// caller can refresh the fast-path cache.
enum class VerifyMode { Fast, Full };
struct VerifyReport {
  std::vector<Artifact> current;  // same order as recorded
  int files_hashed = 0;
  bool mtimes_changed = false;  // some file matched by hash but not by mtime
};
VerifyReport verify_artifacts(const std::filesystem::path& folder,
                              const std::vector<Artifact>& recorded, VerifyMode mode);

// The version's content hash: sha256 over the source kind, the LoRA base or upstream URL and
// model, and every (path, sha256) in order. Two registrations of the same bytes share it.
std::string content_hash(const Source& source, const std::vector<Artifact>& artifacts);

}  // namespace slipway::registry
