#pragma once
// Builds the AST from tokens with the grammar and precedence of @huggingface/jinja.
#include <vector>

#include "text/jinja/ast.h"
#include "text/jinja/lexer.h"

namespace slipway::text::jinja {

// Throws jinja::Error at the offending token.
Program parse(std::vector<Token> tokens);

}  // namespace slipway::text::jinja
