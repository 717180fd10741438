// Reads an OpenAPI 3.x or Swagger 2.0 description, in YAML or JSON, from its main file through
// every $ref it makes (internal JSON pointers and relative files, transitively), checks the
// structure the specification requires (info with title and version, paths whose keys start
// with '/', operations with responses, reference targets that exist, reference chains that do
// not loop) and extracts the ApiModel. See spec_reader.h for the contract.
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include "specs/spec_reader.h"

namespace agora::specs {

SpecReport ReadOas(const SpecSource& source, const std::string& main_file, const ReadOptions& options = {});

}  // namespace agora::specs
