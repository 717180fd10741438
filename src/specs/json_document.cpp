#include "specs/json_document.h"

#include <unordered_set>

#include "specs/text_encoding.h"
#include "specs/tree_budget.h"

namespace agora::specs {
namespace {

class JsonParser {
 public:
  JsonParser(std::string_view text, const YamlLimits& limits) : text_(text), limits_(limits) {}

  ParsedYaml Run() {
    ParsedYaml result;
    SkipBlanks();
    if (!Value(result.root, 0)) {
      result.error = std::move(error_);
      result.bytes = budget_.bytes();
      return result;
    }
    SkipBlanks();
    if (pos_ < text_.size()) {
      Fail("unexpected text after the JSON document");
      result.error = std::move(error_);
    }
    result.bytes = budget_.bytes();
    return result;
  }

 private:
  bool Value(YamlNode& node, uint32_t depth) {
    node.line = line_;
    node.column = column_;
    if (budget_.OutOfTime()) return Fail("parsing ran out of time", YamlError::Kind::kTime);
    if (pos_ >= text_.size()) return Fail("a value is expected, found the end of the document");
    const char c = text_[pos_];
    if (c == '{' || c == '[') {
      if (depth >= limits_.max_depth) return Fail("nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
      return c == '{' ? Object(node, depth + 1) : Array(node, depth + 1);
    }
    if (c == '"') {
      node.quoted = true;
      return String(node.scalar) && Paid(budget_.ChargeStrings(node));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(node.scalar) && Paid(budget_.ChargeStrings(node));
    for (const char* literal : {"true", "false", "null"}) {
      if (text_.substr(pos_, std::char_traits<char>::length(literal)) == literal) {
        node.scalar = literal;
        Advance(node.scalar.size());
        return true;
      }
    }
    return Fail(std::string("unexpected character '") + c + "'");
  }

  bool Object(YamlNode& node, uint32_t depth) {
    node.kind = YamlNode::Kind::kMapping;
    Advance(1);
    SkipBlanks();
    if (Take('}')) return true;
    if (pos_ >= text_.size()) return Unclosed("object", node);
    // Finished objects are made exact; the keys' set (large objects only) goes with the frame.
    struct Finish {
      TreeBudget& budget;
      YamlNode& node;
      uint64_t keys_bytes = 0;
      ~Finish() {
        budget.ShrinkToFit(node.pairs);
        budget.Refund(keys_bytes);
      }
    } finish{budget_, node};
    std::unordered_set<std::string> keys;  // filled only once the object outgrows a linear scan
    while (true) {
      SkipBlanks();
      if (pos_ >= text_.size()) return Unclosed("object", node);
      if (text_[pos_] != '"') return Fail("an object key (a string) is expected");
      const uint32_t key_line = line_, key_column = column_;
      std::string key;
      if (!String(key)) return false;
      if (node.pairs.size() < 16) {
        for (const auto& pair : node.pairs)
          if (pair.key == key) return FailAt(key_line, key_column, "duplicate key '" + key + "'");
      } else {
        if (keys.empty())
          for (const auto& pair : node.pairs) {
            if (!ChargeKey(pair.key, finish.keys_bytes)) return false;
            keys.insert(pair.key);
          }
        if (keys.count(key)) return FailAt(key_line, key_column, "duplicate key '" + key + "'");
      }
      SkipBlanks();
      if (!Take(':')) return Fail("':' is expected after an object key");
      SkipBlanks();
      if (!Paid(budget_.ChargeGrowth(node.pairs) && budget_.Charge(TreeBudget::HeapBytes(key)))) return false;
      node.pairs.push_back({std::move(key), YamlNode()});
      if (!Value(node.pairs.back().value, depth)) return false;
      if (!keys.empty()) {
        if (!ChargeKey(node.pairs.back().key, finish.keys_bytes)) return false;
        keys.insert(node.pairs.back().key);
      }
      SkipBlanks();
      if (Take('}')) return true;
      if (pos_ >= text_.size()) return Unclosed("object", node);
      if (!Take(',')) return Fail("',' or '}' is expected after an object member");
    }
  }

  bool Array(YamlNode& node, uint32_t depth) {
    node.kind = YamlNode::Kind::kSequence;
    Advance(1);
    SkipBlanks();
    if (Take(']')) return true;
    struct Finish {
      TreeBudget& budget;
      YamlNode& node;
      ~Finish() { budget.ShrinkToFit(node.items); }
    } finish{budget_, node};
    while (true) {
      SkipBlanks();
      if (!Paid(budget_.ChargeGrowth(node.items))) return false;
      node.items.emplace_back();
      if (!Value(node.items.back(), depth)) return false;
      SkipBlanks();
      if (Take(']')) return true;
      if (pos_ >= text_.size()) return Unclosed("array", node);
      if (!Take(',')) return Fail("',' or ']' is expected after an array item");
    }
  }

  bool Number(std::string& out) {
    const size_t start = pos_;
    size_t i = pos_;
    auto digits = [&] {
      const size_t from = i;
      while (i < text_.size() && text_[i] >= '0' && text_[i] <= '9') ++i;
      return i > from;
    };
    if (text_[i] == '-') ++i;
    if (i < text_.size() && text_[i] == '0') ++i;
    else if (!digits()) return Fail("a number is expected");
    if (i < text_.size() && text_[i] == '.') {
      ++i;
      if (!digits()) return FailAt(line_, column_ + static_cast<uint32_t>(i - start), "a digit is expected after '.'");
    }
    if (i < text_.size() && (text_[i] == 'e' || text_[i] == 'E')) {
      ++i;
      if (i < text_.size() && (text_[i] == '+' || text_[i] == '-')) ++i;
      if (!digits()) return FailAt(line_, column_ + static_cast<uint32_t>(i - start), "a digit is expected in the exponent");
    }
    out.assign(text_.substr(start, i - start));
    Advance(i - start);
    return true;
  }

  bool String(std::string& out) {
    Advance(1);  // the opening quote
    while (true) {
      const size_t run = pos_;
      while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\\' &&
             static_cast<unsigned char>(text_[pos_]) >= 0x20)
        ++pos_;
      // Columns count characters, not bytes: UTF-8 continuation bytes do not advance them.
      for (size_t i = run; i < pos_; ++i) column_ += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;
      out.append(text_.substr(run, pos_ - run));
      if (pos_ >= text_.size()) return Fail("the string is not closed");
      const char c = text_[pos_];
      if (c == '"') {
        Advance(1);
        return true;
      }
      if (c != '\\') return Fail("a control character must be escaped in a string");
      if (pos_ + 1 >= text_.size()) return Fail("the string is not closed");
      const char escape = text_[pos_ + 1];
      const char* simple = "\"\\/bfnrt";
      const char* replacement = "\"\\/\b\f\n\r\t";
      if (const char* found = std::char_traits<char>::find(simple, 8, escape)) {
        out += replacement[found - simple];
        Advance(2);
        continue;
      }
      if (escape != 'u') return Fail(std::string("unknown escape '\\") + escape + "'");
      uint32_t code = 0;
      if (!Hex4(pos_ + 2, code)) return Fail("'\\u' needs four hexadecimal digits");
      Advance(6);
      if (code >= 0xD800 && code <= 0xDBFF) {
        uint32_t low = 0;
        if (text_.substr(pos_, 2) == "\\u" && Hex4(pos_ + 2, low) && low >= 0xDC00 && low <= 0xDFFF) {
          code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
          Advance(6);
        } else {
          code = 0xFFFD;  // a lone surrogate has no UTF-8 form
        }
      } else if (code >= 0xDC00 && code <= 0xDFFF) {
        code = 0xFFFD;
      }
      AppendUtf8(out, code);
    }
  }

  bool Hex4(size_t at, uint32_t& code) const {
    if (at + 4 > text_.size()) return false;
    code = 0;
    for (size_t i = at; i < at + 4; ++i) {
      const char c = text_[i];
      const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) return false;
      code = code * 16 + static_cast<uint32_t>(digit);
    }
    return true;
  }

