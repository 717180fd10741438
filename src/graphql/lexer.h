// The GraphQL lexer (October 2021 specification, section 2.1): splits a source into tokens,
// skipping the ignored tokens (BOM, white space, line terminators, comments, commas), decoding
// string escapes (\uXXXX with surrogate pairs, \u{...}) and block strings. Internal to the
// graphql module; parser.cpp is its one user.
//
// Thread safety: a Lexer belongs to one thread; it only reads its source.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "graphql/graphql.h"

namespace agora::graphql {

enum class TokenKind {
  kEof, kBang, kDollar, kAmp, kParenL, kParenR, kSpread, kColon, kEquals, kAt,
  kBracketL, kBracketR, kBraceL, kPipe, kBraceR, kName, kInt, kFloat, kString, kBlockString,
};

struct Token {
  TokenKind kind = TokenKind::kEof;
  std::string value;  // names and number lexemes as written; strings decoded
  Location location;
};

// A lexical or syntax error, thrown inside the parser only: the recursive descent reads far
// more simply with one unwinding path, and Parse turns it into a Status at the module edge.
struct SyntaxError {
  std::string message;  // without the "Syntax Error: " prefix
  Location location;
};

// "<EOF>", "\"{\"", "Name \"foo\"": how graphql-js names a token in its messages.
std::string Describe(const Token& token);
std::string Describe(TokenKind kind);

class Lexer {
 public:
  explicit Lexer(std::string_view source);

  // The next token (kEof at the end, again and again); throws SyntaxError.
  Token Next();

 private:
  // Cursor: byte offset plus the line and column of that offset.
  struct Cursor {
    size_t pos = 0;
    int line = 1;
    int column = 1;
  };

  bool AtEnd() const { return cur_.pos >= source_.size(); }
  char Peek(size_t ahead = 0) const {
    return cur_.pos + ahead < source_.size() ? source_[cur_.pos + ahead] : '\0';
  }
  // Consumes one byte, keeping line and column right (\r\n is one line terminator; UTF-8
  // continuation bytes do not advance the column).
  void Advance();
  void Advance(size_t n) {
    for (size_t i = 0; i < n; ++i) Advance();
  }
  void SkipIgnored();
  [[noreturn]] void Fail(std::string message) const;
  [[noreturn]] void FailAt(const Cursor& at, std::string message) const;
  // The Unicode scalar value starting at the cursor and its UTF-8 length; fails on bad UTF-8.
  char32_t DecodeUtf8(size_t* length) const;
  // The character at the cursor named for an error message: "\"%\"" or "U+0007".
  std::string DescribeChar() const;

  Token ReadName();
  Token ReadNumber();
  Token ReadString();
  Token ReadBlockString();
  // After "\u": the escaped code point (either form), with surrogate pairs joined.
  char32_t ReadUnicodeEscape(const Cursor& escape_start);

  std::string_view source_;
  Cursor cur_;
};

// The value of a block string from its raw text between the triple quotes (\""" already
// unescaped): common indentation removed, blank first and last lines dropped (spec 2.9.4).
std::string BlockStringValue(std::string_view raw);

// Appends the UTF-8 encoding of a Unicode scalar value.
void AppendUtf8(std::string& out, char32_t code_point);

}  // namespace agora::graphql
