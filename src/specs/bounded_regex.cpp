#include "specs/bounded_regex.h"

#include <boost/regex.hpp>

namespace agora::specs {

struct BoundedRegex::Compiled {
  boost::regex regex;
};

BoundedRegex::BoundedRegex(const std::string& pattern) {
  try {
    regex_ = std::make_shared<const Compiled>(Compiled{boost::regex(pattern, boost::regex::ECMAScript)});
  } catch (const std::exception&) {
    // not a regular expression: valid() says so
  }
}

BoundedRegex::Match BoundedRegex::Search(const std::string& text) const {
  if (!regex_) return Match::kFound;
  try {
    return boost::regex_search(text, regex_->regex) ? Match::kFound : Match::kNotFound;
  } catch (const std::exception&) {  // Boost.Regex's step bound ("complexity exceeded") or its stack
    return Match::kGaveUp;
  }
}

std::string BoundedRegex::GaveUpMessage(const std::string& pattern) {
  return "cannot be checked against the pattern " + pattern +
         ": matching it backtracks past the bound agora allows (rewrite the pattern without nested repetition)";
}

bool BoundedRegex::StdRegexMayCompile(std::string_view pattern) {
  size_t depth = 0;
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      ++i;  // an escaped character opens nothing
    } else if (in_class) {
      in_class = c != ']';
    } else if (c == '[') {
      in_class = true;
    } else if (c == '(' && ++depth > kMaxStdRegexNesting) {
      return false;
    } else if (c == ')' && depth > 0) {
      --depth;
    }
  }
  return true;
}

}  // namespace agora::specs
