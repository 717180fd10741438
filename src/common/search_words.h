// The words of a text as agora's search sees them, on both sides: the words a version is indexed
// by (an API's search terms) and the words of a query. Runs of ASCII letters and digits and of
// well-formed non-ASCII UTF-8 characters, as the index's unicode61 tokenizer and PostgreSQL's
// word splitting end words at everything else.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <vector>

namespace agora {

std::vector<std::string> SearchWords(const std::string& text);

}  // namespace agora
