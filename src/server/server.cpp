#include "server/server.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/spawn.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <boost/url.hpp>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

namespace agora::server {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr size_t kFileChunk = 256 * 1024;
constexpr size_t kDrainLimit = 64 * 1024;
constexpr size_t kReadBuffer = 256 * 1024;

// What Stop needs to know of a connection: whether it is between requests, and how to close it.
struct ConnectionState {
  explicit ConnectionState(asio::any_io_executor strand) : strand(std::move(strand)) {}
  asio::any_io_executor strand;  // the connection's strand: its coroutine runs there
  std::atomic<bool> busy{false};
  std::function<void()> close;  // cancels the connection's I/O; only called on `strand`
};

// Decodes the request target into path and query; false if it is not a valid origin-form target.
bool DecodeTarget(std::string_view target, Request& request) {
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  std::string path;
  for (const auto segment : parsed->segments()) {
    if (segment.find('/') != std::string::npos || segment.find('\0') != std::string::npos) return false;
    path += "/" + std::string(segment);
  }
  if (path.empty() || (parsed->encoded_path().size() > 1 && parsed->encoded_path().back() == '/')) path += "/";
  request.path_ = path == "//" ? "/" : path;
  for (const auto param : parsed->params()) request.query_.emplace_back(param.key, param.value);
  return true;
}

template <class Stream>
class Connection;

// The Request a handler sees: the body is read from the socket on demand.
template <class Stream>
class StreamingRequest : public Request {
 public:
  StreamingRequest(Connection<Stream>& connection) : connection_(connection) {}
  Result<size_t> ReadBody(char* buf, size_t n) override { return connection_.ReadBody(buf, n); }

 private:
  Connection<Stream>& connection_;
};

tcp::socket& LowestSocket(beast::tcp_stream& stream) { return stream.socket(); }
tcp::socket& LowestSocket(beast::ssl_stream<beast::tcp_stream>& stream) { return stream.next_layer().socket(); }

beast::tcp_stream& TcpLayer(beast::tcp_stream& stream) { return stream; }
beast::tcp_stream& TcpLayer(beast::ssl_stream<beast::tcp_stream>& stream) { return stream.next_layer(); }

template <class Stream>
class Connection {
 public:
  Connection(Stream& stream, const ServerOptions& options, const Router& router, ConnectionState& state,
             const std::atomic<bool>& stopping, asio::yield_context yield)
      : stream_(stream), options_(options), router_(router), state_(state), stopping_(stopping), yield_(yield) {}

  void Run() {
    // Beast reads the socket into this buffer in pieces of at most its free capacity: a large
    // buffer makes body reads 64 KiB at a time instead of a few hundred bytes.
    buffer_.reserve(kReadBuffer);
    while (!stopping_) {
      if (!ServeOne()) break;
    }
  }

  Result<size_t> ReadBody(char* buf, size_t n) {
    auto& parser = *parser_;
    if (parser.is_done() || n == 0) return size_t{0};
    if (body_error_) return *body_error_;
    if (parser.content_length() && *parser.content_length() > options_.max_body_bytes) return Fail(TooLarge());
    SendContinueOnce();
    while (true) {
      parser.get().body().data = buf;
      parser.get().body().size = n;
      TcpLayer(stream_).expires_after(std::chrono::seconds(options_.body_idle_timeout_seconds));
      beast::error_code ec;
      http::async_read_some(stream_, buffer_, parser, yield_[ec]);
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return Fail(Status::IOError("reading the request body: " + ec.message()));
      const size_t got = n - parser.get().body().size;
      body_bytes_ += got;
      if (body_bytes_ > options_.max_body_bytes) return Fail(TooLarge());
      if (got > 0 || parser.is_done()) return got;
    }
  }

 private:
  using Parser = http::request_parser<http::buffer_body>;

