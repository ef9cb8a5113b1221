// Redaction of personal data before bodies and comments are stored.
#include "feedback/redactor.h"

#include <gtest/gtest.h>

#include <string>

namespace slipway::feedback {
namespace {

std::string redact(const std::string& text) {
  static const Redactor redactor(default_redaction_rules());
  return redactor.apply(text);
}

TEST(Redactor, ReplacesEmails) {
  EXPECT_EQ(redact("mail alice.smith+test@example.co.uk today"), "mail [EMAIL] today");
  EXPECT_EQ(redact("a@b.io, bob_99@mail-server.example.org."), "[EMAIL], [EMAIL].");
  EXPECT_EQ(redact("not an address: user@localhost or @handle"),
            "not an address: user@localhost or @handle");
}

TEST(Redactor, ReplacesPhoneCardAndAccountNumbers) {
  EXPECT_EQ(redact("call +1 415-555-0100 now"), "call [NUMBER] now");
  EXPECT_EQ(redact("call (415) 555-0100"), "call [NUMBER]");
  EXPECT_EQ(redact("card 4111 1111 1111 1111, exp 12/27"), "card [NUMBER], exp 12/27");
  EXPECT_EQ(redact("IBAN DE89370400440532013000"), "IBAN DE[NUMBER]");
  EXPECT_EQ(redact("id 1234567."), "id [NUMBER].");
  EXPECT_EQ(redact("ref 12.34.56.78"), "ref [NUMBER]");
}

TEST(Redactor, KeepsShortNumbersAndDates) {
  for (const std::string text :
       {"What is 42 + 2026?", "born 2026-12-01, paid 01.12.2026", "123456 is six digits",
        "version 1.2.3", "at 10:30:00 on 2026/12/01", "12 34 56"}) {
    EXPECT_EQ(redact(text), text);
  }
  // A date next to a phone number: the date stays, the number goes.
  EXPECT_EQ(redact("2026-12-01 5551234"), "2026-12-01 [NUMBER]");
}

TEST(Redactor, InvalidUtf8NeverThrowsAndValidPartsAreRedacted) {
  const std::string broken = "caf\xC3 \xFF\xFE mail bob@example.com \xE2\x82";
  std::string out;
  EXPECT_NO_THROW(out = redact(broken));
  EXPECT_NE(out.find("[EMAIL]"), std::string::npos) << out;
  EXPECT_EQ(out.find("bob@example.com"), std::string::npos);
}

TEST(Redactor, BadPatternNamesTheRule) {
  try {
    Redactor redactor({{"ticket", "TICKET-(\\d+", "[TICKET]"}});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ticket"), std::string::npos) << e.what();
  }
}

TEST(Redactor, ReplacementIsLiteral) {
  Redactor redactor({{"secret", "s3cr3t", "$1 ${x} $$"}});
  EXPECT_EQ(redactor.apply("pw s3cr3t"), "pw $1 ${x} $$");
}

TEST(Redactor, CustomRulesApplyInOrderAndEmptyRedactsNothing) {
  Redactor redactor({{"name", "Alice", "[NAME]"}, {"bracket", "\\[NAME\\]", "<who>"}});
  EXPECT_EQ(redactor.apply("Alice and Bob"), "<who> and Bob");
  const Redactor none({});
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.apply("a@b.io 5551234567"), "a@b.io 5551234567");
}

TEST(Redactor, ApplyJsonLeavesStructuralKeys) {
  const Redactor redactor(default_redaction_rules());
  Json doc = {{"model", "a@b.io"},
              {"messages",
               {{{"role", "user"}, {"content", "I am a@b.io, call 5551234567"}},
                {{"role", "tool"}, {"tool_call_id", "call_5551234567"}, {"content", "ok"}}}},
              {"tools", {{{"type", "function"}, {"function", {{"name", "lookup_5551234567"}}}}}},
              {"count", 5551234567},
              {"parts", {{{"type", "text"}, {"text", "x@y.org"}}}}};
  redactor.apply_json(doc);
  EXPECT_EQ(doc["model"], "a@b.io");
  EXPECT_EQ(doc["messages"][0]["role"], "user");
  EXPECT_EQ(doc["messages"][0]["content"], "I am [EMAIL], call [NUMBER]");
  EXPECT_EQ(doc["messages"][1]["tool_call_id"], "call_5551234567");
  EXPECT_EQ(doc["tools"][0]["function"]["name"], "lookup_5551234567");
  EXPECT_EQ(doc["count"], 5551234567);  // numbers are not text
  EXPECT_EQ(doc["parts"][0]["text"], "[EMAIL]");
}

}  // namespace
}  // namespace slipway::feedback
