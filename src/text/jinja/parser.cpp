#include "text/jinja/parser.h"

#include <cstdlib>
#include <initializer_list>
#include <set>
#include <string_view>
#include <utility>

#include "text/jinja/error.h"

namespace slipway::text::jinja {
namespace {

constexpr int kMaxDepth = 200;  // nested blocks and expressions; keeps the C++ stack bounded

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : t_(std::move(tokens)) {}

  Program run() {
    Program program;
    while (cur_ < t_.size()) program.body.push_back(parse_any());
    return program;
  }

 private:
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : p(p) {
      if (++p.depth_ > kMaxDepth) p.fail("template nesting too deep");
    }
    ~DepthGuard() { --p.depth_; }
    Parser& p;
  };

  std::uint32_t here() const {
    if (cur_ < t_.size()) return t_[cur_].offset;
    return t_.empty() ? 0 : t_.back().offset;
  }
  [[noreturn]] void fail(const std::string& message) const { throw Error(message, here()); }
  [[noreturn]] void fail_at(const std::string& message, std::uint32_t offset) const {
    throw Error(message, offset);
  }

  const Token& peek() const {
    if (cur_ >= t_.size()) fail("unexpected end of template");
    return t_[cur_];
  }
  bool is(TokenType type, std::size_t ahead = 0) const {
    return cur_ + ahead < t_.size() && t_[cur_ + ahead].type == type;
  }
  bool is_ident(std::string_view name, std::size_t ahead = 0) const {
    return is(TokenType::Identifier, ahead) && t_[cur_ + ahead].value == name;
  }
  bool is_statement(std::initializer_list<std::string_view> names) const {
    if (!is(TokenType::OpenStatement) || !is(TokenType::Identifier, 1)) return false;
    for (auto n : names) {
      if (t_[cur_ + 1].value == n) return true;
    }
    return false;
  }
  const Token& expect(TokenType type, const char* what) {
    if (!is(type)) fail(std::string("expected ") + what);
    return t_[cur_++];
  }
  void expect_ident(const char* name) {
    if (!is_ident(name)) fail(std::string("expected '") + name + "'");
    ++cur_;
  }
  NodePtr make(NodeType type, std::uint32_t offset) {
    auto n = std::make_unique<Node>();
    n->type = type;
    n->offset = offset;
    return n;
  }

  // Statements up to one of the closing tags; an unclosed block is reported where it opened.
  NodeList parse_until(std::initializer_list<std::string_view> names, const char* block,
                       std::uint32_t opened) {
    NodeList out;
    while (!is_statement(names)) {
      if (cur_ >= t_.size()) fail_at(std::string("unclosed '") + block + "' block", opened);
      out.push_back(parse_any());
    }
    return out;
  }
  void close_block(const char* end_name) {
    expect(TokenType::OpenStatement, "'{%'");
    expect_ident(end_name);
    expect(TokenType::CloseStatement, "'%}'");
  }

  NodePtr parse_any() {
    DepthGuard guard(*this);
    const Token& tok = peek();
    switch (tok.type) {
      case TokenType::Comment: {
        auto n = make(NodeType::Comment, tok.offset);
        ++cur_;
        return n;
      }
      case TokenType::Text: {
        auto n = make(NodeType::Text, tok.offset);
        n->str = tok.value;
        ++cur_;
        return n;
      }
      case TokenType::OpenStatement:
        return parse_statement();
      case TokenType::OpenExpression: {
        ++cur_;
        auto e = parse_expression();
        expect(TokenType::CloseExpression, "'}}'");
        return e;
      }
      default:
        fail("unexpected token '" + tok.value + "'");
    }
  }

  NodePtr parse_statement() {
    std::uint32_t opened = peek().offset;
    ++cur_;
    if (!is(TokenType::Identifier)) fail("expected a statement name after '{%'");
    std::string name = t_[cur_++].value;
    if (name == "set") return parse_set(opened);
    if (name == "if") {
      auto n = parse_if(opened);
      close_block("endif");
      return n;
    }
    if (name == "for") return parse_for(opened);
    if (name == "macro") return parse_macro(opened);
    if (name == "call") return parse_call_block(opened);
    if (name == "filter") return parse_filter_block(opened);
    if (name == "break" || name == "continue") {
      expect(TokenType::CloseStatement, "'%}'");
      return make(name == "break" ? NodeType::Break : NodeType::Continue, opened);
    }
    fail_at("unknown statement '" + name + "'", opened);
  }

  NodePtr parse_set(std::uint32_t opened) {
    auto n = make(NodeType::Set, opened);
    n->a = parse_expression_sequence(false);
    if (is(TokenType::Equals)) {
      ++cur_;
      n->b = parse_expression_sequence(false);
    } else {
      expect(TokenType::CloseStatement, "'%}'");
      n->body = parse_until({"endset"}, "set", opened);
      cur_ += 2;
    }
    expect(TokenType::CloseStatement, "'%}'");
    return n;
  }