  Status TooLarge() const {
    return Status::PayloadTooLarge("The request body exceeds the server's limit of " +
                                   std::to_string(options_.max_body_bytes) + " bytes");
  }
  Result<size_t> Fail(Status status) {
    body_error_ = status;
    keep_alive_ = false;
    return status;
  }

  void SendContinueOnce() {
    if (!expect_continue_ || continue_sent_) return;
    continue_sent_ = true;
    http::response<http::empty_body> proceed{http::status::continue_, 11};
    beast::error_code ec;
    http::async_write(stream_, proceed, yield_[ec]);
  }

  // Reads and answers one request; false when the connection should close.
  bool ServeOne() {
    Parser parser;
    parser_ = &parser;
    parser.header_limit(options_.max_header_bytes);
    parser.body_limit(boost::none);  // enforced in ReadBody, so the handler can answer 413 itself
    state_.busy = false;
    TcpLayer(stream_).expires_after(std::chrono::seconds(
        first_request_ ? options_.header_timeout_seconds : options_.keep_alive_timeout_seconds));
    beast::error_code ec;
    http::async_read_header(stream_, buffer_, parser, yield_[ec]);
    state_.busy = true;
    first_request_ = false;
    if (ec == http::error::header_limit) return Reject(Status::HeadersTooLarge("The request headers are too large"));
    if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted || ec == beast::error::timeout ||
        ec == asio::error::eof || ec == asio::error::connection_reset)
      return false;
    if (ec) return Reject(Status::InvalidArgument("BAD_REQUEST", "Malformed HTTP request: " + ec.message()));
    return Answer(parser);
  }

  bool Answer(Parser& parser) {
    auto& message = parser.get();
    StreamingRequest<Stream> request(*this);
    request.method_ = std::string(message.method_string());
    request.target_ = std::string(message.target());
    for (const auto& field : message) request.headers_.emplace(std::string(field.name_string()), std::string(field.value()));
    request.remote_address_ = RemoteAddress();
    if (parser.content_length()) request.content_length_ = *parser.content_length();
    const bool head = message.method() == http::verb::head;
    if (head) request.method_ = "GET";
    expect_continue_ = beast::iequals(message[http::field::expect], "100-continue");
    continue_sent_ = false;
    body_error_.reset();
    body_bytes_ = 0;
    keep_alive_ = message.keep_alive() && !stopping_;
    if (!DecodeTarget(message.target(), request))
      return Reject(Status::InvalidArgument("BAD_REQUEST", "Invalid request target"));
    Response response = router_.Dispatch(request);
    if (!parser.is_done() && !DrainBody(parser)) keep_alive_ = false;
    return Write(response, head) && keep_alive_ && !stopping_;
  }

  // Reads what the handler left of the body, if it is small, so the connection can be reused.
  bool DrainBody(Parser& parser) {
    if (body_error_) return false;
    if (expect_continue_ && !continue_sent_) return false;  // the client has not sent the body
    if (parser.content_length() && *parser.content_length() - body_bytes_ > kDrainLimit) return false;
    char scratch[8192];
    size_t drained = 0;
    while (!parser.is_done()) {
      auto n = ReadBody(scratch, sizeof scratch);
      if (!n.ok() || (drained += *n) > kDrainLimit) return false;
    }
    return true;
  }

  bool Reject(const Status& status) {
    keep_alive_ = false;
    Write(Response::Error(status), false);
    return false;
  }

  std::string RemoteAddress() {
    beast::error_code ec;
    auto endpoint = LowestSocket(stream_).remote_endpoint(ec);
    return ec ? "" : endpoint.address().to_string();
  }

  template <class Body>
  void AddHeaders(http::response<Body>& message, const Response& response) {
    message.set(http::field::server, "agora");
    for (const auto& [name, value] : response.headers) message.set(name, value);
    message.keep_alive(keep_alive_);
  }

