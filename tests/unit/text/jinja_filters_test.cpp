// One small check per filter, test, method and global, with @huggingface/jinja's results.
#include <gtest/gtest.h>

#include "jinja_test_util.h"

namespace slipway::text {
namespace {

using jinja_test::error_of;
using jinja_test::render;
using ordered = nlohmann::ordered_json;

const ordered& ctx() {
  static const ordered c = ordered::parse(R"({
    "s": "  Hi There  ", "n": 7, "f": 2.5, "xs": [3, 1, 2], "none_val": null,
    "users": [{"name": "b", "age": 2, "ok": true}, {"name": "a", "age": 1}],
    "d": {"z": 1, "a": {"k": "v"}}
  })");
  return c;
}

std::string r(const std::string& source) {
  return render(source, ctx());
}

TEST(JinjaFilters, StringFilters) {
  EXPECT_EQ(r("{{ s | trim }}"), "Hi There");
  EXPECT_EQ(r("{{ s | upper }}|{{ s | lower }}"), "  HI THERE  |  hi there  ");
  EXPECT_EQ(r("{{ 'ab cd-ef' | title }}|{{ 'aBC' | capitalize }}"), "Ab Cd-Ef|ABC");
  EXPECT_EQ(r("{{ 'héllo' | length }}|{{ '🚀' | length }}"), "5|2");
  EXPECT_EQ(r("{{ 'a-b-a' | replace('a', 'x') }}|{{ 'aaa' | replace('a', 'x', 2) }}"), "x-b-x|xxa");
  EXPECT_EQ(r("{{ 'x' | string }}|{{ '12ab' | int }}|{{ 'q' | int }}|{{ '1.5' | float }}"),
            "x|12|0|1.5");
  EXPECT_EQ(r("{{ 'a\nb' | indent }}|{{ 'a\nb' | indent(2, true) }}"), "a\n    b|  a\n  b");
  EXPECT_EQ(r("{{ '<b>' | safe }}"), "<b>");
  EXPECT_EQ(r("{{ 'abc' | join('.') }}"), "a.b.c");
  EXPECT_NE(error_of("{{ 'a' | escape }}").find("unknown StringValue filter: escape"),
            std::string::npos);
}

TEST(JinjaFilters, ToJson) {
  EXPECT_EQ(r("{{ d | tojson }}"), R"({"z": 1, "a": {"k": "v"}})");
  EXPECT_EQ(r("{{ d | tojson(indent=2) }}"),
            "{\n  \"z\": 1,\n  \"a\": {\n    \"k\": \"v\"\n  }\n}");
  EXPECT_EQ(r("{{ 'é\"\n' | tojson }}|{{ 'é' | tojson(ensure_ascii=true) }}"),
            "\"é\\\"\\n\"|\"\\u00e9\"");
  EXPECT_EQ(r("{{ d | tojson(sort_keys=true, separators=(',', ':')) }}"),
            R"({"a":{"k":"v"},"z":1})");
  EXPECT_EQ(r("{{ [1.0, 2.5, none, true] | tojson }}"), "[1, 2.5, null, true]");
  EXPECT_EQ(r("{{ missing | tojson }}"), "null");
}

TEST(JinjaFilters, SequenceFilters) {
  EXPECT_EQ(r("{{ xs | first }}{{ xs | last }}{{ xs | length }}"), "323");
  EXPECT_EQ(r("{{ xs | sort }}|{{ xs | sort(reverse=true) }}|{{ xs | reverse }}"),
            "[1, 2, 3]|[3, 2, 1]|[2, 1, 3]");
  EXPECT_EQ(r("{{ xs | join(', ') }}|{{ xs | join }}|{{ xs | list }}"), "3, 1, 2|312|[3, 1, 2]");
  EXPECT_EQ(r("{{ [1, 1, 2] | unique }}"), "[1, 2]");
  EXPECT_EQ(r("{{ users | map(attribute='name') | join }}"), "ba");
  EXPECT_EQ(r("{{ users | selectattr('ok') | length }}{{ users | rejectattr('ok') | length }}"),
            "11");
  EXPECT_EQ(r("{{ users | selectattr('name', 'equalto', 'a') | map(attribute='age') | first }}"),
            "1");
  EXPECT_EQ(r("{{ users | sort(attribute='age') | map(attribute='name') | join }}"), "ab");
  EXPECT_EQ(r("{{ xs | string }}"), "[3, 1, 2]");
}

TEST(JinjaFilters, NumberAndMappingFilters) {
  EXPECT_EQ(r("{{ -3 | abs }}|{{ f | int }}|{{ n | float }}|{{ n | string }}"), "3|2|7.0|7");
  EXPECT_EQ(r("{{ d | items | list }}"), R"([["z", 1], ["a", {"k": "v"}]])");
  EXPECT_EQ(r("{{ d | dictsort }}|{{ d | length }}"), R"([["a", {"k": "v"}], ["z", 1]]|2)");
  EXPECT_EQ(r("{{ true | int }}|{{ true | string }}"), "1|true");
}

TEST(JinjaFilters, DefaultFilter) {
  EXPECT_EQ(
      r("{{ missing | default('d') }}|{{ none_val | default('d') }}|{{ '' | default('e', true) }}"),
      "d||e");
  EXPECT_EQ(r("{{ n | default(0) }}"), "7");
}

TEST(JinjaTests, AllTests) {
  EXPECT_EQ(r("{{ n is defined }}{{ q is undefined }}{{ none_val is none }}{{ s is string }}"),
            "truetruetruetrue");
  EXPECT_EQ(r("{{ n is number }}{{ f is integer }}{{ d is mapping }}{{ xs is sequence }}"),
            "truefalsetruetrue");
  EXPECT_EQ(r("{{ xs is iterable }}{{ d is iterable }}{{ true is boolean }}{{ true is true }}"),
            "truefalsetruetrue");
  EXPECT_EQ(r("{{ false is false }}{{ n is odd }}{{ n is even }}{{ 'ab' is lower }}"),
            "truetruefalsetrue");
  EXPECT_EQ(r("{{ 'AB' is upper }}{{ n is not none }}{{ range is callable }}"), "truetruetrue");
  EXPECT_NE(error_of("{{ 1 is nosuchtest }}").find("unknown test"), std::string::npos);
  EXPECT_NE(error_of("{{ 1.5 is odd }}").find("cannot odd"), std::string::npos);
}

TEST(JinjaOperators, ArithmeticComparisonLogic) {
  EXPECT_EQ(r("{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 2 ** 3 }} {{ 1 + 1.5 }}"),
            "3 3.5 1 -1 8 2.5");
  EXPECT_EQ(r("{{ 'a' ~ 1 ~ 2.0 }} {{ 'a' + 'b' }} {{ [1] + [2] }}"), "a12 ab [1, 2]");
  EXPECT_EQ(r("{{ 1 < 2 }} {{ 2 >= 3 }} {{ 1 == 1.0 }} {{ 'a' != 'a' }} {{ '1' == 1 }}"),
            "true false true false true");
  EXPECT_EQ(r("{{ 0 or 'x' }} {{ 1 and 'y' }} {{ not 0 }} {{ 2 in xs }} {{ 5 not in xs }}"),
            "x y true true true");
  EXPECT_EQ(r("{{ 'k' in d.a }} {{ 'i T' in s }} {{ 'yes' if n > 1 else 'no' }}"), "true true yes");
  EXPECT_EQ(r("[{{ 'x' if false }}]"), "[]");
}

TEST(JinjaMethods, StringAndDictMethods) {
  EXPECT_EQ(r("[{{ s.strip() }}][{{ s.lstrip() }}][{{ s.rstrip() }}]"),
            "[Hi There][Hi There  ][  Hi There]");
  EXPECT_EQ(r("{{ 'a,b'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }}"),
            R"(["a", "b"] ["a", "b"] ["a", "b,c"])");
  EXPECT_EQ(r("{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x', 'c')) }}"), "truetrue");
  EXPECT_EQ(
      r("{{ 'ab'.upper() }}{{ 'AB'.lower() }}{{ 'a b'.title() }}{{ 'x-x'.replace('-', '+') }}"),
      "ABabA Bx+x");
  EXPECT_EQ(
      r("{{ d.get('z') }}{{ d.get('q', 'w') }}{{ d.keys() | list }}{{ d.values() | length }}"),
      R"(1w["z", "a"]2)");
  EXPECT_EQ(r("{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}"), R"(z=1;a={"k": "v"};)");
  EXPECT_EQ(r("{{ xs.length }}{{ s[2] }}{{ s[-3] }}{{ 'abcdef'[1:5:2] }}{{ xs[::-1] }}"),
            "3He"
            "bd[2, 1, 3]");
}

TEST(JinjaStatements, LoopsSetMacrosNamespace) {
  EXPECT_EQ(r("{% for x in xs %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}"
              "{{ loop.length }}{{ loop.revindex }} {% endfor %}"),
            "10truefalse33 21falsefalse32 32falsetrue31 ");
  EXPECT_EQ(r("{% for x in [] %}a{% else %}b{% endfor %}"), "b");
  EXPECT_EQ(r("{% for x in xs if x > 1 %}{{ x }}{% endfor %}"), "32");
  EXPECT_EQ(r("{% for x in xs %}{% if x == 1 %}{% break %}{% endif %}{{ x }}{% endfor %}"), "3");
  EXPECT_EQ(r("{% for x in xs %}{% if x == 1 %}{% continue %}{% endif %}{{ x }}{% endfor %}"),
            "32");
  EXPECT_EQ(r("{% set ns = namespace(c=0) %}{% for x in xs %}{% set ns.c = ns.c + x %}{% endfor %}"
              "{{ ns.c }}"),
            "6");
  EXPECT_EQ(r("{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t %}T{{ n }}{% endset %}{{ t }}"), "12T7");
  EXPECT_EQ(r("{% macro m(a, b='B') %}{{ a }}{{ b }}{% endmacro %}{{ m(1) }}{{ m(1, b=2) }}"),
            "1B12");
  EXPECT_EQ(r("{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}in{% endcall %}"),
            "[in]");
  EXPECT_EQ(r("{% filter upper %}ab{% endfilter %}"), "AB");
  EXPECT_EQ(r("{{ range(3) | list }}{{ range(1, 6, 2) | list }}"), "[0, 1, 2][1, 3, 5]");
  EXPECT_EQ(r("{{ strftime_now('%Y') | length }}"), "4");
  EXPECT_EQ(error_of("{{ raise_exception('boom') }}"), "test:1:4: boom");
}

TEST(JinjaContext, KeysKeepTheirOrderAndJsonNumbersFollowJavaScript) {
  ordered c = ordered::parse(R"({"o": {"b": 1, "a": 2, "10": 3, "2": 4}, "x": 1.0, "y": 1e300})");
  EXPECT_EQ(render("{{ o | tojson }} {{ x }} {{ y }}", c),
            R"({"2": 4, "10": 3, "b": 1, "a": 2} 1 1e+300)");
  nlohmann::json sorted = nlohmann::json::parse(R"({"o": {"b": 1, "a": 2}})");
  EXPECT_EQ(ChatTemplate::parse("{{ o | tojson }}", "t")->render(sorted), R"({"a": 2, "b": 1})");
  EXPECT_NE(error_of("{{ 1 }}", ordered{{"range", 1}}).find("already declared"), std::string::npos);
}

}  // namespace
}  // namespace slipway::text