  void SkipBlanks() {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        column_ = 1;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++column_;
      } else {
        return;
      }
      ++pos_;
    }
  }

  // Moves over `count` characters of one line.
  void Advance(size_t count) {
    pos_ += count;
    column_ += static_cast<uint32_t>(count);
  }

  bool Take(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    Advance(1);
    return true;
  }

  bool Unclosed(const char* what, const YamlNode& opened) {
    return Fail(std::string("the document ends before the ") + what + " that opens at line " + std::to_string(opened.line) +
                ", column " + std::to_string(opened.column) + " is closed");
  }
  // A key's entry in a large object's set: its hash node and bucket, besides its string.
  static constexpr uint64_t kKeyEntryBytes = 64;

  bool ChargeKey(const std::string& key, uint64_t& keys_bytes) {
    const uint64_t bytes = kKeyEntryBytes + TreeBudget::HeapBytes(key);
    if (!Paid(budget_.Charge(bytes))) return false;
    keys_bytes += bytes;
    return true;
  }

  bool Paid(bool paid) { return paid || Fail(budget_.MemoryMessage(), YamlError::Kind::kMemory); }
  bool Fail(std::string message, YamlError::Kind kind = YamlError::Kind::kSyntax) {
    return FailAt(line_, column_, std::move(message), kind);
  }
  bool FailAt(uint32_t line, uint32_t column, std::string message, YamlError::Kind kind = YamlError::Kind::kSyntax) {
    error_ = YamlError{line, column, std::move(message), kind};
    return false;
  }

  std::string_view text_;
  const YamlLimits& limits_;
  size_t pos_ = 0;
  uint32_t line_ = 1, column_ = 1;
  TreeBudget budget_{limits_};
  std::optional<YamlError> error_;
};

}  // namespace

bool LooksLikeJson(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && (text[first] == '{' || text[first] == '[');
}

ParsedYaml ParseJson(std::string_view text, const YamlLimits& limits) { return JsonParser(text, limits).Run(); }

}  // namespace agora::specs
