#pragma once
// Turns template source into tokens the way @huggingface/jinja does, including its
// preprocessing for trim_blocks/lstrip_blocks and the transformers {% generation %} tag.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace slipway::text::jinja {

enum class TokenType : std::uint8_t {
  Text,
  NumericLiteral,
  StringLiteral,
  Identifier,
  Equals,
  OpenParen,
  CloseParen,
  OpenStatement,
  CloseStatement,
  OpenExpression,
  CloseExpression,
  OpenSquareBracket,
  CloseSquareBracket,
  OpenCurlyBracket,
  CloseCurlyBracket,
  Comma,
  Dot,
  Colon,
  Pipe,
  AdditiveBinaryOperator,
  MultiplicativeBinaryOperator,
  ExponentiationBinaryOperator,
  ComparisonBinaryOperator,
  UnaryOperator,
  Comment
};

struct Token {
  TokenType type;
  std::string value;
  std::uint32_t offset;  // in the original source
};

// Throws jinja::Error with the offending offset.
std::vector<Token> tokenize(std::string_view source);

}  // namespace slipway::text::jinja
