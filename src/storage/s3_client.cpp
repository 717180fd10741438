#include "storage/s3_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>
#include <random>
#include <thread>

#include "common/hash.h"

namespace agora::storage {
namespace {

constexpr const char* kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr const char* kSha256Metadata = "x-amz-meta-sha256";
constexpr size_t kMaxReplyBody = 1 << 20;       // error documents and listings; larger is cut
constexpr size_t kReaderBuffer = 256 * 1024;    // what a GET may hold before curl is paused
constexpr uint64_t kMaxParts = 10000;           // S3's limit per multipart upload
constexpr uint64_t kMinPartSize = 5ull << 20;   // S3's minimum for every part but the last

void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool RetryableCurl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

bool RetryableStatus(long status) { return (status >= 500 && status != 501) || status == 429; }

bool Successful(long status) { return status >= 200 && status < 300; }

// The error document S3 sends with a refusal: <Error><Code>..</Code><Message>..</Message></Error>.
std::pair<std::string, std::string> ErrorCodeAndMessage(const std::string& body) {
  pugi::xml_document doc;
  if (body.empty() || !doc.load_buffer(body.data(), body.size())) return {};
  const pugi::xml_node error = doc.child("Error");
  return {error.child_value("Code"), error.child_value("Message")};
}

// Reads [offset, offset + length) of a local file, SHA-256 in hex.
Result<std::string> Sha256OfFileRange(const std::string& path, uint64_t offset, uint64_t length) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  Hasher hasher(DigestAlgorithm::kSha256);
  std::string buffer(256 * 1024, '\0');
  while (length > 0) {
    const ssize_t n = ::pread(fd, buffer.data(), std::min<uint64_t>(buffer.size(), length), static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return Status::IOError("cannot read " + path);
    }
    hasher.Update(buffer.data(), static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
    length -= static_cast<uint64_t>(n);
  }
  ::close(fd);
  return hasher.Finish();
}

bool ValidBucketName(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name)
    if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '.')
      return false;
  return std::isalnum(static_cast<unsigned char>(name.front())) && std::isalnum(static_cast<unsigned char>(name.back()));
}

}  // namespace

struct S3Client::Call {
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  Call(std::string method, std::string key, Pairs query = {}, Pairs headers = {})
      : method(std::move(method)), key(std::move(key)), query(std::move(query)), headers(std::move(headers)) {}

  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string key;     // empty: the bucket itself
  Pairs query;
  Pairs headers;  // more signed headers (range)
  std::string payload_sha256 = kUnsignedPayload;
  std::string body;  // a POST's body
  std::string file;  // a PUT's body: [file_offset, file_offset + file_length) of this local file
  uint64_t file_offset = 0;
  uint64_t file_length = 0;
  std::string what;  // "PUT KEY", for messages
};

struct S3Client::Reply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercase names, of the final response
};

// One curl easy handle with what a request in flight needs around it. Handles go back to the
// client's pool after each request, so connections are kept alive between requests.
class S3Client::Handle {
 public:
  Handle() : easy(curl_easy_init()) {}
  ~Handle() {
    Clear();
    curl_easy_cleanup(easy);
  }
  void Clear() {
    if (headers) curl_slist_free_all(headers);
    headers = nullptr;
    if (fd >= 0) ::close(fd);
    fd = -1;
    reply = Reply{};
    error[0] = '\0';
  }
  std::string Error(CURLcode code) const { return error[0] ? std::string(error) : curl_easy_strerror(code); }

