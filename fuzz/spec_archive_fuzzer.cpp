// Fuzzes spec reading across files: the input is an archive of several files that refer to each
// other (RAML `uses`, `!include` and `extends`, OAS `$ref`, WSDL and XSD `import`/`include`),
// read from its first file as `agora spec validate` and publication read a folder or zip: the
// format detected from that file, every reference followed, validated, turned into the API model.
// The one-file targets (spec_fuzzer.cpp) cannot reach what needs several files: cycles between
// files, chains of them, one file included from many places.
//
// The archive is text, so that libFuzzer's mutations keep its structure and a seed stays readable:
//
//   @@@ api.raml
//   #%RAML 1.0
//   uses: {b: b.raml}
//   @@@ b.raml
//   #%RAML 1.0 Library
//
// A line starting with "@@@ " starts a file named by the rest of the line; the first file is the
// main file (when the input does not start with such a line, what precedes the first one is
// api.raml). A name given twice keeps its last content. spec_archive.dict gives the mutator the
// keywords that make references.
//
// The reading runs with a CPU budget well under libFuzzer's -timeout, so a reader that honours
// the budget never times out and one that loops outside it does.
#include <chrono>
#include <map>
#include <string>
#include <string_view>

#include "fuzz_target.h"
#include "specs/spec_reader.h"

namespace {

constexpr std::string_view kFileMarker = "@@@ ";

struct Archive {
  std::map<std::string, std::string> files;
  std::string main_file;
};

Archive Decode(std::string_view input) {
  Archive archive;
  std::string name = "api.raml";
  size_t start = 0;
  auto add = [&](size_t end) {
    if (archive.main_file.empty()) archive.main_file = name;
    archive.files[name] = std::string(input.substr(start, end - start));
  };
  bool first = true;
  size_t line = 0;
  while (line <= input.size()) {
    const size_t next = input.find('\n', line);
    const size_t line_end = next == std::string_view::npos ? input.size() : next;
    if (input.substr(line, kFileMarker.size()) == kFileMarker) {
      if (!first || line > 0) add(line);  // the text before it: the previous file's content
      name = std::string(input.substr(line + kFileMarker.size(), line_end - line - kFileMarker.size()));
      start = next == std::string_view::npos ? input.size() : next + 1;
      first = false;
    }
    if (next == std::string_view::npos) break;
    line = next + 1;
  }
  add(input.size());
  return archive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Archive archive = Decode(std::string_view(reinterpret_cast<const char*>(data), size));
  agora::specs::ReadOptions options;
  options.max_cpu_time = std::chrono::seconds(2);
  const agora::specs::SpecReport report =
      agora::specs::ReadSpec(agora::specs::InMemorySpecSource(archive.files), archive.main_file, options);
  (void)report.model.ToJson();
  return 0;
}
