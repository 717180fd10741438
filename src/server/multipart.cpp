#include "server/multipart.h"

#include <string.h>  // memmem

#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>
#include <vector>

namespace agora::server {
namespace {

Status Invalid(const std::string& message) {
  return Status::InvalidArgument("INVALID_MULTIPART", "Malformed multipart body: " + message, {message});
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parameters after the first ';' of a header value such as `form-data; name="a"; filename="b"`,
// in order, keys lower-cased. Values are tokens or quoted strings with backslash escapes (which
// may contain ';'); a parameter without '=' is skipped.
std::vector<std::pair<std::string, std::string>> HeaderParameters(std::string_view value) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t i = value.find(';');
  while (i < value.size()) {
    ++i;
    const size_t key_end = value.find_first_of("=;", i);
    if (key_end == std::string_view::npos || value[key_end] == ';') {
      i = key_end;
      continue;
    }
    std::string key = Lower(Trim(value.substr(i, key_end - i)));
    size_t j = key_end + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string parsed;
    if (j < value.size() && value[j] == '"') {
      for (++j; j < value.size() && value[j] != '"'; ++j) {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        parsed += value[j];
      }
      i = value.find(';', j);
    } else {
      i = value.find(';', j);
      parsed = std::string(Trim(value.substr(j, i == std::string_view::npos ? i : i - j)));
    }
    params.emplace_back(std::move(key), std::move(parsed));
  }
  return params;
}

// The value of an RFC 8187 `filename*=UTF-8''caf%C3%A9.zip` parameter; nullopt for other
// charsets or bad percent-encoding (the plain filename is used then).
std::optional<std::string> DecodeExtendedValue(std::string_view value) {
  constexpr std::string_view kPrefix = "utf-8''";
  if (Lower(value.substr(0, kPrefix.size())) != kPrefix) return std::nullopt;
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  };
  std::string decoded;
  for (size_t i = kPrefix.size(); i < value.size(); ++i) {
    if (value[i] != '%') {
      decoded += value[i];
      continue;
    }
    if (i + 2 >= value.size() || hex(value[i + 1]) < 0 || hex(value[i + 2]) < 0) return std::nullopt;
    decoded += static_cast<char>(hex(value[i + 1]) * 16 + hex(value[i + 2]));
    i += 2;
  }
  return decoded;
}

}  // namespace

Result<std::string> BoundaryFromContentType(std::string_view content_type) {
  const std::string type = Lower(Trim(content_type.substr(0, content_type.find(';'))));
  if (type != "multipart/form-data")
    return Status::InvalidArgument("INVALID_MULTIPART", "The request must be multipart/form-data, not '" +
                                                            std::string(content_type.substr(0, 100)) + "'");
  for (const auto& [key, value] : HeaderParameters(content_type))
    if (key == "boundary" && !value.empty() && value.size() <= 200) return value;
  return Invalid("the Content-Type has no boundary");
}

MultipartParser::MultipartParser(std::string boundary, MultipartHandler& handler, MultipartLimits limits)
    : delimiter_("\r\n--" + boundary), handler_(handler), limits_(limits), buffer_("\r\n") {}
// The buffer starts with CRLF so that a body opening with "--boundary" matches the delimiter.

size_t MultipartParser::FindDelimiter(const char* data, size_t size) const {
  // glibc's memmem skips ahead by pairs of bytes; a memchr for every CR, which random data
  // holds every 256 bytes, costs several times more per byte.
  const void* at = ::memmem(data, size, delimiter_.data(), delimiter_.size());
  return at ? static_cast<size_t>(static_cast<const char*>(at) - data) : std::string::npos;
}

Status MultipartParser::Feed(const char* data, size_t size) {
  const size_t keep = delimiter_.size() - 1;  // bytes that may begin a delimiter the next call ends
  if (state_ != State::kBody || size <= keep) {
    buffer_.append(data, size);
    return Process();
  }
  // In a part's body, the new bytes are searched where they are and handed on from there, so a
  // file part is not copied through buffer_. First what the last call held back: a delimiter
  // that begins there ends within the next `keep` bytes.
  if (!buffer_.empty()) {
    const size_t held = buffer_.size();
    buffer_.append(data, keep);
    if (FindDelimiter(buffer_.data(), buffer_.size()) != std::string::npos) {
      buffer_.append(data + keep, size - keep);
      return Process();
    }
    AGORA_RETURN_IF_ERROR(handler_.OnPartData(buffer_.data(), held));
    buffer_.clear();
  }
  const size_t at = FindDelimiter(data, size);
  if (at == std::string::npos) {
    AGORA_RETURN_IF_ERROR(handler_.OnPartData(data, size - keep));
    buffer_.assign(data + size - keep, keep);
    return Status::Ok();
  }
  if (at > 0) AGORA_RETURN_IF_ERROR(handler_.OnPartData(data, at));
  AGORA_RETURN_IF_ERROR(handler_.OnPartEnd());
  state_ = State::kAfterDelimiter;
  buffer_.assign(data + at + delimiter_.size(), size - at - delimiter_.size());
  return Process();
}

