// BoundedRegex matches a spec author's regular expression (RAML's `pattern` facet and pattern
// properties, JSON Schema's `pattern` and `patternProperties`) in ECMAScript syntax, in bounded
// steps. Boost.Regex rather than std::regex: a pattern that backtracks exponentially
// (`^(a|aa)+$`) held std::regex for hours on a 40-character example, and std::regex recurses per
// character of the value; Boost.Regex gives up past a bound on its steps. A match it gives up on
// is neither a match nor a mismatch: the caller reports that the value could not be checked, so a
// hostile pattern cannot get a value accepted unseen.
//
// Thread safety: a BoundedRegex is immutable once built; Search may be called from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace agora::specs {

class BoundedRegex {
 public:
  explicit BoundedRegex(const std::string& pattern);

  // False when the pattern is no ECMAScript regular expression.
  bool valid() const { return regex_ != nullptr; }

  enum class Match { kFound, kNotFound, kGaveUp };
  // Whether `text` holds a match (a search, as both RAML and JSON Schema mean it). An invalid
  // pattern finds one in anything: its problem is reported where it is declared, not per value.
  Match Search(const std::string& text) const;

  // The problem's words for kGaveUp, naming the pattern.
  static std::string GaveUpMessage(const std::string& pattern);

  // Whether std::regex (which valijson and the ECMA-262 validity check use) may compile `pattern`:
  // its compiler recurses once per nested group, and 30,000 nested groups overflowed the stack.
  static bool StdRegexMayCompile(std::string_view pattern);
  static constexpr size_t kMaxStdRegexNesting = 256;

 private:
  struct Compiled;                         // Boost.Regex stays out of the header
  std::shared_ptr<const Compiled> regex_;  // shared: constraints holding it are copied
};

}  // namespace agora::specs