  bool Write(const Response& response, bool head) {
    TcpLayer(stream_).expires_after(std::chrono::seconds(options_.body_idle_timeout_seconds));
    beast::error_code ec;
    if (response.file) return WriteFile(response, head);
    http::response<http::string_body> message{static_cast<http::status>(response.status), 11};
    AddHeaders(message, response);
    if (head) {
      message.content_length(response.body.size());
      http::response_serializer<http::string_body> serializer(message);
      http::async_write_header(stream_, serializer, yield_[ec]);
    } else {
      message.body() = response.body;
      message.prepare_payload();
      http::async_write(stream_, message, yield_[ec]);
    }
    return !ec;
  }

  bool WriteFile(const Response& response, bool head) {
    const FileBody& file = *response.file;
    const int fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Write(Response::Error(Status::IOError("cannot open the stored file")), head);
    http::response<http::empty_body> message{static_cast<http::status>(response.status), 11};
    AddHeaders(message, response);
    message.content_length(file.length);
    http::response_serializer<http::empty_body> serializer(message);
    beast::error_code ec;
    http::async_write_header(stream_, serializer, yield_[ec]);
    bool ok = !ec;
    if (ok && !head) ok = SendFileRange(fd, file.offset, file.length);
    ::close(fd);
    if (!ok) keep_alive_ = false;
    return ok;
  }

  bool SendFileRange(int fd, uint64_t offset, uint64_t length) {
    std::vector<char> chunk(kFileChunk);
    while (length > 0) {
      const ssize_t n = ::pread(fd, chunk.data(), std::min<uint64_t>(chunk.size(), length), static_cast<off_t>(offset));
      if (n <= 0) return false;
      TcpLayer(stream_).expires_after(std::chrono::seconds(options_.body_idle_timeout_seconds));
      beast::error_code ec;
      asio::async_write(stream_, asio::buffer(chunk.data(), static_cast<size_t>(n)), yield_[ec]);
      if (ec) return false;
      offset += static_cast<uint64_t>(n);
      length -= static_cast<uint64_t>(n);
    }
    return true;
  }