Status MultipartParser::Process() {
  while (true) {
    switch (state_) {
      case State::kPreamble: {
        const size_t at = FindDelimiter(buffer_.data(), buffer_.size());
        if (at == std::string::npos) {
          // Keep what could be the start of the delimiter.
          if (buffer_.size() > delimiter_.size()) buffer_.erase(0, buffer_.size() - delimiter_.size());
          return Status::Ok();
        }
        buffer_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kAfterDelimiter: {
        size_t i = 0;
        while (i < buffer_.size() && (buffer_[i] == ' ' || buffer_[i] == '\t')) ++i;  // transport padding
        if (buffer_.size() < i + 2) return Status::Ok();
        if (buffer_.compare(i, 2, "--") == 0) {
          state_ = State::kEpilogue;
          buffer_.clear();
          return Status::Ok();
        }
        if (buffer_.compare(i, 2, "\r\n") != 0) return Invalid("a boundary delimiter is not followed by CRLF");
        if (++parts_ > limits_.max_parts) return Invalid("more than " + std::to_string(limits_.max_parts) + " parts");
        buffer_.erase(0, i + 2);
        state_ = State::kHeaders;
        break;
      }
      case State::kHeaders: {
        const size_t end = buffer_.rfind("\r\n", 0) == 0 ? 0 : buffer_.find("\r\n\r\n");
        if (end == std::string::npos) {
          if (buffer_.size() > limits_.max_part_header_bytes) return Invalid("part headers are too long");
          return Status::Ok();
        }
        if (end > limits_.max_part_header_bytes) return Invalid("part headers are too long");
        AGORA_RETURN_IF_ERROR(ParseHeaders(std::string_view(buffer_).substr(0, end)));
        buffer_.erase(0, end == 0 ? 2 : end + 4);
        state_ = State::kBody;
        break;
      }
      case State::kBody: {
        const size_t at = FindDelimiter(buffer_.data(), buffer_.size());
        if (at == std::string::npos) {
          if (buffer_.size() >= delimiter_.size()) {
            const size_t safe = buffer_.size() - (delimiter_.size() - 1);
            AGORA_RETURN_IF_ERROR(handler_.OnPartData(buffer_.data(), safe));
            buffer_.erase(0, safe);
          }
          return Status::Ok();
        }
        if (at > 0) AGORA_RETURN_IF_ERROR(handler_.OnPartData(buffer_.data(), at));
        AGORA_RETURN_IF_ERROR(handler_.OnPartEnd());
        buffer_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kEpilogue:
        buffer_.clear();
        return Status::Ok();
    }
  }
}

Status MultipartParser::ParseHeaders(std::string_view block) {
  MultipartPart part;
  bool has_disposition = false;
  size_t start = 0;
  while (start < block.size()) {
    const size_t end = std::min(block.find("\r\n", start), block.size());
    const std::string_view line = block.substr(start, end - start);
    start = end + 2;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return Invalid("a part header line has no ':'");
    const std::string name = Lower(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      if (Lower(Trim(value.substr(0, value.find(';')))) != "form-data") return Invalid("a part is not form-data");
      has_disposition = true;
      std::optional<std::string> extended_filename;
      for (const auto& [key, param] : HeaderParameters(value)) {
        if (key == "name") part.name = param;
        else if (key == "filename") part.filename = param;
        else if (key == "filename*") extended_filename = DecodeExtendedValue(param);
      }
      if (extended_filename) part.filename = std::move(extended_filename);  // RFC 6266: filename* wins
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!has_disposition || part.name.empty()) return Invalid("a part has no Content-Disposition name");
  return handler_.OnPartBegin(part);
}

Status MultipartParser::Finish() {
  if (state_ != State::kEpilogue) return Invalid("the body ends before the closing boundary");
  return Status::Ok();
}

size_t MultipartReadSize(std::optional<uint64_t> content_length) {
  return content_length && *content_length > kLargeBodyBytes ? kLargeReadBytes : kSmallReadBytes;
}

Status ParseMultipart(Request& request, MultipartHandler& handler, const MultipartLimits& limits) {
  AGORA_ASSIGN_OR_RETURN(std::string boundary, BoundaryFromContentType(request.Header("content-type").value_or("")));
  MultipartParser parser(boundary, handler, limits);
  const size_t size = MultipartReadSize(request.content_length());
  const auto chunk = std::make_unique_for_overwrite<char[]>(size);
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, request.ReadBody(chunk.get(), size));
    if (n == 0) return parser.Finish();
    AGORA_RETURN_IF_ERROR(parser.Feed(chunk.get(), n));
  }
}

}  // namespace agora::server
