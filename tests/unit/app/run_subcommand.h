#pragma once
// Runs one slipway subcommand in-process from its argv words, as main() parses them.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace slipway::app {

// `register_command` adds the subcommand under test to the root; `words` follow "slipway".
// Parse errors throw CLI::ParseError; the subcommand's own errors throw as they do.
inline void run_subcommand(void (*register_command)(CLI::App&),
                           const std::vector<std::string>& words) {
  CLI::App root{"slipway"};
  root.require_subcommand(1);
  register_command(root);
  std::vector<const char*> argv = {"slipway"};
  for (const auto& word : words) argv.push_back(word.c_str());
  root.parse(static_cast<int>(argv.size()), argv.data());
}

}  // namespace slipway::app
