// Fuzzes the POM reader with any bytes as the uploaded pom.xml.
#include <string_view>

#include "fuzz_target.h"
#include "packaging/pom.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)agora::packaging::ParsePom(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
