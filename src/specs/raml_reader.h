// Reads a RAML 1.0 or 0.8 document (an API, or a typed fragment: Library, DataType, Trait,
// ResourceType, SecurityScheme, NamedExample, DocumentationItem, AnnotationTypeDeclaration,
// Overlay, Extension) from its main file through every !include, `uses:` library and `extends:`
// master it pulls in. It checks the header, the YAML, the required title of an API, resource
// paths and methods, that `type:` and `is:` name declared (or library-qualified) resource types
// and traits, that included files exist inside the archive, and that includes do not loop; and
// it extracts the ApiModel with nested resources flattened to their full paths.
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include "specs/spec_reader.h"

namespace agora::specs {

SpecReport ReadRaml(const SpecSource& source, const std::string& main_file, const ReadOptions& options = {});

}  // namespace agora::specs