  NodePtr parse_if(std::uint32_t opened) {
    DepthGuard guard(*this);
    auto n = make(NodeType::If, opened);
    n->a = parse_expression();
    expect(TokenType::CloseStatement, "'%}'");
    n->body = parse_until({"elif", "else", "endif"}, "if", opened);
    if (is_statement({"elif"})) {
      std::uint32_t at = peek().offset;
      cur_ += 2;
      n->alt.push_back(parse_if(at));
    } else if (is_statement({"else"})) {
      cur_ += 2;
      expect(TokenType::CloseStatement, "'%}'");
      n->alt = parse_until({"endif"}, "if", opened);
    }
    return n;
  }

  NodePtr parse_for(std::uint32_t opened) {
    auto n = make(NodeType::For, opened);
    n->a = parse_expression_sequence(true);
    if (n->a->type != NodeType::Ident && n->a->type != NodeType::TupleLit) {
      fail("expected a name or tuple as the loop variable");
    }
    if (!is_ident("in")) fail("expected 'in' after the loop variable");
    ++cur_;
    n->b = parse_expression();
    expect(TokenType::CloseStatement, "'%}'");
    n->body = parse_until({"endfor", "else"}, "for", opened);
    if (is_statement({"else"})) {
      cur_ += 2;
      expect(TokenType::CloseStatement, "'%}'");
      n->alt = parse_until({"endfor"}, "for", opened);
    }
    close_block("endfor");
    return n;
  }

  NodePtr parse_macro(std::uint32_t opened) {
    auto n = make(NodeType::Macro, opened);
    auto name = parse_primary();
    if (name->type != NodeType::Ident) fail("expected a macro name");
    n->str = name->str;
    n->list = parse_args(true);
    expect(TokenType::CloseStatement, "'%}'");
    n->body = parse_until({"endmacro"}, "macro", opened);
    close_block("endmacro");
    return n;
  }

  NodePtr parse_call_block(std::uint32_t opened) {
    auto n = make(NodeType::CallBlock, opened);
    if (is(TokenType::OpenParen)) {
      n->list = parse_args(true);
      n->flag = true;
    }
    auto callee = parse_primary();
    if (callee->type != NodeType::Ident) fail("expected a macro name after 'call'");
    auto call = make(NodeType::Call, callee->offset);
    call->a = std::move(callee);
    call->list = parse_args(false);
    n->a = std::move(call);
    expect(TokenType::CloseStatement, "'%}'");
    n->body = parse_until({"endcall"}, "call", opened);
    close_block("endcall");
    return n;
  }

  NodePtr parse_filter_block(std::uint32_t opened) {
    auto n = make(NodeType::FilterBlock, opened);
    auto filter = parse_primary();
    if (filter->type == NodeType::Ident && is(TokenType::OpenParen)) {
      filter = parse_call(std::move(filter));
    }
    n->a = std::move(filter);
    expect(TokenType::CloseStatement, "'%}'");
    n->body = parse_until({"endfilter"}, "filter", opened);
    close_block("endfilter");
    return n;
  }

  NodePtr parse_expression_sequence(bool primary) {
    std::uint32_t at = here();
    auto first = primary ? parse_primary() : parse_expression();
    if (!is(TokenType::Comma)) return first;
    auto tuple = make(NodeType::TupleLit, at);
    tuple->list.push_back(std::move(first));
    while (is(TokenType::Comma)) {
      ++cur_;
      tuple->list.push_back(primary ? parse_primary() : parse_expression());
    }
    return tuple;
  }

  NodePtr parse_expression() {
    DepthGuard guard(*this);
    auto value = parse_or();
    if (!is_ident("if")) return value;
    std::uint32_t at = peek().offset;
    ++cur_;
    auto test = parse_or();
    if (is_ident("else")) {
      ++cur_;
      auto n = make(NodeType::Ternary, at);
      n->a = std::move(test);
      n->b = std::move(value);
      n->c = parse_expression();
      return n;
    }
    auto n = make(NodeType::Select, at);
    n->a = std::move(value);
    n->b = std::move(test);
    return n;
  }

  NodePtr binary(std::string op, NodePtr left, NodePtr right, std::uint32_t at) {
    auto n = make(NodeType::Binary, at);
    n->str = std::move(op);
    n->a = std::move(left);
    n->b = std::move(right);
    return n;
  }

