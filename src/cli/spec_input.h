// A spec named on the command line (a file, a folder or a zip) read as publication reads it.
// Shared by `agora spec validate` and `agora diff`.
//
// Thread safety: plain functions.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "specs/spec_reader.h"

namespace agora::cli {

struct SpecReading {
  std::string main_file;  // as problems name it: relative to the folder or zip read
  specs::SpecReport report;
};

// `main_file` (may be empty) names the main file inside a folder or zip; without it, the one
// root-level .raml, .yaml, .yml, .json or .wsdl file is. A single file is read from its folder,
// or from the closest folder above that holds every file it references ("../common/types.raml").
// InvalidArgument when `path` does not exist, is an unreadable zip, or has no single main file.
Result<SpecReading> ReadSpecFromFiles(const std::string& path, std::string main_file);

}  // namespace agora::cli
