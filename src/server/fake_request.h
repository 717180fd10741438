// A Request whose body comes from a string, for handler-level tests of src/server and of the
// modules above it. Test-only: include it from *_test.cpp files.
#pragma once

#include <algorithm>
#include <string>

#include "server/http.h"

namespace agora::server {

class FakeRequest : public Request {
 public:
  explicit FakeRequest(std::string method = "GET", std::string path = "/", std::string body = "")
      : body_(std::move(body)) {
    method_ = std::move(method);
    path_ = std::move(path);
  }
  Result<size_t> ReadBody(char* buf, size_t n) override {
    const size_t count = std::min(n, body_.size() - offset_);
    std::copy_n(body_.data() + offset_, count, buf);
    offset_ += count;
    return count;
  }

 private:
  std::string body_;
  size_t offset_ = 0;
};

}  // namespace agora::server