  NodePtr parse_or() {
    auto left = parse_and();
    while (is_ident("or")) {
      std::uint32_t at = t_[cur_++].offset;
      left = binary("or", std::move(left), parse_and(), at);
    }
    return left;
  }
  NodePtr parse_and() {
    auto left = parse_not();
    while (is_ident("and")) {
      std::uint32_t at = t_[cur_++].offset;
      left = binary("and", std::move(left), parse_not(), at);
    }
    return left;
  }
  NodePtr parse_not() {
    if (!is_ident("not")) return parse_comparison();
    DepthGuard guard(*this);
    auto n = make(NodeType::Unary, t_[cur_++].offset);
    n->str = "not";
    n->a = parse_not();
    return n;
  }
  NodePtr parse_comparison() {
    auto left = parse_additive();
    while (true) {
      std::string op;
      std::uint32_t at = here();
      if (is_ident("not") && is_ident("in", 1)) {
        op = "not in";
        cur_ += 2;
      } else if (is_ident("in")) {
        op = "in";
        ++cur_;
      } else if (is(TokenType::ComparisonBinaryOperator)) {
        op = t_[cur_++].value;
      } else {
        break;
      }
      left = binary(op, std::move(left), parse_additive(), at);
    }
    return left;
  }
  NodePtr parse_additive() {
    auto left = parse_multiplicative();
    while (is(TokenType::AdditiveBinaryOperator)) {
      const Token& op = t_[cur_++];
      left = binary(op.value, std::move(left), parse_multiplicative(), op.offset);
    }
    return left;
  }
  NodePtr parse_multiplicative() {
    auto left = parse_power();
    while (is(TokenType::MultiplicativeBinaryOperator)) {
      const Token& op = t_[cur_++];
      left = binary(op.value, std::move(left), parse_power(), op.offset);
    }
    return left;
  }
  NodePtr parse_power() {
    auto left = parse_test();
    while (is(TokenType::ExponentiationBinaryOperator)) {
      const Token& op = t_[cur_++];
      left = binary(op.value, std::move(left), parse_test(), op.offset);
    }
    return left;
  }
  NodePtr parse_test() {
    auto operand = parse_filter();
    while (is_ident("is")) {
      auto n = make(NodeType::Test, t_[cur_++].offset);
      if (is_ident("not")) {
        n->flag = true;
        ++cur_;
      }
      auto test = parse_primary();
      if (test->type != NodeType::Ident) fail("expected a test name after 'is'");
      n->str = test->str;
      n->a = std::move(operand);
      operand = std::move(n);
    }
    return operand;
  }
  NodePtr parse_filter() {
    auto operand = parse_unary_sign();
    while (is(TokenType::Pipe)) {
      auto n = make(NodeType::Filter, t_[cur_++].offset);
      auto filter = parse_primary();
      if (filter->type != NodeType::Ident) fail("expected a filter name after '|'");
      if (is(TokenType::OpenParen)) filter = parse_call(std::move(filter));
      n->a = std::move(operand);
      n->b = std::move(filter);
      operand = std::move(n);
    }
    return operand;
  }
  NodePtr parse_unary_sign() {
    if ((is(TokenType::UnaryOperator) || is(TokenType::AdditiveBinaryOperator)) &&
        (peek().value == "-" || peek().value == "+")) {
      DepthGuard guard(*this);
      auto n = make(NodeType::Unary, t_[cur_].offset);
      n->str = t_[cur_++].value;
      n->a = parse_unary_sign();
      return n;
    }
    auto member = parse_member(parse_primary());
    if (is(TokenType::OpenParen)) return parse_call(std::move(member));
    return member;
  }
  NodePtr parse_call(NodePtr callee) {
    DepthGuard guard(*this);
    auto n = make(NodeType::Call, callee->offset);
    n->a = std::move(callee);
    n->list = parse_args(false);
    NodePtr expr = parse_member(std::move(n));
    if (is(TokenType::OpenParen)) expr = parse_call(std::move(expr));
    return expr;
  }

  NodeList parse_args(bool parameters) {
    expect(TokenType::OpenParen, "'('");
    NodeList args;
    std::set<std::string> names;
    bool saw_keyword = false, saw_spread = false;
    while (!is(TokenType::CloseParen)) {
      bool kw_spread = is(TokenType::ExponentiationBinaryOperator);
      bool spread = is(TokenType::MultiplicativeBinaryOperator) && peek().value == "*";
      if (parameters && (kw_spread || spread)) fail("argument unpacking in a parameter list");
      if (kw_spread) {
        auto n = make(NodeType::KwSpread, t_[cur_++].offset);
        n->a = parse_expression();
        args.push_back(std::move(n));
        if (is(TokenType::Comma)) ++cur_;
        if (!is(TokenType::CloseParen)) fail("'**' must be applied to the final argument");
        break;
      }
      NodePtr arg;
      if (spread) {
        if (saw_spread) fail("only one '*' argument unpacking is allowed");
        saw_spread = true;
        arg = make(NodeType::Spread, t_[cur_++].offset);
        arg->a = parse_expression();
      } else {
        arg = parse_expression();
        if (is(TokenType::Equals)) {
          ++cur_;
          if (arg->type != NodeType::Ident) fail("expected a name before '='");
          auto kw = make(NodeType::KwArg, arg->offset);
          kw->str = arg->str;
          kw->a = parse_expression();
          arg = std::move(kw);
        }
        if (parameters) {
          if (arg->type != NodeType::Ident && arg->type != NodeType::KwArg) {
            fail("expected a parameter name");
          }
          if (!names.insert(arg->str).second) fail("duplicate parameter '" + arg->str + "'");
        }
        if (arg->type == NodeType::KwArg) {
          saw_keyword = true;
        } else if (saw_keyword) {
          fail(parameters ? "non-default parameter follows a default one"
                          : "positional argument follows a keyword argument");
        } else if (saw_spread) {
          fail("positional argument follows '*' unpacking");
        }
      }
      args.push_back(std::move(arg));
      if (is(TokenType::Comma)) ++cur_;
    }
    ++cur_;
    return args;
  }

