// The HTTP vocabulary the rest of agora sees: Request, Response and Router, free of Boost.Beast
// so that handler code (src/exchange, src/cli) compiles without it. The server (server.h) turns
// Beast messages into these types and back.
//
// A handler is called once per request, on one of the server's threads, and may block (SQLite,
// fsync). It reads the body incrementally with Request::ReadBody, so uploads of any size stream
// through bounded memory; the body is read lazily, only when the handler asks for it. A response
// either carries its body in memory or names a file range for the server to stream.
//
// Thread safety: a Request and its Response belong to the handler's thread for the duration of
// the call. A Router is built before the server starts and is read-only afterwards.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace agora::server {

// Case-insensitive header lookup, as HTTP requires.
struct CaseInsensitiveLess {
  bool operator()(std::string_view a, std::string_view b) const;
};
using HeaderMap = std::multimap<std::string, std::string, CaseInsensitiveLess>;

class Request {
 public:
  virtual ~Request() = default;

  const std::string& method() const { return method_; }
  // The request target as sent, e.g. "/exchange/api/v2/assets?search=x".
  const std::string& target() const { return target_; }
  // The percent-decoded path without the query string.
  const std::string& path() const { return path_; }
  const HeaderMap& headers() const { return headers_; }
  // The first value of a header, if present.
  std::optional<std::string> Header(std::string_view name) const;
  // Decoded query parameters in order; a name may repeat.
  const std::vector<std::pair<std::string, std::string>>& query() const { return query_; }
  std::optional<std::string> Query(std::string_view name) const;
  std::vector<std::string> QueryAll(std::string_view name) const;
  // Path parameters bound by the router ("organizationId", ...).
  std::string Param(std::string_view name) const;
  const std::string& remote_address() const { return remote_address_; }
  // True when the request came over TLS.
  bool secure() const { return secure_; }
  // The Content-Length, when the client sent one.
  std::optional<uint64_t> content_length() const { return content_length_; }
  // The request's id: the client's X-Request-Id when it is a plain token of at most 64
  // characters, else one the router made. Echoed in the X-Request-Id response header and in
  // error bodies, and logged.
  const std::string& request_id() const { return request_id_; }
  // Who the request acts as, for the access log; set by whoever authenticates it.
  void SetPrincipal(std::string principal) const { principal_ = std::move(principal); }

  // Reads up to `n` body bytes into `buf`. Returns 0 at the end of the body. Fails with
  // PayloadTooLarge past the server's body limit, or IOError on a broken or timed-out connection.
  virtual Result<size_t> ReadBody(char* buf, size_t n) = 0;
  // Reads the whole body; PayloadTooLarge if it exceeds `limit` bytes.
  Result<std::string> ReadWholeBody(size_t limit);

  // Set by the server and the router.
  std::string method_;
  std::string target_;
  std::string path_;
  HeaderMap headers_;
  std::vector<std::pair<std::string, std::string>> query_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::string remote_address_;
  bool secure_ = false;
  std::optional<uint64_t> content_length_;
  std::string request_id_;
  mutable std::string principal_;
  int route_index_ = -1;  // the route the router chose; -1 when none matched
  int64_t started_micros_ = 0;  // when the router first saw the request (a steady clock)
};

// A byte range of a file on disk, streamed by the server (with sendfile where it can).
struct FileBody {
  std::string path;
  uint64_t offset = 0;
  uint64_t length = 0;
};

// A body produced while it is sent (a blob read from S3): the server pulls it in chunks, so it
// is never whole in memory. Read returns 0 at the end; an error ends the connection, since the
// status line has been sent by then.
class BodySource {
 public:
  virtual ~BodySource() = default;
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
};

struct StreamBody {
  std::shared_ptr<BodySource> source;  // null for HEAD: only the length is sent
  uint64_t length = 0;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<FileBody> file;  // when set, the body is the file range and `body` is unused
  std::optional<StreamBody> stream;  // when set, the body comes from the stream

  void SetHeader(std::string name, std::string value);

