#pragma once
// The parsed template: one node type whose fields are read according to its kind.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "text/jinja/value.h"

namespace slipway::text::jinja {

enum class NodeType : std::uint8_t {
  // statements
  Text,
  Comment,
  Set,
  If,
  For,
  Macro,
  CallBlock,
  FilterBlock,
  Break,
  Continue,
  // expressions
  IntLit,
  FloatLit,
  StrLit,
  Ident,
  ArrayLit,
  TupleLit,
  ObjectLit,
  Member,
  Call,
  Unary,
  Binary,
  Filter,
  Test,
  Select,
  Ternary,
  Slice,
  KwArg,
  Spread,
  KwSpread
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using NodeList = std::vector<NodePtr>;

// Field use by type:
//   Text/StrLit: str | IntLit/FloatLit: number | Ident: str
//   Set: a=target, b=value (null for a block set), body | If: a=test, body, alt
//   For: a=target, b=iterable, body, alt=else | Macro: str=name, list=params, body
//   CallBlock: a=Call, list=caller params, body | FilterBlock: a=filter (Ident or Call), body
//   Member: a=object, b=property, flag=computed | Call: a=callee, list=args
//   Unary: str=op, a | Binary: str=op, a, b | Filter: a=operand, b=filter (Ident or Call)
//   Test: a=operand, str=test, flag=negated | Select: a=value, b=condition
//   Ternary: a=condition, b=then, c=else | Slice: a=start, b=stop, c=step (each may be null)
//   ArrayLit/TupleLit: list | ObjectLit: list=key,value,key,value... | KwArg: str=name, a=value
//   Spread/KwSpread: a
struct Node {
  NodeType type;
  std::uint32_t offset = 0;
  std::string str;
  double number = 0;
  bool flag = false;
  NodePtr a, b, c;
  NodeList list, body, alt;
  Value literal;  // IntLit/FloatLit/StrLit: the value, built once at parse time
};

struct Program {
  NodeList body;
};

}  // namespace slipway::text::jinja
