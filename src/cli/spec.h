// `agora spec validate PATH [--main FILE] [--model]`: reads a spec the way publication does and
// prints every problem as file:line:column: message, then a verdict line. PATH is a spec file, a
// folder or a zip; for a folder or zip without --main, the one root-level .raml/.yaml/.yml/
// .json/.wsdl file is the main file. Exit status: 0 valid, 1 invalid, 2 usage error.
// --model prints the extracted API model as JSON.
//
// Thread safety: called once from main().
#pragma once

#include <string>
#include <vector>

namespace agora::cli {

int RunSpec(const std::vector<std::string>& args);

}  // namespace agora::cli