  Stream& stream_;
  const ServerOptions& options_;
  const Router& router_;
  ConnectionState& state_;
  const std::atomic<bool>& stopping_;
  asio::yield_context yield_;
  beast::flat_buffer buffer_;
  Parser* parser_ = nullptr;
  bool first_request_ = true;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool keep_alive_ = true;
  uint64_t body_bytes_ = 0;
  std::optional<Status> body_error_;
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router) : options_(std::move(options)), router_(router) {
    if (options_.threads <= 0) options_.threads = std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  }

  Status Start() {
    if (NeedsTls()) AGORA_RETURN_IF_ERROR(LoadTls());
    for (const auto& endpoint : options_.endpoints) {
      beast::error_code ec;
      auto address = asio::ip::make_address(endpoint.host, ec);
      if (ec) return Status::InvalidArgument("INVALID_LISTEN", "invalid listen address " + endpoint.host);
      auto acceptor = std::make_unique<tcp::acceptor>(io_);
      const tcp::endpoint ep(address, endpoint.port);
      acceptor->open(ep.protocol(), ec);
      if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
      if (!ec) acceptor->bind(ep, ec);
      if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return Status::IOError("cannot listen on " + endpoint.host + ":" + std::to_string(endpoint.port) + ": " + ec.message());
      ports_.push_back(acceptor->local_endpoint().port());
      acceptors_.push_back(std::move(acceptor));
    }
    for (size_t i = 0; i < acceptors_.size(); ++i) {
      asio::spawn(io_, [this, i](asio::yield_context yield) { AcceptLoop(*acceptors_[i], options_.endpoints[i].tls, yield); },
                  asio::detached);
    }
    for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { io_.run(); });
    return Status::Ok();
  }

  std::vector<uint16_t> bound_ports() const { return ports_; }

  void Stop() {
    if (stopping_.exchange(true)) return;
    asio::post(io_, [this] {
      for (auto& acceptor : acceptors_) {
        beast::error_code ec;
        acceptor->close(ec);
      }
    });
    CloseIdleConnections();
    std::lock_guard lock(stop_mutex_);
    drainer_ = std::thread([this] {
      std::unique_lock lock(mutex_);
      drained_.wait_for(lock, std::chrono::seconds(options_.drain_timeout_seconds), [this] { return connections_.empty(); });
      lock.unlock();
      io_.stop();
    });
  }

  void Wait() {
    for (auto& t : threads_)
      if (t.joinable()) t.join();
    threads_.clear();
    std::lock_guard lock(stop_mutex_);
    if (drainer_.joinable()) drainer_.join();
  }

  ~Impl() {
    Stop();
    Wait();
  }

 private:
  bool NeedsTls() const {
    return std::any_of(options_.endpoints.begin(), options_.endpoints.end(), [](const auto& e) { return e.tls; });
  }

  Status LoadTls() {
    beast::error_code ec;
    tls_.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                     asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    tls_.use_certificate_chain_file(options_.tls_certificate_file, ec);
    if (!ec) tls_.use_private_key_file(options_.tls_private_key_file, asio::ssl::context::pem, ec);
    if (ec) return Status::InvalidArgument("INVALID_TLS", "cannot load the TLS certificate or key: " + ec.message());
    return Status::Ok();
  }

  // Cancels the connections waiting for a request; the busy ones finish theirs and then close.
  void CloseIdleConnections() {
    std::lock_guard lock(mutex_);
    for (auto& state : connections_) {
      asio::post(state->strand, [this, state] {
        std::lock_guard inner(mutex_);
        if (!state->busy && state->close) state->close();  // on the strand: the session is suspended or gone
      });
    }
  }

  void AcceptLoop(tcp::acceptor& acceptor, bool tls, asio::yield_context yield) {
    while (!stopping_) {
      beast::error_code ec;
      tcp::socket socket(asio::make_strand(io_));
      acceptor.async_accept(socket, yield[ec]);
      if (ec) {
        if (stopping_ || ec == asio::error::operation_aborted) return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto executor = socket.get_executor();
      asio::spawn(executor,
                  [this, socket = std::move(socket), tls](asio::yield_context session_yield) mutable {
                    Session(std::move(socket), tls, session_yield);
                  },
                  asio::detached);
    }
  }

  void Session(tcp::socket socket, bool tls, asio::yield_context yield) {
    auto state = Register(socket.get_executor());
    beast::tcp_stream tcp_stream(std::move(socket));
    if (tls) {
      beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls_);
      state->close = [&stream] { beast::get_lowest_layer(stream).cancel(); };
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(options_.header_timeout_seconds));
      beast::error_code ec;
      stream.async_handshake(asio::ssl::stream_base::server, yield[ec]);
      if (!ec) {
        Connection<beast::ssl_stream<beast::tcp_stream>>(stream, options_, router_, *state, stopping_, yield).Run();
        stream.async_shutdown(yield[ec]);
      }
    } else {
      state->close = [&tcp_stream] { tcp_stream.cancel(); };
      Connection<beast::tcp_stream>(tcp_stream, options_, router_, *state, stopping_, yield).Run();
      beast::error_code ec;
      tcp_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }
    Unregister(state);
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

  ServerOptions options_;
  const Router& router_;
  asio::io_context io_;
  asio::ssl::context tls_{asio::ssl::context::tls_server};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::vector<uint16_t> ports_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable drained_;
  std::list<std::shared_ptr<ConnectionState>> connections_;
  std::mutex stop_mutex_;
  std::thread drainer_;
};

Server::Server(ServerOptions options, const Router& router) : impl_(std::make_unique<Impl>(std::move(options), router)) {}
Server::~Server() = default;
Status Server::Start() { return impl_->Start(); }
std::vector<uint16_t> Server::bound_ports() const { return impl_->bound_ports(); }
void Server::Stop() { impl_->Stop(); }
void Server::Wait() { impl_->Wait(); }

}  // namespace agora::server
