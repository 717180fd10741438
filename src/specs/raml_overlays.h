// Internal to the RAML reader: overlays and extensions. Either names its master with `extends`
// (an API, or another overlay or extension, followed to the API); the result is the master with
// the overlay or extension merged in, read from then on as one API. An extension may add and
// change anything. An overlay may only add or change what does not alter behaviour: title,
// description, displayName, documentation, usage, examples, annotations, and new annotation types
// and types; adding a resource, method, trait, security scheme or changing any other value is a
// problem at the overlay's node.
//
// Thread safety: pure functions of their arguments, used by one thread.
#pragma once

#include <optional>
#include <string>

#include "specs/raml_context.h"
#include "specs/resolution_stack.h"

namespace agora::specs::raml {

// The API tree `root` (an Overlay or Extension document at `path`) describes, with its masters'
// trees merged under it; nullopt after reporting why there is none.
// `chain` holds the documents being extended, the main one first.
std::optional<RamlNode> ApplyExtends(Context& context, const std::string& path, const RamlNode& root,
                                     const std::string& kind, ResolutionStack& chain);

}  // namespace agora::specs::raml
