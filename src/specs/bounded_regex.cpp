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

}  // namespace agora::specs
