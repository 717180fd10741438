// Recursive descent over the executable-document grammar (spec section 2 and appendix B),
// following graphql-js's parser so that its error messages and locations match.
#include <cstdio>
#include <string>
#include <utility>

#include "graphql/graphql.h"
#include "graphql/lexer.h"

namespace agora::graphql {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view source) : lexer_(source) { Advance(); }

  Document ParseDocument() {
    Document document;
    do {
      ParseDefinition(document);
    } while (!Peek(TokenKind::kEof));
    return document;
  }

 private:
  // Bounds the nesting of selection sets, list and object values and list types, so that a
  // hostile document cannot exhaust the stack of this parser or of the executor after it.
  class DepthGuard {
   public:
    explicit DepthGuard(Parser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxDepth) {
        throw SyntaxError{"Document is nested too deeply (more than " + std::to_string(kMaxDepth) +
                              " levels).",
                          parser_.token_.location};
      }
    }
    ~DepthGuard() { --parser_.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser& parser_;
  };

  void Advance() {
    token_ = lexer_.Next();
    if (token_.kind != TokenKind::kEof && ++token_count_ > kMaxTokens) {
      throw SyntaxError{"Document contains more than " + std::to_string(kMaxTokens) +
                            " tokens. Parsing aborted.",
                        token_.location};
    }
  }

  bool Peek(TokenKind kind) const { return token_.kind == kind; }
  bool PeekKeyword(std::string_view keyword) const {
    return token_.kind == TokenKind::kName && token_.value == keyword;
  }
  bool Skip(TokenKind kind) {
    if (!Peek(kind)) return false;
    Advance();
    return true;
  }

  [[noreturn]] void Unexpected() const {
    throw SyntaxError{"Unexpected " + Describe(token_) + ".", token_.location};
  }

  Token Expect(TokenKind kind) {
    if (!Peek(kind)) {
      throw SyntaxError{"Expected " + Describe(kind) + ", found " + Describe(token_) + ".",
                        token_.location};
    }
    Token token = std::move(token_);
    Advance();
    return token;
  }

  void ExpectKeyword(std::string_view keyword) {
    if (!PeekKeyword(keyword)) {
      throw SyntaxError{"Expected \"" + std::string(keyword) + "\", found " + Describe(token_) + ".",
                        token_.location};
    }
    Advance();
  }

  std::string ParseName() { return Expect(TokenKind::kName).value; }

  // A fragment's name: any name but "on".
  std::string ParseFragmentName() {
    if (PeekKeyword("on")) Unexpected();
    return ParseName();
  }

  void ParseDefinition(Document& document) {
    if (Peek(TokenKind::kBraceL) || PeekKeyword("query") || PeekKeyword("mutation") ||
        PeekKeyword("subscription")) {
      document.operations.push_back(ParseOperation());
    } else if (PeekKeyword("fragment")) {
      document.fragments.push_back(ParseFragmentDefinition());
    } else {
      // Type-system definitions and descriptions included: only executable documents run here.
      Unexpected();
    }
  }

  OperationDefinition ParseOperation() {
    OperationDefinition operation;
    operation.location = token_.location;
    if (Peek(TokenKind::kBraceL)) {  // the query shorthand
      operation.selection_set = ParseSelectionSet();
      return operation;
    }
    if (PeekKeyword("mutation")) operation.type = OperationDefinition::Type::kMutation;
    if (PeekKeyword("subscription")) operation.type = OperationDefinition::Type::kSubscription;
    Advance();
    if (Peek(TokenKind::kName)) operation.name = ParseName();
    if (Skip(TokenKind::kParenL)) {
      do {
        operation.variables.push_back(ParseVariableDefinition());
      } while (!Skip(TokenKind::kParenR));
    }
    operation.directives = ParseDirectives(false);
    operation.selection_set = ParseSelectionSet();
    return operation;
  }

  VariableDefinition ParseVariableDefinition() {
    VariableDefinition variable;
    variable.location = token_.location;
    Expect(TokenKind::kDollar);
    variable.name = ParseName();
    Expect(TokenKind::kColon);
    variable.type = ParseType();
    if (Skip(TokenKind::kEquals)) variable.default_value = ParseValue(true);
    variable.directives = ParseDirectives(true);
    return variable;
  }

  TypeRef ParseType() {
    TypeRef type;
    if (Peek(TokenKind::kBracketL)) {
      DepthGuard guard(*this);
      Advance();
      type = ParseType();
      Expect(TokenKind::kBracketR);
      type.wrappers.insert(type.wrappers.begin(), TypeRef::Wrapper::kList);
    } else {
      type.name = ParseName();
    }
    if (Skip(TokenKind::kBang)) type.wrappers.insert(type.wrappers.begin(), TypeRef::Wrapper::kNonNull);
    return type;
  }

  std::vector<Selection> ParseSelectionSet() {
    DepthGuard guard(*this);
    std::vector<Selection> selections;
    Expect(TokenKind::kBraceL);
    do {
      selections.push_back(Peek(TokenKind::kSpread) ? ParseFragment() : ParseField());
    } while (!Skip(TokenKind::kBraceR));
    return selections;
  }

  Selection ParseField() {
    Selection field;
    field.kind = Selection::Kind::kField;
    field.location = token_.location;
    field.name = ParseName();
    if (Skip(TokenKind::kColon)) {
      field.alias = std::move(field.name);
      field.name = ParseName();
    }
    field.arguments = ParseArguments(false);
    field.directives = ParseDirectives(false);
    if (Peek(TokenKind::kBraceL)) field.selection_set = ParseSelectionSet();
    return field;
  }

  // After "...": a fragment spread ("...Name") or an inline fragment ("... on T {", "... {").
  Selection ParseFragment() {
    Selection selection;
    selection.location = token_.location;
    Expect(TokenKind::kSpread);
    const bool has_type_condition = PeekKeyword("on");
    if (!has_type_condition && Peek(TokenKind::kName)) {
      selection.kind = Selection::Kind::kFragmentSpread;
      selection.name = ParseFragmentName();
      selection.directives = ParseDirectives(false);
      return selection;
    }
    selection.kind = Selection::Kind::kInlineFragment;
    if (has_type_condition) {
      Advance();
      selection.type_condition = ParseName();
    }
    selection.directives = ParseDirectives(false);
    selection.selection_set = ParseSelectionSet();
    return selection;
  }

  FragmentDefinition ParseFragmentDefinition() {
    FragmentDefinition fragment;
    fragment.location = token_.location;
    ExpectKeyword("fragment");
    fragment.name = ParseFragmentName();
    ExpectKeyword("on");
    fragment.type_condition = ParseName();
    fragment.directives = ParseDirectives(false);
    fragment.selection_set = ParseSelectionSet();
    return fragment;
  }

  std::vector<Argument> ParseArguments(bool is_const) {
    std::vector<Argument> arguments;
    if (!Skip(TokenKind::kParenL)) return arguments;
    do {
      Argument argument;
      argument.location = token_.location;
      argument.name = ParseName();
      Expect(TokenKind::kColon);
      argument.value = ParseValue(is_const);
      arguments.push_back(std::move(argument));
    } while (!Skip(TokenKind::kParenR));
    return arguments;
  }

  std::vector<Directive> ParseDirectives(bool is_const) {
    std::vector<Directive> directives;
    while (Peek(TokenKind::kAt)) {
      Directive directive;
      directive.location = token_.location;
      Advance();
      directive.name = ParseName();
      directive.arguments = ParseArguments(is_const);
      directives.push_back(std::move(directive));
    }
    return directives;
  }

  // A value; `is_const` (default values, directives of variable definitions) forbids variables.
  Value ParseValue(bool is_const) {
    Value value;
    value.location = token_.location;
    switch (token_.kind) {
      case TokenKind::kBracketL: {
        DepthGuard guard(*this);
        value.kind = Value::Kind::kList;
        Advance();
        while (!Skip(TokenKind::kBracketR)) value.list.push_back(ParseValue(is_const));
        return value;
      }
      case TokenKind::kBraceL: {
        DepthGuard guard(*this);
        value.kind = Value::Kind::kObject;
        Advance();
        while (!Skip(TokenKind::kBraceR)) {
          ObjectField field;
          field.location = token_.location;
          field.name = ParseName();
          Expect(TokenKind::kColon);
          field.value = ParseValue(is_const);
          value.fields.push_back(std::move(field));
        }
        return value;
      }
      case TokenKind::kInt:
      case TokenKind::kFloat:
      case TokenKind::kString:
      case TokenKind::kBlockString:
        value.kind = token_.kind == TokenKind::kInt     ? Value::Kind::kInt
                     : token_.kind == TokenKind::kFloat ? Value::Kind::kFloat
                                                        : Value::Kind::kString;
        value.text = std::move(token_.value);
        Advance();
        return value;
      case TokenKind::kName:
        if (token_.value == "true" || token_.value == "false") {
          value.kind = Value::Kind::kBoolean;
        } else if (token_.value == "null") {
          value.kind = Value::Kind::kNull;
        } else {
          value.kind = Value::Kind::kEnum;
        }
        value.text = std::move(token_.value);
        Advance();
        return value;
      case TokenKind::kDollar:
        if (is_const) {
          const Location at = token_.location;
          Advance();
          if (!Peek(TokenKind::kName)) Unexpected();
          throw SyntaxError{"Unexpected variable \"$" + token_.value + "\" in constant value.", at};
        }
        value.kind = Value::Kind::kVariable;
        Advance();
        value.text = ParseName();
        return value;
      default:
        Unexpected();
    }
  }

  Lexer lexer_;
  Token token_;
  size_t token_count_ = 0;
  int depth_ = 0;
};

}  // namespace

std::string ToString(const TypeRef& type) {
  std::string text = type.name;
  for (auto it = type.wrappers.rbegin(); it != type.wrappers.rend(); ++it)
    text = *it == TypeRef::Wrapper::kNonNull ? text + "!" : "[" + text + "]";
  return text;
}

Result<Document> Parse(std::string_view source) {
  try {
    Parser parser(source);
    return parser.ParseDocument();
  } catch (const SyntaxError& error) {
    return Status::InvalidArgument(
        "GRAPHQL_PARSE_FAILED", "Syntax Error: " + error.message,
        {std::to_string(error.location.line) + ":" + std::to_string(error.location.column)});
  }
}

boost::json::object ParseErrorResponse(const Status& status) {
  boost::json::object error;
  error["message"] = status.message();
  int line = 0;
  int column = 0;
  if (!status.errors().empty() &&
      std::sscanf(status.errors().front().c_str(), "%d:%d", &line, &column) == 2) {
    error["locations"] = boost::json::array{boost::json::object{{"line", line}, {"column", column}}};
  }
  return boost::json::object{{"errors", boost::json::array{std::move(error)}}};
}

}  // namespace agora::graphql
