#include "specs/text_encoding.h"

#include <cstdint>
#include <string_view>

namespace agora::specs {
namespace {

// The code unit of `width` bytes at `at`, in the given byte order.
uint32_t Unit(std::string_view bytes, size_t at, size_t width, bool big_endian) {
  uint32_t unit = 0;
  for (size_t i = 0; i < width; ++i) {
    const auto byte = static_cast<uint8_t>(bytes[at + (big_endian ? i : width - 1 - i)]);
    unit = (unit << 8) | byte;
  }
  return unit;
}

Result<std::string> Transcode(std::string_view bytes, size_t width, bool big_endian, const char* name) {
  auto invalid = [&](size_t at) {
    return Status::InvalidArgument("INVALID_SPEC", std::string("the file is not valid ") + name + " (byte " +
                                                       std::to_string(at) + ")");
  };
  if (bytes.size() % width != 0) return invalid(bytes.size());
  std::string out;
  out.reserve(bytes.size());
  for (size_t at = width; at < bytes.size(); at += width) {  // past the BOM
    uint32_t code = Unit(bytes, at, width, big_endian);
    if (width == 2 && code >= 0xD800 && code <= 0xDBFF) {
      if (at + 2 >= bytes.size()) return invalid(at);
      const uint32_t low = Unit(bytes, at + 2, 2, big_endian);
      if (low < 0xDC00 || low > 0xDFFF) return invalid(at);
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
      at += 2;
    } else if ((code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) {
      return invalid(at);
    }
    AppendUtf8(out, code);
  }
  return out;
}

}  // namespace

void AppendUtf8(std::string& out, uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

bool StartsWithWideBom(std::string_view content) {
  return content.substr(0, 2) == "\xFF\xFE" || content.substr(0, 2) == "\xFE\xFF" ||
         content.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4);
}

Result<std::string> DecodeToUtf8(std::string content) {
  const std::string_view bytes = content;
  // UTF-32 first: its little-endian BOM begins with UTF-16's.
  if (bytes.substr(0, 4) == std::string_view("\xFF\xFE\0\0", 4)) return Transcode(bytes, 4, false, "UTF-32");
  if (bytes.substr(0, 4) == std::string_view("\0\0\xFE\xFF", 4)) return Transcode(bytes, 4, true, "UTF-32");
  if (bytes.substr(0, 2) == "\xFF\xFE") return Transcode(bytes, 2, false, "UTF-16");
  if (bytes.substr(0, 2) == "\xFE\xFF") return Transcode(bytes, 2, true, "UTF-16");
  return content;
}

}  // namespace agora::specs
