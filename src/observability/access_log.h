// The access log: one JSON object per line for every answered request, with its time, request
// id, method, target, route pattern, status, bytes sent, duration, principal and client address,
// so that logs can be searched and joined with the X-Request-Id a client saw.
//
// Query parameters that carry secrets (signature, token, password, secret) are written as "***".
//
// Thread safety: RequestDone may be called from any thread; lines are appended under a mutex to a
// buffer that a background thread flushes every 200 ms and on destruction, so a request never
// waits for the disk.
#pragma once

#include <condition_variable>
#include <memory>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "common/status.h"
#include "server/http.h"

namespace agora::observability {

class AccessLog : public server::RequestObserver {
 public:
  // "-" writes to standard output; any other path is opened for appending.
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& path);
  ~AccessLog() override;

  void RequestDone(const server::RequestRecord& record) override;

  // The line RequestDone writes for `record`, without its newline.
  static std::string Format(const server::RequestRecord& record);

 private:
  AccessLog(std::FILE* file, bool owned);
  void FlushLoop();

  std::FILE* file_;
  bool owned_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  bool stopping_ = false;
  std::thread flusher_;
};

}  // namespace agora::observability
