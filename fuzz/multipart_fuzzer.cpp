// Fuzzes the streaming multipart/form-data parser: the first byte chooses the chunk size, so
// delimiters and headers split at every possible point; the rest is the body, under the
// boundary "b".
#include <algorithm>
#include <string>

#include "fuzz_target.h"
#include "server/multipart.h"

namespace {

class CountingHandler : public agora::server::MultipartHandler {
 public:
  agora::Status OnPartBegin(const agora::server::MultipartPart& part) override {
    bytes_ += part.name.size();
    return agora::Status::Ok();
  }
  agora::Status OnPartData(const char*, size_t size) override {
    bytes_ += size;
    return agora::Status::Ok();
  }
  agora::Status OnPartEnd() override { return agora::Status::Ok(); }

 private:
  size_t bytes_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = data[0] % 64 + 1;
  CountingHandler handler;
  agora::server::MultipartParser parser("b", handler, agora::server::MultipartLimits{});
  const char* body = reinterpret_cast<const char*>(data + 1);
  for (size_t offset = 0; offset < size - 1; offset += chunk) {
    if (!parser.Feed(body + offset, std::min(chunk, size - 1 - offset)).ok()) return 0;
  }
  (void)parser.Finish();
  return 0;
}
