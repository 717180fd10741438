// Fuzzes the OAS reader: the input is the main file (api.yaml) of a one-file archive, read,
// validated and turned into the API model as publication does.
#include <string>

#include "fuzz_target.h"
#include "specs/spec_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  agora::specs::InMemorySpecSource source;
  source.Add("api.yaml", std::string(reinterpret_cast<const char*>(data), size));
  const agora::specs::SpecReport report = agora::specs::ReadSpec(source, "api.yaml");
  (void)report.model.ToJson();
  return 0;
}
