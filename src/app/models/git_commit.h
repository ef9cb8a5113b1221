#pragma once
// The commit of the code a model was trained with, read from the repository around the
// current folder without running git: walk up to a `.git` folder (or a `.git` file naming the
// gitdir, as worktrees and submodules have), read HEAD and resolve a symbolic ref through
// refs/heads/* or packed-refs.
#include <filesystem>
#include <string>

namespace slipway::app::models {

// The full hex commit id of HEAD in the repository containing `start`, or "" when `start` is
// not inside a repository or HEAD does not name a commit yet (a new, empty branch).
std::string detect_git_commit(const std::filesystem::path& start);

}  // namespace slipway::app::models
