#include "observability/access_log.h"

#include <boost/json.hpp>

#include <cerrno>
#include <cstring>

#include "common/ids.h"

namespace agora::observability {
namespace {

bool IsSecretName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* secret : {"signature", "token", "password", "secret"})
    if (lower.find(secret) != std::string::npos) return true;
  return false;
}

// The target with the values of secret-bearing query parameters replaced by ***.
std::string RedactedTarget(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::string redacted(target.substr(0, question + 1));
  std::string_view query = target.substr(question + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && IsSecretName(pair.substr(0, equals)))
      redacted += std::string(pair.substr(0, equals + 1)) + "***";
    else
      redacted += pair;
    if (amp == std::string_view::npos) break;
    redacted += '&';
    query.remove_prefix(amp + 1);
  }
  return redacted;
}

}  // namespace

Result<std::unique_ptr<AccessLog>> AccessLog::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<AccessLog>(new AccessLog(stdout, false));
  std::FILE* file = std::fopen(path.c_str(), "ae");
  if (!file) return Status::IOError("cannot open the access log " + path + ": " + std::strerror(errno));
  return std::unique_ptr<AccessLog>(new AccessLog(file, true));
}

AccessLog::AccessLog(std::FILE* file, bool owned) : file_(file), owned_(owned) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

AccessLog::~AccessLog() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  flusher_.join();
  if (owned_) std::fclose(file_);
}

std::string AccessLog::Format(const server::RequestRecord& record) {
  boost::json::object line{{"time", FormatIsoMillis(record.time_millis)},
                           {"requestId", record.request_id},
                           {"method", record.method},
                           {"target", RedactedTarget(record.target)},
                           {"route", record.route},
                           {"status", record.status},
                           {"bytes", record.bytes_sent},
                           {"durationMicros", static_cast<int64_t>(record.seconds * 1e6)},
                           {"principal", record.principal},
                           {"remoteAddress", record.remote_address}};
  return boost::json::serialize(line);
}

void AccessLog::RequestDone(const server::RequestRecord& record) {
  std::string line = Format(record);
  line += '\n';
  std::lock_guard lock(mutex_);
  pending_ += line;
}

void AccessLog::FlushLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; });
    std::string lines;
    lines.swap(pending_);
    const bool stop = stopping_;
    lock.unlock();
    if (!lines.empty()) {
      std::fwrite(lines.data(), 1, lines.size(), file_);
      std::fflush(file_);
    }
    if (stop) return;
    lock.lock();
  }
}

}  // namespace agora::observability