  static size_t OnHeader(char* data, size_t size, size_t count, void* self) {
    auto& reply = static_cast<Handle*>(self)->reply;
    std::string line(data, size * count);
    if (line.rfind("HTTP/", 0) == 0) reply.headers.clear();  // a new response (after a 100 Continue)
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      const auto first = value.find_first_not_of(" \t");
      const auto last = value.find_last_not_of(" \t\r\n");
      reply.headers[name] = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    }
    return size * count;
  }
  static size_t OnBody(char* data, size_t size, size_t count, void* self) {
    auto& body = static_cast<Handle*>(self)->reply.body;
    body.append(data, std::min(size * count, kMaxReplyBody - std::min(body.size(), kMaxReplyBody)));
    return size * count;
  }
  static size_t OnUpload(char* buffer, size_t size, size_t count, void* self) {
    auto* handle = static_cast<Handle*>(self);
    const size_t want = static_cast<size_t>(std::min<uint64_t>(size * count, handle->upload_left));
    if (want == 0) return 0;
    ssize_t n;
    do {
      n = ::pread(handle->fd, buffer, want, static_cast<off_t>(handle->upload_offset));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) return CURL_READFUNC_ABORT;  // the local file shrank or failed: curl reports a read error
    handle->upload_offset += static_cast<uint64_t>(n);
    handle->upload_left -= static_cast<uint64_t>(n);
    return static_cast<size_t>(n);
  }

  CURL* easy;
  curl_slist* headers = nullptr;
  int fd = -1;
  uint64_t upload_offset = 0;
  uint64_t upload_left = 0;
  Reply reply;
  char error[CURL_ERROR_SIZE] = {};
};

// A GET read through a bounded buffer: curl runs on a multi handle driven by Read, and is paused
// while the buffer is full, so a slow reader (a client downloading slowly) holds at most
// kReaderBuffer bytes. A transfer that breaks off is resumed with a Range from where it stopped.
class S3ObjectReader final : public SequentialFile {
 public:
  S3ObjectReader(S3Client& client, std::string key, uint64_t offset, uint64_t length, std::string expected_sha256)
      : client_(client), key_(std::move(key)), first_(offset), position_(offset),
        end_(length == UINT64_MAX || UINT64_MAX - offset < length ? UINT64_MAX : offset + length),
        expected_sha256_(std::move(expected_sha256)), handle_(client.Acquire()), multi_(curl_multi_init()) {}

  ~S3ObjectReader() override {
    Detach();
    client_.Release(std::move(handle_));
    curl_multi_cleanup(multi_);
  }

  // Makes the request, with retries, and waits for its status.
  Status Connect() {
    for (int attempt = 1;; ++attempt) {
      bool retryable = false;
      Status st = ConnectOnce(retryable);
      if (st.ok() || !retryable || attempt >= client_.options_.max_attempts) return st;
      client_.Backoff(attempt);
    }
  }

  Result<size_t> Read(char* out, size_t n) override {
    while (pos_ == buffer_.size()) {
      if (position_ >= end_) return size_t{0};
      if (!finished_) {
        AGORA_RETURN_IF_ERROR(Pump());
        continue;
      }
      // The transfer ended before the range did: resume from here.
      if (++breaks_ >= client_.options_.max_attempts)
        return Status::Unavailable("S3 " + client_.Describe() + ": reading " + key_ + " broke off at byte " +
                                   std::to_string(position_) + " (" + handle_->Error(result_) + ")");
      client_.Backoff(breaks_);
      AGORA_RETURN_IF_ERROR(Connect());
    }
    // A server that ignores the Range of a read from the start sends more than was asked.
    const size_t count = static_cast<size_t>(std::min<uint64_t>(std::min(n, buffer_.size() - pos_), end_ - position_));
    if (verifier_) {
      verifier_->Update(buffer_.data() + pos_, count);
      if (position_ + count == end_) {
        const std::string actual = verifier_->Finish();
        verifier_.reset();
        if (actual != expected_sha256_)
          return Status::Corruption("S3 " + client_.Describe() + ": " + key_ + " holds content whose SHA-256 is " +
                                    actual + ", not " + expected_sha256_);
      }
    }
    std::memcpy(out, buffer_.data() + pos_, count);
    pos_ += count;
    position_ += count;
    return count;
  }

