#include "graphql/lexer.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <utility>
#include <vector>

namespace agora::graphql {
namespace {

bool IsNameStart(char c) { return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsNameContinue(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsLeadingSurrogate(char32_t c) { return c >= 0xD800 && c <= 0xDBFF; }
bool IsTrailingSurrogate(char32_t c) { return c >= 0xDC00 && c <= 0xDFFF; }
bool IsScalarValue(char32_t c) { return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF); }

std::string CodePointName(char32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

// Up to n bytes of text from pos, for quoting in a message: cut before the first byte that is
// not printable ASCII, so that a message never carries a broken UTF-8 sequence.
std::string Slice(std::string_view text, size_t pos, size_t n) {
  std::string out;
  for (size_t i = pos; i < text.size() && i < pos + n; ++i) {
    if (text[i] < 0x20 || text[i] > 0x7E) break;
    out += text[i];
  }
  return out;
}

}  // namespace

std::string Describe(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEof: return "<EOF>";
    case TokenKind::kBang: return "\"!\"";
    case TokenKind::kDollar: return "\"$\"";
    case TokenKind::kAmp: return "\"&\"";
    case TokenKind::kParenL: return "\"(\"";
    case TokenKind::kParenR: return "\")\"";
    case TokenKind::kSpread: return "\"...\"";
    case TokenKind::kColon: return "\":\"";
    case TokenKind::kEquals: return "\"=\"";
    case TokenKind::kAt: return "\"@\"";
    case TokenKind::kBracketL: return "\"[\"";
    case TokenKind::kBracketR: return "\"]\"";
    case TokenKind::kBraceL: return "\"{\"";
    case TokenKind::kPipe: return "\"|\"";
    case TokenKind::kBraceR: return "\"}\"";
    case TokenKind::kName: return "Name";
    case TokenKind::kInt: return "Int";
    case TokenKind::kFloat: return "Float";
    case TokenKind::kString: return "String";
    case TokenKind::kBlockString: return "BlockString";
  }
  return "token";
}

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kName:
    case TokenKind::kInt:
    case TokenKind::kFloat:
    case TokenKind::kString:
    case TokenKind::kBlockString:
      return Describe(token.kind) + " \"" + token.value + "\"";
    default:
      return Describe(token.kind);
  }
}

void AppendUtf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string BlockStringValue(std::string_view raw) {
  // Split on \r\n, \n and \r.
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '\n' && raw[i] != '\r') continue;
    lines.push_back(raw.substr(start, i - start));
    if (raw[i] == '\r' && i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
    start = i + 1;
  }
  lines.push_back(raw.substr(start));

  auto indent_of = [](std::string_view line) {
    size_t n = 0;
    while (n < line.size() && (line[n] == ' ' || line[n] == '\t')) ++n;
    return n;
  };
  size_t common_indent = std::string_view::npos;
  size_t first_non_blank = lines.size();
  size_t last_non_blank = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t indent = indent_of(lines[i]);
    if (indent == lines[i].size()) continue;  // blank lines neither set the indent nor survive at the edges
    first_non_blank = std::min(first_non_blank, i);
    last_non_blank = i;
    if (i != 0) common_indent = std::min(common_indent, indent);
  }
  std::string value;
  for (size_t i = first_non_blank; i < lines.size() && i <= last_non_blank; ++i) {
    std::string_view line = lines[i];
    if (i != 0 && common_indent != std::string_view::npos) line.remove_prefix(std::min(common_indent, line.size()));
    if (i != first_non_blank) value += '\n';
    value += line;
  }
  return value;
}

Lexer::Lexer(std::string_view source) : source_(source) {}

void Lexer::Advance() {
  if (AtEnd()) return;
  const char c = source_[cur_.pos++];
  if (c == '\n' || (c == '\r' && Peek() != '\n')) {
    ++cur_.line;
    cur_.column = 1;
  } else if (c != '\r' && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
    ++cur_.column;  // a UTF-8 continuation byte belongs to the character already counted
  }
}

void Lexer::Fail(std::string message) const { FailAt(cur_, std::move(message)); }

void Lexer::FailAt(const Cursor& at, std::string message) const {
  throw SyntaxError{std::move(message), Location{at.line, at.column}};
}