  NodePtr parse_subscript() {
    std::uint32_t at = here();
    NodeList slots;
    std::vector<bool> present;
    bool is_slice = false;
    while (!is(TokenType::CloseSquareBracket)) {
      if (is(TokenType::Colon)) {
        slots.push_back(nullptr);
        ++cur_;
        is_slice = true;
      } else {
        slots.push_back(parse_expression());
        if (is(TokenType::Colon)) {
          ++cur_;
          is_slice = true;
        }
      }
    }
    if (slots.empty()) fail("expected an index or slice inside '[]'");
    if (!is_slice) return std::move(slots[0]);
    if (slots.size() > 3) fail("a slice takes at most 3 parts");
    auto n = make(NodeType::Slice, at);
    n->a = std::move(slots[0]);
    if (slots.size() > 1) n->b = std::move(slots[1]);
    if (slots.size() > 2) n->c = std::move(slots[2]);
    return n;
  }

  NodePtr parse_member(NodePtr object) {
    while (is(TokenType::Dot) || is(TokenType::OpenSquareBracket)) {
      DepthGuard guard(*this);
      bool computed = is(TokenType::OpenSquareBracket);
      auto n = make(NodeType::Member, t_[cur_++].offset);
      if (computed) {
        n->b = parse_subscript();
        expect(TokenType::CloseSquareBracket, "']'");
      } else {
        n->b = parse_primary();
        if (n->b->type != NodeType::Ident && n->b->type != NodeType::IntLit) {
          fail("expected a name or integer after '.'");
        }
      }
      n->flag = computed;
      n->a = std::move(object);
      object = std::move(n);
    }
    return object;
  }

  NodePtr parse_primary() {
    DepthGuard guard(*this);
    const Token& tok = peek();
    ++cur_;
    switch (tok.type) {
      case TokenType::NumericLiteral: {
        bool is_float = tok.value.find('.') != std::string::npos;
        auto n = make(is_float ? NodeType::FloatLit : NodeType::IntLit, tok.offset);
        n->number = std::strtod(tok.value.c_str(), nullptr);
        n->literal = is_float ? Value::floating(n->number) : Value::integer(n->number);
        return n;
      }
      case TokenType::StringLiteral: {
        auto n = make(NodeType::StrLit, tok.offset);
        n->str = tok.value;
        while (is(TokenType::StringLiteral)) n->str += t_[cur_++].value;  // "a" "b" concatenates
        n->literal = Value::string(n->str);
        return n;
      }
      case TokenType::Identifier: {
        auto n = make(NodeType::Ident, tok.offset);
        n->str = tok.value;
        return n;
      }
      case TokenType::OpenParen: {
        auto e = parse_expression_sequence(false);
        expect(TokenType::CloseParen, "')'");
        return e;
      }
      case TokenType::OpenSquareBracket: {
        auto n = make(NodeType::ArrayLit, tok.offset);
        while (!is(TokenType::CloseSquareBracket)) {
          n->list.push_back(parse_expression());
          if (is(TokenType::Comma)) ++cur_;
        }
        ++cur_;
        return n;
      }
      case TokenType::OpenCurlyBracket: {
        auto n = make(NodeType::ObjectLit, tok.offset);
        while (!is(TokenType::CloseCurlyBracket)) {
          n->list.push_back(parse_expression());
          expect(TokenType::Colon, "':' in a dict literal");
          n->list.push_back(parse_expression());
          if (is(TokenType::Comma)) ++cur_;
        }
        ++cur_;
        return n;
      }
      default:
        fail_at("unexpected '" + tok.value + "'", tok.offset);
    }
  }

  std::vector<Token> t_;
  std::size_t cur_ = 0;
  int depth_ = 0;
};

}  // namespace

Program parse(std::vector<Token> tokens) {
  return Parser(std::move(tokens)).run();
}

}  // namespace slipway::text::jinja