  static Response Json(int status, std::string json_body);
  static Response Text(int status, std::string body, std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent();
  // The Exchange error shape: {"status", "code", "message", "details": {"errors": [...]}}.
  static Response Error(const Status& status);
};

// Serves a file with ETag, If-None-Match and single Range support (206, 416).
Response ServeFile(const Request& request, const std::string& path, uint64_t size, const std::string& etag,
                   const std::string& content_type, const std::string& download_name);

// The same for content read as a stream: `open` is asked for the chosen range (not for HEAD), and
// its error becomes the response.
using RangeOpener = std::function<Result<std::shared_ptr<BodySource>>(uint64_t offset, uint64_t length)>;
Response ServeStream(const Request& request, uint64_t size, const std::string& etag, const std::string& content_type,
                     const std::string& download_name, const RangeOpener& open);

using Handler = std::function<Response(Request&)>;

// One answered request, as the access log and the metrics see it.
struct RequestRecord {
  int64_t time_millis = 0;  // wall clock when it arrived
  std::string_view method, target, route;  // route: the matched pattern; empty when none matched
  int route_index = -1;                    // the pattern's index in Router::routes()
  int status = 0;
  uint64_t bytes_sent = 0;  // the body's bytes actually written
  double seconds = 0;       // from arrival to the last byte written
  std::string_view principal, request_id, remote_address;
};

// Told of every request once its response is written (or the connection failed writing it).
// Called on the server's threads, concurrently: implementations must be thread-safe and cheap.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  virtual void RequestDone(const RequestRecord& record) = 0;
};

class RateLimiter;
class SharedRateCounts;

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  struct Route {
    std::string method;   // GET, POST, ... 
    std::string pattern;  // "/exchange/api/{apiVersion}/organizations/{organizationId}/..."
    Handler handler;
  };

  // Adds a route. Pattern segments in braces bind one path segment each; a final segment
  // written "{name*}" binds the rest of the path (which may contain slashes).
  void Add(std::string method, std::string pattern, Handler handler);

  // Dispatches: the matching route's handler; 404 if no pattern matches; 405 (with Allow) if
  // the path matches only under other methods. HEAD falls back to the GET route (the server
  // sends only the headers). Never throws: an exception in a handler becomes a 500.
  Response Dispatch(Request& request) const;

  const std::vector<Route>& routes() const { return routes_; }

  // Limits each client (bearer token, else address) to `requests_per_minute`; beyond it, 429.
  // Every answer then carries X-RateLimit-Limit, -Remaining and -Reset. 0 turns it off. With
  // `shared`, the limit holds over every server that shares the counts (see rate_limiter.h).
  void LimitRate(uint32_t requests_per_minute, SharedRateCounts* shared = nullptr);

  // Observers are added before the server starts.
  void AddObserver(RequestObserver* observer) { observers_.push_back(observer); }
  // Gives a request its id and arrival time, and `response` the X-Request-Id header and, for an
  // error in the Exchange shape, a "requestId" member. Dispatch does this itself; the server
  // calls it for the requests it refuses before dispatching.
  void Identify(Request& request, Response& response) const;
  // Called by the server once the response to `request` is written: tells every observer.
  void Done(const Request& request, int status, uint64_t bytes_sent) const;

 private:
  // The most specific route for a method and path (literal segments beat parameters, from the
  // left), with its bound parameters, and the other methods the path would accept.
  struct Selection {
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<std::string> allowed;
  };
  Selection Select(const std::string& method, std::string_view path) const;

  Response Admit(Request& request) const;  // the rate limit, then Handle
  Response Handle(Request& request) const;

  // A pattern split once, when its route is added, so that matching a request allocates nothing.
  struct CompiledPattern {
    enum class Kind { kLiteral, kParameter, kRest };
    std::vector<std::pair<Kind, std::string>> segments;  // the literal, or the parameter's name
  };
  static CompiledPattern Compile(const std::string& pattern);
  // Whether the pattern matches; its specificity: a bit per literal segment, the first segment
  // highest, so that comparing masks compares from the left.
  static bool Matches(const CompiledPattern& pattern, const std::vector<std::string_view>& path, uint64_t& literals);
  static std::vector<std::pair<std::string, std::string>> Bind(const CompiledPattern& pattern, std::string_view path,
                                                               const std::vector<std::string_view>& segments);

  std::vector<Route> routes_;
  std::vector<CompiledPattern> compiled_;  // parallel to routes_
  std::unique_ptr<RateLimiter> rate_limiter_;
  std::vector<RequestObserver*> observers_;
};

}  // namespace agora::server
