// Commit detection on hand-made .git folders: no git process, no real repository.
#include "app/models/git_commit.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <fstream>

#include "test_dir.h"

namespace slipway::app::models {
namespace {

namespace fs = std::filesystem;

const std::string kMain = "0123456789abcdef0123456789abcdef01234567";
const std::string kPacked = "89abcdef0123456789abcdef0123456789abcdef";
const std::string kDetached = "fedcba9876543210fedcba9876543210fedcba98";

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// A repository at `root` whose HEAD is `head`, with a work folder two levels down.
fs::path make_repo(const fs::path& root, const std::string& head) {
  write(root / ".git" / "HEAD", head);
  fs::create_directories(root / "train" / "scripts");
  return root / "train" / "scripts";
}

TEST(GitCommit, BranchRefFromLooseFile) {
  const auto root = test::fresh_test_dir("app", "git");
  const auto work = make_repo(root, "ref: refs/heads/main\n");
  write(root / ".git" / "refs" / "heads" / "main", kMain + "\n");
  EXPECT_EQ(detect_git_commit(work), kMain);
  EXPECT_EQ(detect_git_commit(root), kMain);
}

TEST(GitCommit, BranchRefFromPackedRefs) {
  const auto root = test::fresh_test_dir("app", "git");
  const auto work = make_repo(root, "ref: refs/heads/feature/lora\n");
  write(root / ".git" / "packed-refs",
        "# pack-refs with: peeled fully-peeled sorted \n" + kMain + " refs/heads/main\n" + kPacked +
            " refs/heads/feature/lora\n" + kDetached + " refs/tags/v1\n^" + kMain + "\n");
  EXPECT_EQ(detect_git_commit(work), kPacked);
}

TEST(GitCommit, LooseRefWinsOverPackedRefs) {
  const auto root = test::fresh_test_dir("app", "git");
  const auto work = make_repo(root, "ref: refs/heads/main\n");
  write(root / ".git" / "packed-refs", kPacked + " refs/heads/main\n");
  write(root / ".git" / "refs" / "heads" / "main", kMain + "\n");
  EXPECT_EQ(detect_git_commit(work), kMain);
}

TEST(GitCommit, DetachedHead) {
  const auto root = test::fresh_test_dir("app", "git");
  const auto work = make_repo(root, kDetached + "\n");
  EXPECT_EQ(detect_git_commit(work), kDetached);
}

TEST(GitCommit, UppercaseHexIsLowered) {
  const auto root = test::fresh_test_dir("app", "git");
  std::string upper = kDetached;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto work = make_repo(root, upper);
  EXPECT_EQ(detect_git_commit(work), kDetached);
}

TEST(GitCommit, UnbornBranchIsNothing) {
  const auto root = test::fresh_test_dir("app", "git");
  const auto work = make_repo(root, "ref: refs/heads/main\n");
  EXPECT_EQ(detect_git_commit(work), "");
}

TEST(GitCommit, GitFilePointsToTheGitDir) {
  const auto root = test::fresh_test_dir("app", "git");
  // A worktree: .git is a file naming the gitdir, whose commondir holds the shared refs.
  const fs::path main_git = root / "main" / ".git";
  write(main_git / "HEAD", "ref: refs/heads/main\n");
  write(main_git / "packed-refs", kPacked + " refs/heads/topic\n");
  const fs::path worktree_git = main_git / "worktrees" / "topic";
  write(worktree_git / "HEAD", "ref: refs/heads/topic\n");
  write(worktree_git / "commondir", "../..\n");
  const fs::path worktree = root / "topic";
  write(worktree / ".git", "gitdir: ../main/.git/worktrees/topic\n");
  fs::create_directories(worktree / "src");
  EXPECT_EQ(detect_git_commit(worktree / "src"), kPacked);
}

TEST(GitCommit, NoRepositoryIsNothing) {
  // The build tree may sit inside a checkout, so this looks from the system's temp folder.
  const fs::path temp = fs::temp_directory_path();
  for (fs::path dir = temp; !dir.empty(); dir = dir.parent_path()) {
    if (fs::exists(dir / ".git")) GTEST_SKIP() << "the temp folder is inside a repository";
    if (dir == dir.parent_path()) break;
  }
  const fs::path lonely = temp / ("slipway-git-test-" + std::to_string(::getpid()));
  fs::remove_all(lonely);
  fs::create_directories(lonely / "a" / "b");
  EXPECT_EQ(detect_git_commit(lonely / "a" / "b"), "");
  // A .git file that names no gitdir is not a repository either.
  write(lonely / "a" / ".git", "not a gitdir line\n");
  EXPECT_EQ(detect_git_commit(lonely / "a" / "b"), "");
  fs::remove_all(lonely);
}

}  // namespace
}  // namespace slipway::app::models
