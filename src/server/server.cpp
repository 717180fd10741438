#include "server/server.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#if defined(BOOST_USE_ASAN)
#include <sanitizer/asan_interface.h>
#endif
#include <boost/url.hpp>
#include <cerrno>
#include <cstring>
#include <condition_variable>
#include <cstdio>
#include <list>
#include <mutex>
#include <thread>
#include <type_traits>

namespace agora::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kFileChunk = 256 * 1024;         // read/write loop buffer when sendfile is not possible
constexpr size_t kSendfileChunk = 16 << 20;       // bytes per sendfile(2) call
constexpr uint64_t kDrainLimit = 64 * 1024;       // unread body we still read to keep a connection
constexpr size_t kReadBuffer = 256 * 1024;        // the connection's socket read buffer
constexpr size_t kCoroutineStack = 8 << 20;       // like a thread's; handlers parse YAML, XML, zips
constexpr uint64_t kLingerBytes = 64 << 20;       // input discarded before closing with unread data
constexpr uint64_t kYieldBytes = 8 << 20;         // body bytes read without yielding, at most
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr auto kForcedCloseGrace = std::chrono::seconds(2);
constexpr auto kDeadlineSweep = std::chrono::milliseconds(250);  // how late a timeout may be noticed

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Log(const std::string& message) { std::fprintf(stderr, "agora server: %s\n", message.c_str()); }

#if defined(BOOST_USE_ASAN)
// Sanitizer builds: a new stack may reuse the addresses of one that ended, whose frames' ASan
// poison would otherwise outlive it and make clean code look like an overflow; each stack is
// unpoisoned when handed out and when given back.
class CoroutineStackAllocator {
 public:
  explicit CoroutineStackAllocator(size_t size) : base_(size) {}
  boost::context::stack_context allocate() {
    boost::context::stack_context stack = base_.allocate();
    Unpoison(stack);
    return stack;
  }
  void deallocate(boost::context::stack_context& stack) noexcept {
    Unpoison(stack);
    base_.deallocate(stack);
  }

 private:
  static void Unpoison(const boost::context::stack_context& stack) {
    __asan_unpoison_memory_region(static_cast<char*>(stack.sp) - stack.size, stack.size);
  }
  boost::context::protected_fixedsize_stack base_;
};
#else
using CoroutineStackAllocator = boost::context::protected_fixedsize_stack;
#endif

// The stack each connection coroutine runs on: guard-paged, committed lazily by the kernel.
CoroutineStackAllocator CoroutineStack() { return CoroutineStackAllocator(kCoroutineStack); }

// Completion of a spawned coroutine: an escaped exception is logged, never rethrown into run().
void LogEscapedException(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    Log(std::string("connection failed: ") + e.what());
  } catch (...) {
    Log("connection failed with a non-standard exception");
  }
}

// What Stop and the deadline sweep need to know of a connection: whether it is between
// requests, when its pending I/O times out, and how to cancel that I/O. `close` and `timed_out`
// are only used on the connection's strand.
struct ConnectionState {
  explicit ConnectionState(asio::any_io_executor strand) : strand(std::move(strand)) {}
  asio::any_io_executor strand;  // the connection's strand: its coroutine runs there
  std::atomic<bool> busy{false};
  std::atomic<int64_t> deadline_millis{0};  // steady clock; 0 while no I/O is pending
  bool timed_out = false;                   // the sweep cancelled the I/O
  // Set when Stop closes busy connections (the drain timeout passed): a body read that would not
  // yield (the data is already there) must still end, or a fast upload would outlast the timeout.
  std::atomic<bool> closing{false};
  std::function<void()> close;
};

// Whether a Host header is a host with an optional port (RFC 9110, 7.2), or absent (HTTP/1.0):
// links in answers are built from it, so nothing else may reach them.
bool IsValidHost(std::string_view host) {
  if (host.empty()) return true;
  const auto authority = boost::urls::parse_authority(host);
  return authority && !authority->has_userinfo() && !authority->encoded_host().empty();
}

// Decodes the request target into path and query; false if it is not a valid origin-form
// target or a path segment decodes to a '/' or NUL (which would change what the path means).
bool DecodeTarget(std::string_view target, Request& request) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  std::string path;
  path.reserve(target.size());
  for (const auto segment : parsed->encoded_segments()) {
    path += '/';
    // Most segments have nothing to decode: they are copied as they are.
    if (segment.find('%') == std::string_view::npos) {
      path.append(segment.data(), segment.size());
      continue;
    }
    const std::string decoded = segment.decode();
    if (decoded.find('/') != std::string::npos || decoded.find('\0') != std::string::npos) return false;
    path += decoded;
  }
  request.path_ = path.empty() ? "/" : std::move(path);
  if (parsed->has_query())
    for (const auto param : parsed->params()) request.query_.emplace_back(param.key, param.value);
  return true;
}