 private:
  Status ConnectOnce(bool& retryable) {
    Detach();
    buffer_.clear();
    pos_ = 0;
    finished_ = false;
    result_ = CURLE_OK;
    S3Client::Call call{"GET", key_};
    call.what = "GET " + key_;
    // A whole object is asked without a Range: S3 refuses "bytes=0-" on an empty object.
    if (position_ > 0 || end_ != UINT64_MAX)
      call.headers.emplace_back("range", "bytes=" + std::to_string(position_) + "-" +
                                             (end_ == UINT64_MAX ? "" : std::to_string(end_ - 1)));
    client_.Prepare(call, *handle_);
    curl_easy_setopt(handle_->easy, CURLOPT_WRITEFUNCTION, &S3ObjectReader::OnData);
    curl_easy_setopt(handle_->easy, CURLOPT_WRITEDATA, this);
    curl_multi_add_handle(multi_, handle_->easy);
    attached_ = true;
    while (!finished_ && pos_ == buffer_.size()) AGORA_RETURN_IF_ERROR(Pump());
    long status = 0;
    curl_easy_getinfo(handle_->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status == 0 || (finished_ && result_ != CURLE_OK && Successful(status) && pos_ == buffer_.size())) {
      retryable = finished_ && (result_ == CURLE_OK || RetryableCurl(result_));
      return Status::Unavailable("cannot reach S3 " + client_.Describe() + " for GET " + key_ + ": " +
                                 handle_->Error(result_));
    }
    if (!Successful(status)) {
      while (!finished_) AGORA_RETURN_IF_ERROR(Pump());  // the error document
      handle_->reply.status = status;
      handle_->reply.body = std::move(error_body_);
      retryable = RetryableStatus(status);
      return client_.ErrorOf(handle_->reply, call.what);
    }
    if (status == 200 && position_ > 0)
      return Status::IOError("S3 " + client_.Describe() + " ignored the Range of GET " + key_);
    if (!expected_sha256_.empty()) {
      auto recorded = handle_->reply.headers.find(kSha256Metadata);
      if (recorded == handle_->reply.headers.end()) return Status::NotFound("S3 has no whole object for GET " + key_);
      if (recorded->second != expected_sha256_)
        return Status::Corruption("S3 " + client_.Describe() + ": " + key_ + " was stored with SHA-256 " +
                                  recorded->second + ", not " + expected_sha256_);
    }
    if (!object_size_) {
      // The object's size comes with the answer: "Content-Range: bytes A-B/SIZE", or Content-Length.
      const auto& headers = handle_->reply.headers;
      auto range = headers.find("content-range");
      auto length = headers.find("content-length");
      if (range != headers.end() && range->second.find('/') != std::string::npos)
        object_size_ = std::strtoull(range->second.c_str() + range->second.find('/') + 1, nullptr, 10);
      else if (length != headers.end() && status == 200)
        object_size_ = std::strtoull(length->second.c_str(), nullptr, 10);
      else
        return Status::IOError("S3 " + client_.Describe() + " gave no size for GET " + key_);
      end_ = std::min(end_, *object_size_);
      if (!expected_sha256_.empty() && first_ == 0 && end_ == *object_size_) verifier_.emplace(DigestAlgorithm::kSha256);
    }
    return Status::Ok();
  }

