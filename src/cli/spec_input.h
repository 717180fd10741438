// A spec named on the command line (a file, a folder or a zip) opened as publication reads it:
// the files it may reference and its main file. Shared by `agora spec validate` and `agora diff`.
//
// Thread safety: plain functions.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "specs/spec_reader.h"

namespace agora::cli {

struct SpecInput {
  std::unique_ptr<specs::SpecSource> source;
  std::string main_file;
};

// `main_file` (may be empty) names the main file inside a folder or zip; without it, the one
// root-level .raml, .yaml, .yml, .json or .wsdl file is. InvalidArgument when `path` does not
// exist, is an unreadable zip, or has no single main file.
Result<SpecInput> OpenSpec(const std::string& path, std::string main_file);

}  // namespace agora::cli