bool IsDisconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == http::error::partial_message ||
         ec == asio::error::operation_aborted || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe || ec == asio::ssl::error::stream_truncated;
}

// 1xx, 204 and 304 responses never carry a body nor a Content-Length.
bool StatusForbidsBody(int status) { return status < 200 || status == 204 || status == 304; }

// Header values come from handlers; CR and LF would let them forge headers.
std::string HeaderSafe(std::string value) {
  std::replace_if(value.begin(), value.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return value;
}

// A handler's reason phrase as the status line may carry it (RFC 9112: tabs, spaces and visible
// characters): other bytes become spaces, and it is cut at a length clients print in one line.
std::string ReasonSafe(std::string_view reason) {
  constexpr size_t kMaxReason = 400;
  std::string safe(reason.substr(0, kMaxReason));
  std::replace_if(safe.begin(), safe.end(), [](char c) { return c != '\t' && (c < 0x20 || c > 0x7e); }, ' ');
  return safe;
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

template <class Stream>
class Connection;

// A request refused before it could be read (malformed, headers too large): it has no body.
class RefusedRequest : public Request {
 public:
  Result<size_t> ReadBody(char*, size_t) override { return size_t{0}; }
};

// The Request a handler sees: the body is read from the socket on demand.
template <class Stream>
class StreamingRequest : public Request {
 public:
  explicit StreamingRequest(Connection<Stream>& connection) : connection_(connection) {}
  Result<size_t> ReadBody(char* buf, size_t n) override { return connection_.ReadBody(buf, n); }

 private:
  Connection<Stream>& connection_;
};

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Serves the requests of one connection, in order, on the connection's coroutine. Every read
// and write yields the coroutine; only the handler itself may block the thread.
template <class Stream>
class Connection {
 public:
  Connection(Stream& stream, const ServerOptions& options, const Router& router, ConnectionState& state,
             const std::atomic<bool>& stopping, const std::atomic<bool>& closing, asio::yield_context yield)
      : stream_(stream), options_(options), router_(router), state_(state), stopping_(stopping), closing_(closing),
        yield_(yield) {
    // Beast reads the socket in pieces no larger than this buffer's free capacity: a large buffer
    // makes body reads tens of KiB at a time instead of a few hundred bytes.
    buffer_.reserve(kReadBuffer);
  }

  // Serves requests until the client, an error, a limit or Stop ends the connection.
  void Run() {
    while (ServeOne()) {
    }
  }

  // True when the client may still be sending a request we did not read: closing at once could
  // reset the connection and lose our response, so the caller should linger first.
  bool left_input_unread() const { return left_input_unread_; }

  Result<size_t> ReadBody(char* buf, size_t n) {
    if (body_error_) return *body_error_;
    if (state_.closing) return Fail(Status::Unavailable("The server is stopping"));
    auto& parser = *parser_;
    if (BodyDone() || n == 0) return size_t{0};
    if (parser.content_length() && *parser.content_length() > options_.max_body_bytes) return Fail(TooLarge());
    if (!SendContinueOnce()) return Fail(Status::IOError("The connection failed before the request body"));
    if (length_body_left_) return ReadLengthBody(buf, n);
    while (true) {
      parser.get().body().data = buf;
      parser.get().body().size = n;
      Expect(options_.body_idle_timeout_seconds);
      beast::error_code ec;
      http::async_read_some(stream_, buffer_, parser, yield_[ec]);
      ec = Settle(ec);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return Fail(BodyReadFailure(ec, std::nullopt));
      const size_t got = n - parser.get().body().size;
      body_bytes_ += got;
      if (body_bytes_ > options_.max_body_bytes) return Fail(TooLarge());
      if (got > 0 || parser.is_done()) return got;
    }
  }

 private:
  using Parser = http::request_parser<http::buffer_body>;

  beast::tcp_stream& LowestLayer() { return beast::get_lowest_layer(stream_); }

  // Sets the deadline of the I/O about to start. The server's deadline sweep enforces it, not a
  // timer per operation: arming and cancelling the stream's timers around every read and write
  // cost more than the rest of answering a cached GET.
  void Expect(int seconds) {
    state_.timed_out = false;  // a sweep that came after the last I/O had finished cancelled nothing
    state_.deadline_millis.store(SteadyMillis() + int64_t{seconds} * 1000, std::memory_order_relaxed);
  }

  // Clears the deadline once the I/O is over; I/O the sweep cancelled reports a timeout.
  beast::error_code Settle(beast::error_code ec) {
    state_.deadline_millis.store(0, std::memory_order_relaxed);
    if (ec == asio::error::operation_aborted && state_.timed_out) return beast::error::timeout;
    return ec;
  }

  bool BodyDone() const { return length_body_left_ ? *length_body_left_ == 0 : parser_->is_done(); }

  // A Content-Length body bypasses Beast's parser, which would copy every byte through its own
  // buffer and allow a read of at most 64 KiB per hand-off: first what arrived with the header,
  // then straight from the socket into the handler's buffer, never past the body's end (the next
  // request stays in the socket). On a plain socket data already received is taken without
  // yielding; the coroutine waits, under the body idle timeout, only when none is there.
  Result<size_t> ReadLengthBody(char* buf, size_t n) {
    uint64_t& left = *length_body_left_;
    n = static_cast<size_t>(std::min<uint64_t>(n, left));
    size_t got = 0;
    if (buffer_.size() > 0) {
      got = asio::buffer_copy(asio::buffer(buf, n), buffer_.data());
      buffer_.consume(got);
    } else {
      AGORA_ASSIGN_OR_RETURN(got, ReceiveReady(buf, n));
      if (got == 0) {
        Expect(options_.body_idle_timeout_seconds);
        beast::error_code ec;
        got = stream_.async_read_some(asio::buffer(buf, n), yield_[ec]);
        ec = Settle(ec);
        unyielded_bytes_ = 0;
        if (ec) return Fail(BodyReadFailure(ec, left));
      }
    }
    left -= got;
    body_bytes_ += got;
    // Reads that find data waiting never yield: let the thread serve other connections now and
    // then, as a read that waited would have.
    if ((unyielded_bytes_ += got) >= kYieldBytes) {
      unyielded_bytes_ = 0;
      asio::post(yield_);
    }
    return got;
  }

  // What the socket already holds, up to n bytes, without waiting: 0 if nothing (or over TLS,
  // whose records only the stream can decode).
  Result<size_t> ReceiveReady(char* buf, size_t n) {
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      while (true) {
        const ssize_t got = ::recv(LowestLayer().socket().native_handle(), buf, n, MSG_DONTWAIT);
        if (got > 0) return static_cast<size_t>(got);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
          return Fail(BodyReadFailure(beast::error_code(errno, boost::system::system_category()), left_to_read()));
        return size_t{0};  // nothing yet, or the client closed: the asynchronous read tells which
      }
    } else {
      return size_t{0};
    }
  }

  // A body that could not be read is the client's doing, never the server's: a malformed chunked
  // body is a 400, one that stopped arriving a 408, one cut short by the client (`left` bytes
  // before its declared end, when it declared one) a 400.
  Status BodyReadFailure(const beast::error_code& ec, std::optional<uint64_t> left) const {
    if (ec == beast::error::timeout)
      return Status::RequestTimeout("No request body data arrived for " +
                                    std::to_string(options_.body_idle_timeout_seconds) + " seconds");
    if (ec.category() == http::make_error_code(http::error::bad_chunk).category() && ec != http::error::partial_message &&
        ec != http::error::end_of_stream)
      return Status::InvalidArgument("INVALID_REQUEST_BODY", "The request body is malformed: " + ec.message());
    return Status::InvalidArgument(
        "INCOMPLETE_REQUEST_BODY",
        left ? "The client closed the connection " + std::to_string(*left) + " bytes before the end of the request body"
             : "The connection ended before the end of the request body: " + ec.message());
  }

  std::optional<uint64_t> left_to_read() const {
    return length_body_left_ ? std::optional<uint64_t>(*length_body_left_) : std::nullopt;
  }

  Status TooLarge() const {
    return Status::PayloadTooLarge("The request body exceeds the server's limit of " +
                                   std::to_string(options_.max_body_bytes) + " bytes");
  }

  Result<size_t> Fail(Status status) {
    body_error_ = status;
    keep_alive_ = false;
    return status;
  }

  // "100 Continue" is sent only once the handler wants the body, so a request refused on its
  // headers alone costs the client no upload.
  bool SendContinueOnce() {
    if (!expect_continue_ || continue_sent_) return true;
    continue_sent_ = true;
    http::response<http::empty_body> proceed{http::status::continue_, 11};
    Expect(options_.body_idle_timeout_seconds);
    beast::error_code ec;
    http::async_write(stream_, proceed, yield_[ec]);
    return !Settle(ec);
  }

  // Reads and answers one request; false when the connection should close.
  bool ServeOne() {
    Parser parser;
    parser_ = &parser;
    parser.header_limit(options_.max_header_bytes);
    parser.body_limit(boost::none);  // enforced in ReadBody, so the handler answers 413 itself
    state_.busy = false;
    // Checked after `busy` is cleared: Stop's idle sweep runs on this strand, so either it sees
    // this connection idle and cancels the read below, or the read never starts.
    if (stopping_) return false;
    Expect(first_request_ ? options_.header_timeout_seconds : options_.keep_alive_timeout_seconds);
    beast::error_code ec;
    http::async_read_header(stream_, buffer_, parser, yield_[ec]);
    ec = Settle(ec);
    state_.busy = true;
    first_request_ = false;
    if (ec == http::error::header_limit)
      return Reject(Status::HeadersTooLarge("The request headers exceed " + std::to_string(options_.max_header_bytes) +
                                            " bytes"));
    if (IsDisconnect(ec)) return false;
    if (ec) return Reject(Status::InvalidArgument("BAD_REQUEST", "Malformed HTTP request: " + ec.message()));
    return Answer(parser);
  }

  bool Answer(Parser& parser) {
    auto& message = parser.get();
    StreamingRequest<Stream> request(*this);
    request.method_ = std::string(message.method_string());
    request.target_ = std::string(message.target());
    for (const auto& field : message) request.headers_.emplace(field.name_string(), field.value());
    request.remote_address_ = RemoteAddress();
    request.secure_ = std::is_same_v<Stream, TlsStream>;
    if (parser.content_length()) request.content_length_ = *parser.content_length();
    const bool head = message.method() == http::verb::head;
    expect_continue_ = message.version() >= 11 && beast::iequals(message[http::field::expect], "100-continue");
    continue_sent_ = false;
    body_error_.reset();
    body_bytes_ = 0;
    length_body_left_.reset();
    if (parser.content_length() && !parser.chunked() && !parser.is_done()) length_body_left_ = *parser.content_length();
    keep_alive_ = message.keep_alive() && !stopping_;
    if (!DecodeTarget(message.target(), request))
      return Reject(Status::InvalidArgument("BAD_REQUEST", "Invalid request target: bad percent-encoding, or an "
                                                           "encoded '/' or NUL in a path segment"),
                    request);
    if (message.count(http::field::host) > 1 || !IsValidHost(message[http::field::host]))
      return Reject(Status::InvalidArgument("INVALID_HOST", "The Host header must name one host, with an optional port"),
                    request);
    Response response = router_.Dispatch(request);
    if (!BodyDone() && !DrainBody(parser)) {
      keep_alive_ = false;
      left_input_unread_ = true;
    }
    if (stopping_ || closing_) keep_alive_ = false;  // tell the client this connection ends with this answer
    const bool written = Write(std::move(response), head);
    router_.Done(request, written_status_, bytes_written_);
    return written && keep_alive_;
  }

  // Reads what the handler left of the body, if it is small, so the connection can be reused.
  bool DrainBody(Parser& parser) {
    if (body_error_) return false;
    if (expect_continue_ && !continue_sent_) return false;  // the client is still waiting to send it
    if (parser.content_length() && *parser.content_length() - body_bytes_ > kDrainLimit) return false;
    char scratch[8192];
    uint64_t drained = 0;
    while (!BodyDone()) {
      auto n = ReadBody(scratch, sizeof scratch);
      if (!n.ok() || (drained += *n) > kDrainLimit) return false;
    }
    return true;
  }

  // Answers a request that cannot be served and ends the connection.
  bool Reject(const Status& status) {
    RefusedRequest request;
    request.method_ = request.target_ = "-";
    request.remote_address_ = RemoteAddress();
    return Reject(status, request);
  }
  bool Reject(const Status& status, Request& request) {
    keep_alive_ = false;
    left_input_unread_ = true;
    Response response = Response::Error(status);
    router_.Identify(request, response);
    Write(std::move(response), false);
    router_.Done(request, written_status_, bytes_written_);
    return false;
  }

  // The peer's address, asked of the socket once per connection.
  const std::string& RemoteAddress() {
    if (!remote_address_) {
      beast::error_code ec;
      auto endpoint = LowestLayer().socket().remote_endpoint(ec);
      remote_address_ = ec ? "" : endpoint.address().to_string();
    }
    return *remote_address_;
  }

  template <class Body>
  void AddHeaders(http::response<Body>& message, const Response& response) {
    if (!response.reason.empty()) message.reason(ReasonSafe(response.reason));
    message.set(http::field::server, "agora");
    for (const auto& [name, value] : response.headers) {
      // Framing is the server's business, not the handler's.
      if (beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
          beast::iequals(name, "connection"))
        continue;
      message.insert(HeaderSafe(name), HeaderSafe(value));
    }
    message.keep_alive(keep_alive_);
  }

  template <class Body>
  bool WriteHeaderOnly(http::response<Body>& message) {
    http::response_serializer<Body> serializer(message);
    Expect(options_.body_idle_timeout_seconds);
    beast::error_code ec;
    http::async_write_header(stream_, serializer, yield_[ec]);
    return !Settle(ec);
  }

  // Writes the response; written_status_ and bytes_written_ then say what went out.
  bool Write(Response response, bool head) {
    written_status_ = response.status;
    bytes_written_ = 0;
    if (response.file && !StatusForbidsBody(response.status)) return WriteFile(response, head);
    if (response.stream && !StatusForbidsBody(response.status)) return WriteStream(response, head);
    http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
    AddHeaders(message, response);
    if (StatusForbidsBody(response.status)) return WriteHeaderOnly(message);
    message.content_length(response.body.size());
    if (head) return WriteHeaderOnly(message);
    const uint64_t size = response.body.size();
    message.body() = std::move(response.body);
    Expect(options_.body_idle_timeout_seconds);
    beast::error_code ec;
    http::async_write(stream_, message, yield_[ec]);
    if (Settle(ec)) return false;
    bytes_written_ = size;
    return true;
  }

  bool WriteFile(const Response& response, bool head) {
    const FileBody& file = *response.file;
    FileDescriptor fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
    struct stat info {};
    if (fd.get() < 0 || ::fstat(fd.get(), &info) != 0 ||
        static_cast<uint64_t>(info.st_size) < file.offset + file.length) {
      Log("cannot serve " + file.path + ": missing or shorter than expected");
      return Write(Response::Error(Status::IOError("The stored file cannot be read")), head);
    }
    http::response<http::empty_body> message{static_cast<http::status>(response.status), 11};
    AddHeaders(message, response);
    message.content_length(file.length);
    bool ok = WriteHeaderOnly(message);
    if (ok && !head) ok = SendRange(fd.get(), file.offset, file.length);
    if (!ok) keep_alive_ = false;
    if (ok && !head) bytes_written_ = file.length;
    return ok;
  }

  // A streamed body: pulled from its source a chunk at a time, each written before the next is
  // read. A source that fails or ends early can only end the connection: the client sees a body
  // shorter than its Content-Length, never a complete-looking wrong one.
  bool WriteStream(const Response& response, bool head) {
    const StreamBody& stream = *response.stream;
    http::response<http::empty_body> message{static_cast<http::status>(response.status), 11};
    AddHeaders(message, response);
    message.content_length(stream.length);
    bool ok = WriteHeaderOnly(message);
    if (ok && !head && stream.length > 0) ok = CopyStream(*stream.source, stream.length);
    if (!ok) keep_alive_ = false;
    return ok;
  }

  bool CopyStream(BodySource& source, uint64_t length) {
    std::vector<char> chunk(kFileChunk);
    while (length > 0) {
      auto n = source.Read(chunk.data(), static_cast<size_t>(std::min<uint64_t>(chunk.size(), length)));
      if (!n.ok() || *n == 0) {
        Log("streamed body ended " + std::to_string(length) + " bytes early: " +
            (n.ok() ? std::string("end of data") : n.status().ToString()));
        return false;
      }
      Expect(options_.body_idle_timeout_seconds);
      beast::error_code ec;
      asio::async_write(stream_, asio::buffer(chunk.data(), *n), yield_[ec]);
      if (Settle(ec)) return false;
      length -= *n;
    }
    return true;
  }

  bool SendRange(int fd, uint64_t offset, uint64_t length) {
    if constexpr (std::is_same_v<Stream, PlainStream>) {
      return SendFileZeroCopy(fd, offset, length);
    } else {
      return CopyFile(fd, offset, length);
    }
  }

  // sendfile(2) on the non-blocking socket; when the socket buffer is full, the coroutine waits
  // for it to drain (bounded by the body idle timeout).
  bool SendFileZeroCopy(int fd, uint64_t offset, uint64_t length) {
    tcp::socket& socket = LowestLayer().socket();
    beast::error_code ec;
    socket.native_non_blocking(true, ec);
    if (ec) return CopyFile(fd, offset, length);
    off_t position = static_cast<off_t>(offset);
    while (length > 0) {
      const ssize_t n = ::sendfile(socket.native_handle(), fd, &position, std::min<uint64_t>(length, kSendfileChunk));
      if (n > 0) {
        length -= static_cast<uint64_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!WaitWritable(socket)) return false;
      } else {
        return false;  // the file shrank, or the connection broke
      }
    }
    return true;
  }

  bool WaitWritable(tcp::socket& socket) {
    asio::steady_timer timer(socket.get_executor(), std::chrono::seconds(options_.body_idle_timeout_seconds));
    // Runs on this connection's strand; `waiting` keeps a late expiry from cancelling a later wait.
    auto waiting = std::make_shared<bool>(true);
    timer.async_wait([&socket, waiting](const beast::error_code& ec) {
      if (!ec && *waiting) socket.cancel();
    });
    beast::error_code ec;
    socket.async_wait(tcp::socket::wait_write, yield_[ec]);
    *waiting = false;
    timer.cancel();
    return !ec;
  }

  // pread and write through the stream (TLS): at most kFileChunk bytes in memory.
  bool CopyFile(int fd, uint64_t offset, uint64_t length) {
    std::vector<char> chunk(kFileChunk);
    while (length > 0) {
      const ssize_t n = ::pread(fd, chunk.data(), std::min<uint64_t>(chunk.size(), length), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      Expect(options_.body_idle_timeout_seconds);
      beast::error_code ec;
      asio::async_write(stream_, asio::buffer(chunk.data(), static_cast<size_t>(n)), yield_[ec]);
      if (Settle(ec)) return false;
      offset += static_cast<uint64_t>(n);
      length -= static_cast<uint64_t>(n);
    }
    return true;
  }

  Stream& stream_;
  const ServerOptions& options_;
  const Router& router_;
  int written_status_ = 0;
  uint64_t bytes_written_ = 0;
  ConnectionState& state_;
  const std::atomic<bool>& stopping_;
  const std::atomic<bool>& closing_;  // see Server::EndKeepAlive
  asio::yield_context yield_;
  beast::flat_buffer buffer_;
  Parser* parser_ = nullptr;  // the current request's parser, during Answer
  bool first_request_ = true;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool keep_alive_ = true;
  bool left_input_unread_ = false;
  uint64_t body_bytes_ = 0;
  uint64_t unyielded_bytes_ = 0;  // body bytes read since the coroutine last yielded
  std::optional<uint64_t> length_body_left_;  // a Content-Length body's unread bytes (ReadLengthBody)
  std::optional<Status> body_error_;
  std::optional<std::string> remote_address_;
};

// Reads and discards what the client still sends, for a short while, after our side has shut
// down sending: closing a socket with unread input resets the connection, and the reset can
// destroy our response (a 413, say) before the client has read it.
void Linger(beast::tcp_stream& stream, asio::yield_context yield) {
  char scratch[16384];
  const auto deadline = std::chrono::steady_clock::now() + kLingerTime;
  uint64_t discarded = 0;
  while (discarded < kLingerBytes) {
    stream.expires_at(deadline);
    beast::error_code ec;
    discarded += stream.async_read_some(asio::buffer(scratch), yield[ec]);
    if (ec) return;
  }
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router) : options_(std::move(options)), router_(router) {
    // Handlers block on SQLite and fsync, so more threads than cores keep the others serving.
    if (options_.threads <= 0) options_.threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  }

  ~Impl() {
    Stop();
    Wait();
  }

  Status Start() {
    if (started_) return Status::Internal("The server was already started");
    started_ = true;
    if (NeedsTls()) AGORA_RETURN_IF_ERROR(LoadTls());
    for (const auto& endpoint : options_.endpoints) AGORA_RETURN_IF_ERROR(Listen(endpoint));
    for (size_t i = 0; i < acceptors_.size(); ++i) {
      asio::spawn(
          acceptors_[i]->get_executor(), std::allocator_arg, CoroutineStack(),
          [this, i](asio::yield_context yield) { AcceptLoop(*acceptors_[i], options_.endpoints[i].tls, yield); },
          LogEscapedException);
    }
    SweepDeadlinesLater();
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { RunThread(); });
    return Status::Ok();
  }

  std::vector<uint16_t> bound_ports() const { return ports_; }

  void EndKeepAlive() { closing_ = true; }

  void Stop() {
    std::lock_guard lock(stop_mutex_);
    if (stopping_.exchange(true)) return;
    drainer_ = std::thread([this] { Drain(); });
  }

  void Wait() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    std::lock_guard lock(stop_mutex_);
    if (drainer_.joinable()) drainer_.join();
  }

 private:
  // Unregisters a connection however its coroutine ends (including forced unwinding when the
  // io_context is destroyed with the coroutine still suspended).
  class Registration {
   public:
    Registration(Impl& impl, std::shared_ptr<ConnectionState> state) : impl_(impl), state_(std::move(state)) {}
    ~Registration() { impl_.Unregister(state_); }
    ConnectionState& state() { return *state_; }

   private:
    Impl& impl_;
    std::shared_ptr<ConnectionState> state_;
  };

  bool NeedsTls() const {
    return std::any_of(options_.endpoints.begin(), options_.endpoints.end(), [](const auto& e) { return e.tls; });
  }

  Status LoadTls() {
    beast::error_code ec;
    tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1,
                     ec);
    if (!ec) tls_.use_certificate_chain_file(options_.tls_certificate_file, ec);
    if (!ec) tls_.use_private_key_file(options_.tls_private_key_file, asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("INVALID_TLS", "Cannot load the TLS certificate or key: " + ec.message());
    return Status::Ok();
  }

  Status Listen(const ListenEndpoint& endpoint) {
    const std::string where = endpoint.host + ":" + std::to_string(endpoint.port);
    beast::error_code ec;
    const auto address = asio::ip::make_address(endpoint.host, ec);
    if (ec) return Status::InvalidArgument("INVALID_LISTEN_ADDRESS", "Invalid listen address '" + endpoint.host + "'");
    // Each acceptor has its own strand so that Stop can close it without racing its accept loop.
    auto acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(io_));
    const tcp::endpoint ep(address, endpoint.port);
    acceptor->open(ep.protocol(), ec);
    if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor->bind(ep, ec);
    if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
    tcp::endpoint bound;
    if (!ec) bound = acceptor->local_endpoint(ec);
    if (ec) return Status::IOError("Cannot listen on " + where + ": " + ec.message());
    ports_.push_back(bound.port());
    acceptors_.push_back(std::move(acceptor));
    return Status::Ok();
  }

  void RunThread() {
    while (true) {
      try {
        io_.run();
        return;
      } catch (const std::exception& e) {
        Log(std::string("an I/O handler threw: ") + e.what());
      }
    }
  }

  void AcceptLoop(tcp::acceptor& acceptor, bool tls, asio::yield_context yield) {
    while (!stopping_) {
      beast::error_code ec;
      tcp::socket socket(asio::make_strand(io_));
      acceptor.async_accept(socket, yield[ec]);
      if (stopping_ || ec == asio::error::operation_aborted || !acceptor.is_open()) return;
      if (ec) {
        // E.g. EMFILE: keep serving the connections we have, and do not spin while it lasts.
        Log("accept failed: " + ec.message());
        asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(100));
        pause.async_wait(yield[ec]);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::spawn(
          executor, std::allocator_arg, CoroutineStack(),
          [this, socket = std::move(socket), tls](asio::yield_context session_yield) mutable {
            Session(std::move(socket), tls, session_yield);
          },
          LogEscapedException);
    }
  }

  void Session(tcp::socket socket, bool tls, asio::yield_context yield) {
    Registration registration(*this, Register(socket.get_executor()));
    ConnectionState& state = registration.state();
    beast::tcp_stream tcp_stream(std::move(socket));
    try {
      if (tls) {
        ServeTls(std::move(tcp_stream), state, yield);
      } else {
        ServePlain(tcp_stream, state, yield);
      }
    } catch (const std::exception& e) {  // forced_unwind is not a std::exception: it passes
      Log(std::string("connection aborted: ") + e.what());
    }
  }

  void ServePlain(PlainStream& stream, ConnectionState& state, asio::yield_context yield) {
    state.close = [&stream] { stream.cancel(); };
    Connection<PlainStream> connection(stream, options_, router_, state, stopping_, closing_, yield);
    connection.Run();
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (connection.left_input_unread()) Linger(stream, yield);
  }

  void ServeTls(beast::tcp_stream tcp_stream, ConnectionState& state, asio::yield_context yield) {
    TlsStream stream(std::move(tcp_stream), tls_);
    state.close = [&stream] { beast::get_lowest_layer(stream).cancel(); };
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options_.header_timeout_seconds));
    beast::error_code ec;
    stream.async_handshake(asio::ssl::stream_base::server, yield[ec]);
    if (ec) return;
    beast::get_lowest_layer(stream).expires_never();  // from here the deadline sweep keeps time
    Connection<TlsStream> connection(stream, options_, router_, state, stopping_, closing_, yield);
    connection.Run();
    beast::get_lowest_layer(stream).expires_after(kLingerTime);
    stream.async_shutdown(yield[ec]);
  }

  std::shared_ptr<ConnectionState> Register(asio::any_io_executor strand) {
    auto state = std::make_shared<ConnectionState>(std::move(strand));
    std::lock_guard lock(mutex_);
    connections_.push_back(state);
    return state;
  }

  void Unregister(const std::shared_ptr<ConnectionState>& state) {
    std::lock_guard lock(mutex_);
    state->close = nullptr;
    connections_.remove(state);
    if (connections_.empty()) drained_.notify_all();
  }

  // Re-armed before each sweep, so that nothing a sweep does can end the sweeping.
  void SweepDeadlinesLater() {
    sweep_timer_.expires_after(kDeadlineSweep);
    sweep_timer_.async_wait([this](const beast::error_code& ec) {
      if (ec == asio::error::operation_aborted) return;
      SweepDeadlinesLater();
      SweepDeadlines();
    });
  }

  // Cancels the I/O of connections whose deadline has passed, on their strands, where the
  // deadline is checked again: the I/O may have finished, and the next begun, in between.
  void SweepDeadlines() {
    const int64_t now = SteadyMillis();
    std::lock_guard lock(mutex_);
    for (auto& state : connections_) {
      const int64_t deadline = state->deadline_millis.load(std::memory_order_relaxed);
      if (deadline == 0 || now < deadline) continue;
      asio::post(state->strand, [this, state] {
        std::lock_guard inner(mutex_);  // Unregister clears `close` under it
        const int64_t current = state->deadline_millis.load(std::memory_order_relaxed);
        if (current == 0 || SteadyMillis() < current || !state->close) return;
        state->timed_out = true;
        state->close();
      });
    }
  }

  // Cancels the I/O of idle connections (or of all of them); each runs on its own strand.
  void CloseConnections(bool idle_only) {
    std::lock_guard lock(mutex_);
    for (auto& state : connections_) {
      // Set here, not on the strand: a handler reading a body that never yields holds the strand.
      if (!idle_only) state->closing = true;
      asio::post(state->strand, [this, state, idle_only] {
        std::lock_guard inner(mutex_);  // Unregister clears `close` under it
        if ((!idle_only || !state->busy) && state->close) state->close();
      });
    }
  }

  // Runs on its own thread: stop accepting, let busy connections finish their request, close
  // the idle ones, and stop the threads once all are gone or the drain timeout has passed.
  void Drain() {
    for (auto& acceptor : acceptors_) {
      asio::post(acceptor->get_executor(), [&acceptor] {
        beast::error_code ec;
        acceptor->close(ec);
      });
    }
    CloseConnections(/*idle_only=*/true);
    std::unique_lock lock(mutex_);
    const auto empty = [this] { return connections_.empty(); };
    if (!drained_.wait_for(lock, std::chrono::seconds(options_.drain_timeout_seconds), empty)) {
      lock.unlock();
      Log("drain timeout: closing the connections still open");
      CloseConnections(/*idle_only=*/false);
      lock.lock();
      drained_.wait_for(lock, kForcedCloseGrace, empty);
    }
    lock.unlock();
    io_.stop();
  }

  // Declaration order matters for destruction: coroutines still suspended when io_ is destroyed
  // unwind and unregister themselves, so the registry must outlive io_; acceptors must not.
  ServerOptions options_;
  const Router& router_;
  std::mutex mutex_;  // guards connections_
  std::condition_variable drained_;
  std::list<std::shared_ptr<ConnectionState>> connections_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> closing_{false};  // answers end their connections
  asio::ssl::context tls_{asio::ssl::context::tls_server};
  asio::io_context io_;
  asio::steady_timer sweep_timer_{io_};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<uint16_t> ports_;
  std::vector<std::thread> threads_;
  bool started_ = false;
  std::mutex stop_mutex_;  // guards drainer_
  std::thread drainer_;
};

Server::Server(ServerOptions options, const Router& router) : impl_(std::make_unique<Impl>(std::move(options), router)) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::vector<uint16_t> Server::bound_ports() const { return impl_->bound_ports(); }
void Server::EndKeepAlive() { impl_->EndKeepAlive(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }

}  // namespace agora::server
