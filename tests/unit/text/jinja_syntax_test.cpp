// Syntax errors, locations, whitespace control and robustness of the Jinja front end.
#include <gtest/gtest.h>

#include <random>

#include "jinja_test_util.h"

namespace slipway::text {
namespace {

using jinja_test::error_of;
using jinja_test::render;

TEST(JinjaSyntax, ErrorsNameSourceLineAndColumn) {
  EXPECT_EQ(error_of("line one\n  {{ 1 + }}"), "test:2:10: unexpected '}}'");
  EXPECT_NE(error_of("a\nb\n{% if x %}never closed").find("test:3:1: unclosed 'if' block"),
            std::string::npos);
  EXPECT_NE(error_of("{% for x in y %}").find("unclosed 'for' block"), std::string::npos);
  EXPECT_NE(error_of("{% frobnicate %}").find("test:1:1: unknown statement 'frobnicate'"),
            std::string::npos);
  EXPECT_NE(error_of("{{ 'abc }}").find("test:1:4: unexpected end"), std::string::npos);
  EXPECT_NE(error_of("{# no end").find("unclosed comment"), std::string::npos);
  EXPECT_NE(error_of("{{ x ! y }}").find("unexpected character '!'"), std::string::npos);
  EXPECT_NE(error_of("{{ 'a\\q' }}").find("unknown escape"), std::string::npos);
  EXPECT_NE(error_of("{{ x").find("test:"), std::string::npos);
  EXPECT_NE(error_of("{% endif %}").find("unknown statement 'endif'"), std::string::npos);
  EXPECT_NE(error_of("{% macro m(a=1, b) %}{% endmacro %}").find("non-default"), std::string::npos);
}

TEST(JinjaSyntax, ParseErrorsAreThrownByParse) {
  EXPECT_THROW(ChatTemplate::parse("{% if %}", "t"), TemplateError);
  EXPECT_THROW(ChatTemplate::parse("{{ [1, 2 }}", "t"), TemplateError);
  EXPECT_THROW(ChatTemplate::parse("{{ a[] }}", "t"), TemplateError);
  EXPECT_THROW(ChatTemplate::parse("{{ a[1:2:3:4] }}", "t"), TemplateError);
  EXPECT_THROW(ChatTemplate::parse("{{ }}", "t"), TemplateError);
}

TEST(JinjaSyntax, RuntimeErrorsCarryTheStatementLocation) {
  EXPECT_EQ(error_of("ok\n{{ raise_exception('bad role') }}"), "test:2:4: bad role");
  EXPECT_NE(error_of("{{ undefined_thing + 1 }}").find("undefined"), std::string::npos);
}

TEST(JinjaSyntax, TrimAndLstripBlocksLikeApplyChatTemplate) {
  EXPECT_EQ(render("  {% if true %}\n    x\n  {% endif %}\ny"), "    x\ny");
  EXPECT_EQ(render("a  {{- 'b' -}}  \n c"), "abc");
  EXPECT_EQ(render("a {#- note -#} b"), "ab");
  EXPECT_EQ(render("{{ 'x' }}\ny\n"), "x\ny");  // one trailing newline is dropped
  EXPECT_EQ(render("{% generation %}kept{% endgeneration %}"), "kept");
}

TEST(JinjaSyntax, Literals) {
  EXPECT_EQ(render("{{ 'a\\n\\t\\'' }}|{{ \"\\u00e9\\x41\" }}|{{ 'a' 'b' }}"), "a\n\t'|éA|ab");
  EXPECT_EQ(render("{{ [1, 'two', none, True, false] }}"), "[1, \"two\", null, true, false]");
  EXPECT_EQ(render("{{ {'k': 1, 'j': [2]} }}"), "{\"k\": 1, \"j\": [2]}");
  EXPECT_EQ(render("{{ 1.5 }} {{ 2.0 }} {{ -3 }} {{ (1, 2)[1] }}"), "1.5 2.0 -3 2");
  EXPECT_EQ(render("{{ {'a': {'b': 1}} }}"), "{\"a\": {\"b\": 1}}");
}

TEST(JinjaSyntax, DeepNestingIsRejectedNotCrashing) {
  std::string deep_expr = "{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}";
  EXPECT_NE(error_of(deep_expr).find("too deep"), std::string::npos);
  std::string deep_blocks;
  for (int i = 0; i < 3000; ++i) deep_blocks += "{% if true %}";
  EXPECT_NE(error_of(deep_blocks).find("too deep"), std::string::npos);
  std::string not_chain = "{{ " + std::string(0, ' ');
  for (int i = 0; i < 5000; ++i) not_chain += "not ";
  EXPECT_NE(error_of(not_chain + "x }}").find("too deep"), std::string::npos);
  std::string ok = "{{ " + std::string(30, '(') + "7" + std::string(30, ')') + " }}";
  EXPECT_EQ(render(ok), "7");
}

TEST(JinjaSyntax, RunawayTemplatesStop) {
  EXPECT_NE(error_of("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}").find("too deeply"),
            std::string::npos);
  EXPECT_NE(error_of("{% set s = namespace(v='xxxxxxxxxxxxxxxx') %}{% for i in range(64) %}"
                     "{% set s.v = s.v + s.v %}{% endfor %}")
                .find("size limit"),
            std::string::npos);
  EXPECT_NE(error_of("{% for i in range(100000000000) %}{% endfor %}").find("limit"),
            std::string::npos);
  EXPECT_NE(error_of("{% break %}").find("outside of a loop"), std::string::npos);
}

TEST(JinjaSyntax, NamespaceCyclesDoNotLeak) {
  EXPECT_NE(error_of("{% set ns = namespace() %}{% set ns.self = ns %}{{ ns }}").find("deep"),
            std::string::npos);
}

// Random byte soup and mutated real templates must give output or TemplateError, nothing else.
TEST(JinjaSyntax, GarbageNeverCrashes) {
  const std::string base =
      "{%- for m in messages -%}{% if m.role == 'user' %}{{ m.content | trim }}{% elif x %}"
      "{{ m['a'][1:-1:2] ~ (1, 2) | tojson(indent=2) }}{% else %}{{ raise_exception('r') }}"
      "{% endif %}{% set ns = namespace(a=[1]) %}{% macro q(a, b=2) %}{{ a }}{% endmacro %}"
      "{{ q(1, b=3) }}{# c #}{{ \"s\\n\" if not y else z.w() }}{% endfor -%}";
  const std::string alphabet = "{}%#-+*/()[]|.,:'\"\\ \nabcxyz0123456789=!<>~";
  std::mt19937 rng(12345);
  nlohmann::ordered_json context = {
      {"messages", {{{"role", "user"}, {"content", " hi "}}, {{"role", "x"}, {"a", "abcdef"}}}},
      {"x", true}};
  for (int i = 0; i < 3000; ++i) {
    std::string source = base;
    int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng() % (source.size() + 1);
      switch (rng() % 3) {
        case 0:
          source.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 1:
          if (at < source.size()) source.erase(at, 1);
          break;
        default:
          if (at < source.size()) source[at] = alphabet[rng() % alphabet.size()];
      }
    }
    try {
      render(source, context);
    } catch (const TemplateError&) {
    }
  }
  for (int i = 0; i < 2000; ++i) {
    std::string source;
    std::size_t len = rng() % 40;
    for (std::size_t k = 0; k < len; ++k) source += alphabet[rng() % alphabet.size()];
    try {
      render(source, context);
    } catch (const TemplateError&) {
    }
  }
}

}  // namespace
}  // namespace slipway::text