  // Moves the transfer on: delivers what has arrived, or waits up to a second for more.
  Status Pump() {
    if (paused_) {
      paused_ = false;
      curl_easy_pause(handle_->easy, CURLPAUSE_CONT);  // may deliver held data at once
    }
    int running = 0;
    if (curl_multi_perform(multi_, &running) != CURLM_OK) return Status::Internal("curl_multi_perform failed");
    int queued = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &queued)) {
      if (message->msg != CURLMSG_DONE) continue;
      finished_ = true;
      result_ = message->data.result;
    }
    if (!finished_ && pos_ == buffer_.size() && !paused_) curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
    return Status::Ok();
  }

  static size_t OnData(char* data, size_t size, size_t count, void* self) {
    auto* reader = static_cast<S3ObjectReader*>(self);
    const size_t n = size * count;
    long status = 0;
    curl_easy_getinfo(reader->handle_->easy, CURLINFO_RESPONSE_CODE, &status);
    if (!Successful(status)) {
      reader->error_body_.append(data, std::min(n, kMaxReplyBody - std::min(reader->error_body_.size(), kMaxReplyBody)));
      return n;
    }
    std::string& buffer = reader->buffer_;
    if (reader->pos_ < buffer.size() && buffer.size() - reader->pos_ + n > kReaderBuffer) {
      reader->paused_ = true;
      return CURL_WRITEFUNC_PAUSE;  // curl hands the same bytes again after the pause
    }
    buffer.erase(0, reader->pos_);
    reader->pos_ = 0;
    buffer.append(data, n);
    if (n > 0) reader->breaks_ = 0;  // progress: a later break gets its own retries
    return n;
  }

  void Detach() {
    if (attached_) curl_multi_remove_handle(multi_, handle_->easy);
    attached_ = false;
    paused_ = false;
  }

  S3Client& client_;
  const std::string key_;
  const uint64_t first_;  // where the read started
  uint64_t position_;     // the object offset of the next byte Read returns
  uint64_t end_;          // one past the last byte to read
  std::optional<uint64_t> object_size_;  // from the first answer
  const std::string expected_sha256_;
  std::optional<Hasher> verifier_;  // while a whole-object read is being checked
  std::unique_ptr<S3Client::Handle> handle_;
  CURLM* multi_;
  bool attached_ = false;
  bool paused_ = false;
  bool finished_ = false;
  CURLcode result_ = CURLE_OK;
  int breaks_ = 0;
  std::string buffer_;  // received bytes; [pos_, size) not yet read
  size_t pos_ = 0;
  std::string error_body_;
};

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  InitCurlOnce();
  if (!ValidBucketName(options.bucket))
    return Status::InvalidArgument("INVALID_S3_BUCKET", "not an S3 bucket name: '" + options.bucket +
                                                            "' (3 to 63 lowercase letters, digits, '-' and '.')");
  if (options.region.empty() || options.region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
    return Status::InvalidArgument("INVALID_S3_REGION", "not an S3 region: '" + options.region + "'");
  if (options.credentials.access_key_id.empty() || options.credentials.secret_access_key.empty())
    return Status::InvalidArgument("MISSING_S3_CREDENTIALS", "S3 needs an access key id and a secret access key");
  if (options.part_size < kMinPartSize) options.part_size = kMinPartSize;
  if (options.multipart_threshold < options.part_size) options.multipart_threshold = options.part_size;
  if (options.max_attempts < 1) options.max_attempts = 1;
  auto client = std::unique_ptr<S3Client>(new S3Client(std::move(options)));
  const std::string& endpoint = client->options_.endpoint;
  std::string scheme = "https://", authority = "s3." + client->options_.region + ".amazonaws.com";
  if (!endpoint.empty()) {
    const auto sep = endpoint.find("://");
    scheme = sep == std::string::npos ? "" : endpoint.substr(0, sep + 3);
    authority = sep == std::string::npos ? "" : endpoint.substr(sep + 3);
    while (!authority.empty() && authority.back() == '/') authority.pop_back();
    if ((scheme != "http://" && scheme != "https://") || authority.empty() ||
        authority.find_first_of("/?#@ ") != std::string::npos)
      return Status::InvalidArgument("INVALID_S3_ENDPOINT",
                                     "an S3 endpoint is http://HOST[:PORT] or https://HOST[:PORT], got '" + endpoint + "'");
  }
  S3Client& c = *client;
  c.host_ = c.options_.path_style ? authority : c.options_.bucket + "." + authority;
  c.url_base_ = scheme + c.host_;
  c.bucket_path_ = c.options_.path_style ? "/" + c.options_.bucket : "";
  return client;
}

S3Client::S3Client(S3ClientOptions options) : options_(std::move(options)) {}
S3Client::~S3Client() = default;

std::string S3Client::Describe() const { return "bucket " + options_.bucket + " at " + url_base_; }

std::unique_ptr<S3Client::Handle> S3Client::Acquire() {
  {
    std::lock_guard lock(pool_mutex_);
    if (!pool_.empty()) {
      auto handle = std::move(pool_.back());
      pool_.pop_back();
      return handle;
    }
  }
  return std::make_unique<Handle>();
}

void S3Client::Release(std::unique_ptr<Handle> handle) {
  handle->Clear();
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < 32) pool_.push_back(std::move(handle));
}

