// A streaming multipart/form-data parser (RFC 7578 over RFC 2046). Bytes are pushed in chunks of
// any size and split at any point; part data is handed to a MultipartHandler as it arrives, so
// a file part of any size passes through bounded memory (at most one chunk plus a delimiter's
// length is held back). Within a part's body, data is handed on straight from the pushed chunk,
// not copied. Malformed bodies are a 400 INVALID_MULTIPART, never a crash.
//
// No Debian-packaged C++ library offers a streaming form-data parser that does not buffer whole
// parts (Beast has none; cpp-netlib is not packaged), hence this small state machine.
//
// Thread safety: a parser and its handler belong to one request's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "server/http.h"

namespace agora::server {

struct MultipartPart {
  std::string name;
  std::optional<std::string> filename;
  std::string content_type;
};

class MultipartHandler {
 public:
  virtual ~MultipartHandler() = default;
  virtual Status OnPartBegin(const MultipartPart& part) = 0;
  virtual Status OnPartData(const char* data, size_t size) = 0;
  virtual Status OnPartEnd() = 0;
};

struct MultipartLimits {
  size_t max_parts = 1000;
  size_t max_part_header_bytes = 16 * 1024;
};

// The boundary parameter of a multipart/form-data Content-Type (quoted or bare).
Result<std::string> BoundaryFromContentType(std::string_view content_type);

class MultipartParser {
 public:
  MultipartParser(std::string boundary, MultipartHandler& handler, MultipartLimits limits);

  Status Feed(const char* data, size_t size);
  // Fails unless the closing delimiter was seen.
  Status Finish();

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeaders, kBody, kEpilogue };

  Status Process();
  Status ParseHeaders(std::string_view block);
  // Where the delimiter begins in data, or npos.
  size_t FindDelimiter(const char* data, size_t size) const;

  std::string delimiter_;  // "\r\n--" + boundary
  MultipartHandler& handler_;
  MultipartLimits limits_;
  State state_ = State::kPreamble;
  std::string buffer_;
  size_t parts_ = 0;
};

// Bodies larger than kLargeBodyBytes are read kLargeReadBytes at a time, others kSmallReadBytes:
// fewer reads (and hand-offs to the socket's coroutine) per MiB for uploads, no large buffer for
// the common small form.
inline constexpr uint64_t kLargeBodyBytes = 1 << 20;
inline constexpr size_t kLargeReadBytes = 1 << 20;
inline constexpr size_t kSmallReadBytes = 64 * 1024;
size_t MultipartReadSize(std::optional<uint64_t> content_length);

// Checks the request's Content-Type and feeds its body, read in chunks of MultipartReadSize, to
// `handler`.
Status ParseMultipart(Request& request, MultipartHandler& handler, const MultipartLimits& limits);

}  // namespace agora::server
