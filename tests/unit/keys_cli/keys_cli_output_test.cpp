// `slipway keys ...` in-process on a SQLite data folder: what create, list, show and revoke
// print (the secret once, by create only), --json, and usage errors.
#include <gtest/gtest.h>

#include <regex>
#include <variant>

#include "app/commands.h"
#include "app/keys_cli/render.h"
#include "app/run_subcommand.h"
#include "auth/key_ring.h"
#include "auth/key_store.h"
#include "store/store.h"
#include "test_dir.h"

namespace slipway::app::keys_cli {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++count;
  return count;
}

class KeysCliOutput : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = (test::fresh_test_dir("keys_cli", "output") / "data").string();
  }

  // Runs `slipway keys WORDS --data DIR` and returns what it printed on stdout.
  std::string run(std::vector<std::string> words) {
    words.insert(words.begin(), "keys");
    words.insert(words.end(), {"--data", data_dir_});
    ::testing::internal::CaptureStdout();
    try {
      run_subcommand(register_keys_command, words);
    } catch (...) {
      ::testing::internal::GetCapturedStdout();
      throw;
    }
    return ::testing::internal::GetCapturedStdout();
  }

  std::string data_dir_;
};

TEST_F(KeysCliOutput, CreatePrintsTheSecretOnceAndItWorks) {
  const std::string out =
      run({"create", "--name", "ci-bot", "--scopes", "inference,feedback", "--rpm", "60"});
  std::smatch match;
  ASSERT_TRUE(std::regex_search(out, match, std::regex("slp_[A-Za-z0-9_-]{43}"))) << out;
  const std::string secret = match.str();
  EXPECT_EQ(occurrences(out, secret), 1u) << out;
  EXPECT_TRUE(contains(out, "Store it now; it cannot be shown again")) << out;
  EXPECT_TRUE(contains(out, "ci-bot")) << out;
  EXPECT_TRUE(contains(out, "inference,feedback")) << out;

  // The printed secret is the key: a server on this store accepts it.
  auto store = store::Store::open_data_dir(data_dir_);
  const auth::KeyRing ring(std::make_shared<auth::KeyStore>(*store), std::nullopt);
  EXPECT_TRUE(std::holds_alternative<auth::Identity>(ring.authenticate(secret)));

  // Nothing else ever prints it.
  for (const auto& words : std::vector<std::vector<std::string>>{{"list"},
                                                                 {"list", "--all", "--json"},
                                                                 {"show", "ci-bot"},
                                                                 {"show", "ci-bot", "--json"}}) {
    const std::string printed = run(words);
    EXPECT_FALSE(contains(printed, secret)) << printed;
    EXPECT_TRUE(contains(printed, secret.substr(0, 12))) << printed;  // the prefix is shown
  }
}

TEST_F(KeysCliOutput, CreateJsonHasTheRecordAndTheSecret) {
  const auto created = Json::parse(run({"create", "--name", "bot", "--scopes", "admin",
                                        "--expires-days", "3", "--max-streams", "2", "--json"}));
  EXPECT_EQ(created.at("name"), "bot");
  EXPECT_EQ(created.at("scopes"), Json::array({"admin"}));
  EXPECT_EQ(created.at("limits").at("max_streams"), 2);
  EXPECT_EQ(created.at("secret").get<std::string>().rfind("slp_", 0), 0u);
  EXPECT_EQ(created.at("expires_ms").get<int64_t>() - created.at("created_ms").get<int64_t>(),
            3 * kDayMs);
}

TEST_F(KeysCliOutput, ListShowRevoke) {
  EXPECT_EQ(run({"list"}), "No keys.\n");
  run({"create", "--name", "ci-bot", "--scopes", "inference", "--tpm", "9000"});
  const std::string table = run({"list"});
  EXPECT_EQ(table.rfind("ID  ", 0), 0u) << table;
  EXPECT_TRUE(contains(table, "LAST USED (UTC)")) << table;
  EXPECT_TRUE(contains(table, "ci-bot")) << table;
  EXPECT_TRUE(contains(table, "9000")) << table;
  EXPECT_TRUE(contains(table, "default")) << table;  // rpm and streams: the server's

  const std::string shown = run({"show", "ci-bot"});
  EXPECT_TRUE(contains(shown, "state:")) << shown;
  EXPECT_TRUE(contains(shown, "active")) << shown;

  const std::string revoked = run({"revoke", "ci-bot"});
  EXPECT_EQ(revoked.rfind("Revoked key key_", 0), 0u) << revoked;
  EXPECT_TRUE(contains(revoked, "(ci-bot)")) << revoked;
  EXPECT_EQ(run({"list"}), "No keys.\n");
  const std::string all = run({"list", "--all"});
  EXPECT_TRUE(contains(all, "revoked")) << all;
}

TEST_F(KeysCliOutput, UsageErrors) {
  EXPECT_THROW(run({"create", "--name", "bot"}), CLI::ParseError);  // --scopes is required
  EXPECT_THROW(run({"create", "--name", "bot", "--scopes", "inference", "--rpm", "-1"}),
               CLI::ParseError);
  EXPECT_THROW(run({"create", "--name", "bot", "--scopes", "inference", "--expires-days", "0"}),
               CLI::ParseError);
  EXPECT_THROW(run({"list", "--server", "http://127.0.0.1:1"}), std::invalid_argument);
  EXPECT_THROW(run({"show", "nobody"}), auth::KeyError);
}

TEST(KeysCliRender, EmptyFieldsPrintAsDashes) {
  const Json key{{"id", "key_1"}, {"name", "n"}, {"scopes", Json::array()}, {"state", "active"}};
  const std::string text = render_key(key);
  EXPECT_TRUE(contains(text, "scopes:             -")) << text;
  EXPECT_TRUE(contains(text, "expires:            -")) << text;
  EXPECT_TRUE(contains(text, "revoked:            -")) << text;
}

}  // namespace
}  // namespace slipway::app::keys_cli