void S3Client::Backoff(int attempt) const {
  // 100 ms, 200 ms, 400 ms, ... with full jitter, so that servers retrying together spread out.
  const int64_t cap = std::min<int64_t>(int64_t{options_.initial_backoff_ms} << std::min(attempt - 1, 16), 5000);
  thread_local std::mt19937_64 random(std::random_device{}());
  const int64_t wait = cap / 2 + static_cast<int64_t>(random() % static_cast<uint64_t>(cap / 2 + 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(wait));
}

void S3Client::Prepare(const Call& call, Handle& handle) {
  handle.Clear();
  CURL* easy = handle.easy;
  curl_easy_reset(easy);  // keeps the connection cache
  std::string path = bucket_path_ + (call.key.empty() ? "" : "/" + S3UriEncode(call.key, true));
  if (path.empty()) path = "/";
  const std::string query = S3CanonicalQuery(call.query);
  S3SignableRequest request{call.method, path, call.query,
                            {{"host", host_}, {"x-amz-content-sha256", call.payload_sha256}}, call.payload_sha256};
  for (const auto& header : call.headers) request.headers.push_back(header);
  const S3Signature signature = SignS3Request(request, options_.credentials, options_.region, std::time(nullptr));

  auto add = [&handle](const std::string& line) { handle.headers = curl_slist_append(handle.headers, line.c_str()); };
  add("Host: " + host_);
  add("x-amz-content-sha256: " + call.payload_sha256);
  add("x-amz-date: " + signature.amz_date);
  add("Authorization: " + signature.authorization);
  if (!options_.credentials.session_token.empty()) add("x-amz-security-token: " + options_.credentials.session_token);
  for (const auto& [name, value] : call.headers) add(name + ": " + value);
  add("Expect:");  // no 100-continue round trip (and no 1 s wait on servers that never answer it)
  if (call.method == "POST") add("Content-Type: application/xml");

  const std::string url = url_base_ + path + (query.empty() ? "" : "?" + query);
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, handle.headers);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "agora");
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, handle.error);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout_seconds));
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.stall_timeout_seconds));
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Handle::OnHeader);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, &handle);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Handle::OnBody);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &handle);
  if (call.method == "HEAD") {
    curl_easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (call.method == "POST") {
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.data());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.body.size()));
  } else if (call.method == "PUT") {
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.file_length));
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, &Handle::OnUpload);
    curl_easy_setopt(easy, CURLOPT_READDATA, &handle);
    if (!call.file.empty()) handle.fd = ::open(call.file.c_str(), O_RDONLY | O_CLOEXEC);
    handle.upload_offset = call.file_offset;
    handle.upload_left = call.file_length;
  } else if (call.method != "GET") {
    curl_easy_setopt(easy, CURLOPT_CUSTOMREQUEST, call.method.c_str());
  }
}

Result<S3Client::Reply> S3Client::Perform(const Call& call) {
  auto handle = Acquire();
  for (int attempt = 1;; ++attempt) {
    Prepare(call, *handle);
    if (!call.file.empty() && handle->fd < 0) {
      Release(std::move(handle));
      return Status::IOError("cannot open " + call.file + " to upload it: " + std::strerror(errno));
    }
    const CURLcode code = curl_easy_perform(handle->easy);
    long status = 0;
    if (code == CURLE_OK) curl_easy_getinfo(handle->easy, CURLINFO_RESPONSE_CODE, &status);
    const bool last = attempt >= options_.max_attempts;
    if (code == CURLE_OK && (!RetryableStatus(status) || last)) {
      Reply reply = std::move(handle->reply);
      reply.status = status;
      Release(std::move(handle));
      return reply;
    }
    if (code != CURLE_OK && (!RetryableCurl(code) || last)) {
      const std::string error = handle->Error(code) + " (curl error " + std::to_string(code) + ")";
      Release(std::move(handle));
      if (code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_READ_ERROR)
        return Status::IOError("cannot read " + call.file + " while uploading it to S3: " + error);
      return Status::Unavailable("cannot reach S3 " + Describe() + " for " + call.what + ": " + error + " (" +
                                 std::to_string(attempt) + (attempt == 1 ? " attempt)" : " attempts)"));
    }
    Backoff(attempt);
  }
}