char32_t Lexer::DecodeUtf8(size_t* length) const {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(Peek(i)); };
  const unsigned char b0 = byte(0);
  size_t n = 0;
  char32_t c = 0;
  char32_t min = 0;
  if (b0 < 0x80) {
    *length = 1;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    n = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, c = b0 & 0x07, min = 0x10000;
  }
  bool valid = n != 0 && cur_.pos + n <= source_.size();
  for (size_t i = 1; valid && i < n; ++i) {
    valid = (byte(i) & 0xC0) == 0x80;
    c = (c << 6) | (byte(i) & 0x3F);
  }
  if (!valid || c < min || !IsScalarValue(c)) {
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "Invalid UTF-8 byte: 0x%02X.", b0);
    Fail(buffer);
  }
  *length = n;
  return c;
}

std::string Lexer::DescribeChar() const {
  if (AtEnd()) return "<EOF>";
  const char c = Peek();
  if (c >= 0x20 && c <= 0x7E) return c == '"' ? "\"\\\"\"" : std::string("\"") + c + "\"";
  size_t length = 0;
  return CodePointName(DecodeUtf8(&length));
}

void Lexer::SkipIgnored() {
  while (!AtEnd()) {
    const char c = Peek();
    if (c == ' ' || c == '\t' || c == ',' || c == '\n' || c == '\r') {
      Advance();
    } else if (c == '\xEF' && Peek(1) == '\xBB' && Peek(2) == '\xBF') {
      Advance(3);  // the byte order mark, U+FEFF
    } else if (c == '#') {
      // A comment runs to the line's end; a byte that is not UTF-8 ends it, and the next token
      // read reports it.
      Advance();
      while (!AtEnd() && Peek() != '\n' && Peek() != '\r') {
        if (static_cast<unsigned char>(Peek()) < 0x80) {
          Advance();
          continue;
        }
        size_t length = 0;
        try {
          DecodeUtf8(&length);
        } catch (const SyntaxError&) {
          return;
        }
        Advance(length);
      }
    } else {
      return;
    }
  }
}

Token Lexer::Next() {
  SkipIgnored();
  Token token;
  token.location = Location{cur_.line, cur_.column};
  if (AtEnd()) return token;  // kEof
  const char c = Peek();
  auto punctuator = [&](TokenKind kind, size_t length) {
    Advance(length);
    token.kind = kind;
    return token;
  };
  switch (c) {
    case '!': return punctuator(TokenKind::kBang, 1);
    case '$': return punctuator(TokenKind::kDollar, 1);
    case '&': return punctuator(TokenKind::kAmp, 1);
    case '(': return punctuator(TokenKind::kParenL, 1);
    case ')': return punctuator(TokenKind::kParenR, 1);
    case ':': return punctuator(TokenKind::kColon, 1);
    case '=': return punctuator(TokenKind::kEquals, 1);
    case '@': return punctuator(TokenKind::kAt, 1);
    case '[': return punctuator(TokenKind::kBracketL, 1);
    case ']': return punctuator(TokenKind::kBracketR, 1);
    case '{': return punctuator(TokenKind::kBraceL, 1);
    case '|': return punctuator(TokenKind::kPipe, 1);
    case '}': return punctuator(TokenKind::kBraceR, 1);
    case '.':
      if (Peek(1) == '.' && Peek(2) == '.') return punctuator(TokenKind::kSpread, 3);
      break;
    case '"':
      if (Peek(1) == '"' && Peek(2) == '"') return ReadBlockString();
      return ReadString();
    case '\'':
      Fail("Unexpected single quote character ('), did you mean to use a double quote (\")?");
    default:
      break;
  }
  if (IsNameStart(c)) return ReadName();
  if (IsDigit(c) || c == '-') return ReadNumber();
  Fail("Unexpected character: " + DescribeChar() + ".");
}

Token Lexer::ReadName() {
  Token token{TokenKind::kName, "", Location{cur_.line, cur_.column}};
  const size_t start = cur_.pos;
  while (!AtEnd() && IsNameContinue(Peek())) Advance();
  token.value = std::string(source_.substr(start, cur_.pos - start));
  return token;
}

Token Lexer::ReadNumber() {
  Token token{TokenKind::kInt, "", Location{cur_.line, cur_.column}};
  const size_t start = cur_.pos;
  auto read_digits = [&] {
    if (!IsDigit(Peek())) Fail("Invalid number, expected digit but got: " + DescribeChar() + ".");
    while (IsDigit(Peek())) Advance();
  };
  if (Peek() == '-') Advance();
  if (Peek() == '0') {
    Advance();
    if (IsDigit(Peek())) Fail("Invalid number, unexpected digit after 0: " + DescribeChar() + ".");
  } else {
    read_digits();
  }
  if (Peek() == '.') {
    token.kind = TokenKind::kFloat;
    Advance();
    read_digits();
  }
  if (Peek() == 'e' || Peek() == 'E') {
    token.kind = TokenKind::kFloat;
    Advance();
    if (Peek() == '+' || Peek() == '-') Advance();
    read_digits();
  }
  // "1.2.3" and "12abc" are not two tokens.
  if (Peek() == '.' || IsNameStart(Peek()))
    Fail("Invalid number, expected digit but got: " + DescribeChar() + ".");
  token.value = std::string(source_.substr(start, cur_.pos - start));
  return token;
}

