// Fuzzes one spec reader: the input is the main file of a one-file archive, read, validated and
// turned into the API model as publication does. Built once per format, with
// AGORA_SPEC_MAIN_FILE naming the file (api.raml, api.yaml, api.wsdl), which picks the reader.
#include <string>

#include "fuzz_target.h"
#include "specs/spec_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  agora::specs::InMemorySpecSource source;
  source.Add(AGORA_SPEC_MAIN_FILE, std::string(reinterpret_cast<const char*>(data), size));
  const agora::specs::SpecReport report = agora::specs::ReadSpec(source, AGORA_SPEC_MAIN_FILE);
  (void)report.model.ToJson();
  return 0;
}