Status S3Client::ErrorOf(const Reply& reply, const std::string& what) const {
  auto [code, message] = ErrorCodeAndMessage(reply.body);
  const std::string said = std::to_string(reply.status) + (code.empty() ? "" : " " + code) +
                           (message.empty() ? "" : ": " + message);
  if (reply.status == 404 && code == "NoSuchBucket")
    return Status::Unavailable("S3 bucket " + options_.bucket + " does not exist at " + url_base_);
  if (reply.status == 404) return Status::NotFound("S3 has no object for " + what);
  if (reply.status == 401 || reply.status == 403)
    return Status::Unavailable("S3 " + Describe() + " refused agora's credentials for " + what + " (" + said +
                               "): check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
  if (RetryableStatus(reply.status))
    return Status::Unavailable("S3 " + Describe() + " failed " + what + " (" + said + ") after " +
                               std::to_string(options_.max_attempts) + " attempts");
  return Status::IOError("S3 " + Describe() + " refused " + what + " (" + said + ")");
}

Status S3Client::CheckBucket() {
  // A listing of one key rather than HEAD: a refusal then says why (SignatureDoesNotMatch, ...).
  Call call{"GET", "", {{"max-keys", "1"}}};
  call.what = "a listing of the bucket";
  AGORA_ASSIGN_OR_RETURN(Reply reply, Perform(call));
  if (reply.status == 404) return Status::Unavailable("S3 bucket " + options_.bucket + " does not exist at " + url_base_);
  return Successful(reply.status) ? Status::Ok() : ErrorOf(reply, call.what);
}

Status S3Client::CreateBucket() {
  Call call{"PUT", ""};
  call.payload_sha256 = Sha256Hex("");
  call.what = "PUT bucket";
  AGORA_ASSIGN_OR_RETURN(Reply reply, Perform(call));
  return Successful(reply.status) ? Status::Ok() : ErrorOf(reply, call.what);
}

Result<S3ObjectInfo> S3Client::Head(const std::string& key) {
  Call call{"HEAD", key};
  call.what = "HEAD " + key;
  AGORA_ASSIGN_OR_RETURN(Reply reply, Perform(call));
  if (!Successful(reply.status)) return ErrorOf(reply, call.what);
  auto length = reply.headers.find("content-length");
  if (length == reply.headers.end()) return Status::IOError("S3 answered HEAD " + key + " without a Content-Length");
  auto sha256 = reply.headers.find(kSha256Metadata);
  return S3ObjectInfo{key, std::strtoull(length->second.c_str(), nullptr, 10),
                      sha256 == reply.headers.end() ? "" : sha256->second};
}

Status S3Client::PutFile(const std::string& key, const std::string& path, uint64_t size, const std::string& sha256) {
  if (size > options_.multipart_threshold) return PutMultipart(key, path, size, sha256);
  Call call{"PUT", key};
  call.headers.emplace_back(kSha256Metadata, sha256);
  call.payload_sha256 = sha256;
  call.file = path;
  call.file_length = size;
  call.what = "PUT " + key;
  AGORA_ASSIGN_OR_RETURN(Reply reply, Perform(call));
  return Successful(reply.status) ? Status::Ok() : ErrorOf(reply, call.what);
}

Status S3Client::PutMultipart(const std::string& key, const std::string& path, uint64_t size,
                              const std::string& sha256) {
  Call create{"POST", key, {{"uploads", ""}}, {{kSha256Metadata, sha256}}};
  create.payload_sha256 = Sha256Hex("");
  create.what = "POST " + key + "?uploads";
  AGORA_ASSIGN_OR_RETURN(Reply created, Perform(create));
  if (!Successful(created.status)) return ErrorOf(created, create.what);
  pugi::xml_document doc;
  doc.load_buffer(created.body.data(), created.body.size());
  const std::string upload_id = doc.child("InitiateMultipartUploadResult").child_value("UploadId");
  if (upload_id.empty()) return Status::IOError("S3 " + Describe() + " started no multipart upload for " + key);

  // An upload that fails is abandoned: its parts never form an object. Aborting frees them on S3
  // (servers that cannot abort, such as s3rver, keep them invisible until they expire).
  auto abandon = [&](Status why) {
    Call abort{"DELETE", key, {{"uploadId", upload_id}}};
    abort.what = "DELETE " + key + "?uploadId";
    (void)Perform(abort);
    return why;
  };
  const uint64_t part_size = std::max(options_.part_size, (size + kMaxParts - 1) / kMaxParts);
  std::string complete = "<CompleteMultipartUpload>";
  int number = 1;
  for (uint64_t offset = 0; offset < size; offset += part_size, ++number) {
    Call part{"PUT", key, {{"partNumber", std::to_string(number)}, {"uploadId", upload_id}}};
    part.file = path;
    part.file_offset = offset;
    part.file_length = std::min(part_size, size - offset);
    part.what = "PUT " + key + " part " + std::to_string(number);
    auto sha = Sha256OfFileRange(path, part.file_offset, part.file_length);
    if (!sha.ok()) return abandon(sha.status());
    part.payload_sha256 = *sha;
    auto reply = Perform(part);
    if (!reply.ok()) return abandon(reply.status());
    if (!Successful(reply->status)) return abandon(ErrorOf(*reply, part.what));
    auto etag = reply->headers.find("etag");
    if (etag == reply->headers.end()) return abandon(Status::IOError("S3 gave no ETag for " + part.what));
    complete += "<Part><PartNumber>" + std::to_string(number) + "</PartNumber><ETag>" + etag->second + "</ETag></Part>";
  }
  complete += "</CompleteMultipartUpload>";
  Call finish{"POST", key, {{"uploadId", upload_id}}};
  finish.payload_sha256 = Sha256Hex(complete);
  finish.body = complete;
  finish.what = "POST " + key + "?uploadId";
  auto reply = Perform(finish);
  if (!reply.ok()) return abandon(reply.status());
  // S3 may answer 200 and still fail the completion, in an <Error> document.
  if (!Successful(reply->status) || !ErrorCodeAndMessage(reply->body).first.empty())
    return abandon(ErrorOf(Reply{Successful(reply->status) ? 500 : reply->status, reply->body, {}}, finish.what));
  return Status::Ok();
}

Result<std::unique_ptr<SequentialFile>> S3Client::Get(const std::string& key, uint64_t offset, uint64_t length,
                                                      const std::string& expected_sha256) {
  if (length == 0) {
    AGORA_RETURN_IF_ERROR(Head(key).status());
    return std::unique_ptr<SequentialFile>(std::make_unique<S3ObjectReader>(*this, key, offset, 0, ""));
  }
  auto reader = std::make_unique<S3ObjectReader>(*this, key, offset, length, expected_sha256);
  AGORA_RETURN_IF_ERROR(reader->Connect());
  return std::unique_ptr<SequentialFile>(std::move(reader));
}

Status S3Client::Delete(const std::string& key) {
  Call call{"DELETE", key};
  call.what = "DELETE " + key;
  AGORA_ASSIGN_OR_RETURN(Reply reply, Perform(call));
  return Successful(reply.status) || reply.status == 404 ? Status::Ok() : ErrorOf(reply, call.what);
}

Result<std::vector<S3ObjectInfo>> S3Client::List(const std::string& prefix) {
  // ListObjects (version 1) with markers: every S3 implementation has it, while s3rver fails any
  // truncated ListObjectsV2 (its continuation tokens use DES, which Node 20's OpenSSL 3 lacks).
  std::vector<S3ObjectInfo> objects;
  std::string marker;
  while (true) {
    Call call{"GET", "", {{"prefix", prefix}}};
    if (!marker.empty()) call.query.emplace_back("marker", marker);
    call.what = "a listing of " + prefix;
    AGORA_ASSIGN_OR_RETURN(Reply reply, Perform(call));
    if (!Successful(reply.status)) return ErrorOf(reply, call.what);
    pugi::xml_document doc;
    if (!doc.load_buffer(reply.body.data(), reply.body.size()))
      return Status::IOError("S3 " + Describe() + " sent a listing that is not XML");
    const pugi::xml_node result = doc.child("ListBucketResult");
    for (pugi::xml_node entry : result.children("Contents"))
      objects.push_back(S3ObjectInfo{entry.child_value("Key"), std::strtoull(entry.child_value("Size"), nullptr, 10), ""});
    if (std::string(result.child_value("IsTruncated")) != "true" || objects.empty()) return objects;
    marker = objects.back().key;  // without a delimiter there is no NextMarker: the last key is
  }
}

}  // namespace agora::storage
