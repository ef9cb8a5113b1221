#include "app/models/git_commit.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>
#include <system_error>

namespace slipway::app::models {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trim(std::string_view text) {
  const auto begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

bool is_object_id(std::string_view text) {
  if (text.size() != 40 && text.size() != 64) return false;  // SHA-1 or SHA-256 repositories
  for (char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

std::string lower(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// The gitdir for a `.git` entry: the folder itself, or the one a "gitdir: PATH" file names
// (relative to the file's folder).
std::optional<fs::path> git_dir_of(const fs::path& dot_git) {
  std::error_code ec;
  if (fs::is_directory(dot_git, ec)) return dot_git;
  if (!fs::is_regular_file(dot_git, ec)) return std::nullopt;
  const auto text = read_text(dot_git);
  if (!text) return std::nullopt;
  constexpr std::string_view prefix = "gitdir:";
  const std::string line = trim(*text);
  if (line.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  fs::path target = trim(std::string_view(line).substr(prefix.size()));
  if (target.is_relative()) target = dot_git.parent_path() / target;
  if (!fs::is_directory(target, ec)) return std::nullopt;
  return target;
}

// Worktrees keep HEAD in their own gitdir and share refs through the folder `commondir` names.
fs::path common_dir_of(const fs::path& git_dir) {
  const auto text = read_text(git_dir / "commondir");
  if (!text) return git_dir;
  fs::path common = trim(*text);
  if (common.empty()) return git_dir;
  if (common.is_relative()) common = git_dir / common;
  return common;
}

std::optional<std::string> loose_ref(const fs::path& dir, const std::string& ref) {
  const auto text = read_text(dir / ref);
  if (!text) return std::nullopt;
  return trim(*text);
}

std::optional<std::string> packed_ref(const fs::path& dir, const std::string& ref) {
  const auto text = read_text(dir / "packed-refs");
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#' || line[0] == '^') continue;  // header, peeled tags
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    if (trim(std::string_view(line).substr(space + 1)) == ref) return line.substr(0, space);
  }
  return std::nullopt;
}

// Follows "ref: ..." chains (a few levels, as git does) to an object id.
std::string resolve(const fs::path& git_dir, std::string value) {
  const fs::path common = common_dir_of(git_dir);
  for (int depth = 0; depth < 5; ++depth) {
    if (is_object_id(value)) return lower(value);
    constexpr std::string_view prefix = "ref:";
    if (value.compare(0, prefix.size(), prefix) != 0) return {};
    const std::string ref = trim(std::string_view(value).substr(prefix.size()));
    if (ref.empty() || ref.find("..") != std::string::npos) return {};
    std::optional<std::string> next = loose_ref(git_dir, ref);
    if (!next && common != git_dir) next = loose_ref(common, ref);
    if (!next) next = packed_ref(common, ref);
    if (!next) return {};  // an unborn branch
    value = *next;
  }
  return {};
}

}  // namespace

std::string detect_git_commit(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec);
  if (ec) return {};
  for (;;) {
    if (auto git_dir = git_dir_of(dir / ".git")) {
      const auto head = read_text(*git_dir / "HEAD");
      if (!head) return {};
      return resolve(*git_dir, trim(*head));
    }
    const fs::path parent = dir.parent_path();
    if (parent == dir || parent.empty()) return {};
    dir = parent;
  }
}

}  // namespace slipway::app::models