char32_t Lexer::ReadUnicodeEscape(const Cursor& escape_start) {
  // The cursor is after "\u".
  const size_t from = escape_start.pos;
  if (Peek() == '{') {
    // \u{X...}: at most "\u{" and 8 hex digits and "}", read as graphql-js reads it.
    uint64_t point = 0;
    size_t size = 3;  // characters of the sequence read so far, from the backslash
    while (size < 12) {
      const char c = Peek(size - 2);
      ++size;
      if (c == '}') {
        if (size < 5 || point > 0x10FFFF || !IsScalarValue(static_cast<char32_t>(point))) break;
        Advance(size - 2);
        return static_cast<char32_t>(point);
      }
      const int digit = HexValue(c);
      if (digit < 0) break;
      point = (point << 4) | static_cast<uint64_t>(digit);
    }
    FailAt(escape_start, "Invalid Unicode escape sequence: \"" + Slice(source_, from, size) + "\".");
  }
  auto read_hex4 = [&](size_t at) -> int {
    int value = 0;
    for (size_t i = 0; i < 4; ++i) {
      const int digit = HexValue(Peek(at + i));
      if (digit < 0) return -1;
      value = (value << 4) | digit;
    }
    return value;
  };
  const int code = read_hex4(0);
  if (code >= 0 && IsScalarValue(static_cast<char32_t>(code))) {
    Advance(4);
    return static_cast<char32_t>(code);
  }
  // A leading surrogate escape joins the trailing one after it (how JSON writes U+1F600).
  if (code >= 0 && IsLeadingSurrogate(static_cast<char32_t>(code)) && Peek(4) == '\\' &&
      Peek(5) == 'u') {
    const int trailing = read_hex4(6);
    if (trailing >= 0 && IsTrailingSurrogate(static_cast<char32_t>(trailing))) {
      Advance(10);
      return 0x10000 + ((static_cast<char32_t>(code) - 0xD800) << 10) +
             (static_cast<char32_t>(trailing) - 0xDC00);
    }
  }
  FailAt(escape_start, "Invalid Unicode escape sequence: \"" + Slice(source_, from, 6) + "\".");
}

Token Lexer::ReadString() {
  Token token{TokenKind::kString, "", Location{cur_.line, cur_.column}};
  Advance();  // the opening quote
  while (!AtEnd()) {
    const char c = Peek();
    if (c == '"') {
      Advance();
      return token;
    }
    if (c == '\n' || c == '\r') break;
    if (c == '\\') {
      const Cursor escape_start = cur_;
      const char e = Peek(1);
      Advance(2);
      switch (e) {
        case '"': token.value += '"'; break;
        case '\\': token.value += '\\'; break;
        case '/': token.value += '/'; break;
        case 'b': token.value += '\b'; break;
        case 'f': token.value += '\f'; break;
        case 'n': token.value += '\n'; break;
        case 'r': token.value += '\r'; break;
        case 't': token.value += '\t'; break;
        case 'u': AppendUtf8(token.value, ReadUnicodeEscape(escape_start)); break;
        default:
          FailAt(escape_start, "Invalid character escape sequence: \"" +
                                   Slice(source_, escape_start.pos, 2) + "\".");
      }
      continue;
    }
    size_t length = 0;
    DecodeUtf8(&length);
    token.value.append(source_.substr(cur_.pos, length));
    Advance(length);
  }
  Fail("Unterminated string.");
}

Token Lexer::ReadBlockString() {
  Token token{TokenKind::kBlockString, "", Location{cur_.line, cur_.column}};
  Advance(3);
  std::string raw;
  while (!AtEnd()) {
    if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"') {
      Advance(3);
      token.value = BlockStringValue(raw);
      return token;
    }
    if (Peek() == '\\' && Peek(1) == '"' && Peek(2) == '"' && Peek(3) == '"') {
      raw += "\"\"\"";
      Advance(4);
      continue;
    }
    size_t length = 0;
    DecodeUtf8(&length);
    raw.append(source_.substr(cur_.pos, length));
    Advance(length);
  }
  Fail("Unterminated string.");
}

}  // namespace agora::graphql
