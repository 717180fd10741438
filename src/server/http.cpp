#include "server/http.h"

#include "common/ids.h"
#include "server/rate_limiter.h"

#include <boost/context/detail/exception.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>

namespace agora::server {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
  });
}

std::optional<std::string> Request::Header(std::string_view name) const {
  auto it = headers_.find(std::string(name));
  if (it == headers_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::Query(std::string_view name) const {
  for (const auto& [key, value] : query_)
    if (key == name) return value;
  return std::nullopt;
}

std::vector<std::string> Request::QueryAll(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : query_)
    if (key == name) values.push_back(value);
  return values;
}

std::string Request::Param(std::string_view name) const {
  for (const auto& [key, value] : params_)
    if (key == name) return value;
  return "";
}

Result<std::string> Request::ReadWholeBody(size_t limit) {
  std::string body;
  char buffer[64 * 1024];
  while (true) {
    AGORA_ASSIGN_OR_RETURN(size_t n, ReadBody(buffer, sizeof buffer));
    if (n == 0) return body;
    if (body.size() + n > limit) return Status::PayloadTooLarge("The request body exceeds " + std::to_string(limit) + " bytes");
    body.append(buffer, n);
  }
}

void Response::SetHeader(std::string name, std::string value) {
  for (auto& [key, existing] : headers) {
    if (!CaseInsensitiveLess{}(key, name) && !CaseInsensitiveLess{}(name, key)) {
      existing = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

Response Response::Json(int status, std::string json_body) {
  return Text(status, std::move(json_body), "application/json");
}

Response Response::Text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  r.SetHeader("Content-Type", std::move(content_type));
  return r;
}

Response Response::NoContent() {
  Response r;
  r.status = 204;
  return r;
}

Response Response::Error(const Status& status) {
  boost::json::array errors;
  for (const auto& e : status.errors()) errors.push_back(boost::json::string(e));
  boost::json::object details{{"errors", std::move(errors)}};
  if (!status.details().empty()) {
    boost::system::error_code error;
    boost::json::value more = boost::json::parse(status.details(), error);
    if (!error && more.is_object())
      for (auto& [key, value] : more.as_object())
        if (key != "errors") details[key] = std::move(value);
  }
  const boost::json::object body{{"status", status.http_status()},
                                 {"code", status.code()},
                                 {"message", status.message()},
                                 {"details", std::move(details)}};
  return Json(status.http_status(), boost::json::serialize(body));
}

namespace {

std::optional<uint64_t> ParseNumber(std::string_view text) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

enum class RangeOutcome { kNone, kRange, kUnsatisfiable };

// A single "bytes=a-b" / "a-" / "-n" range; anything else (several ranges, other units) is
// answered with the whole file, as RFC 9110 allows.
RangeOutcome ParseRange(const std::string& header, uint64_t size, ByteRange& range) {
  constexpr std::string_view kUnit = "bytes=";
  if (header.rfind(kUnit, 0) != 0 || header.find(',') != std::string::npos) return RangeOutcome::kNone;
  const std::string_view spec = std::string_view(header).substr(kUnit.size());
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeOutcome::kNone;
  const auto first = spec.substr(0, dash), last = spec.substr(dash + 1);
  if (first.empty()) {
    auto suffix = ParseNumber(last);
    if (!suffix) return RangeOutcome::kNone;
    if (*suffix == 0 || size == 0) return RangeOutcome::kUnsatisfiable;
    range.length = std::min(*suffix, size);
    range.first = size - range.length;
    return RangeOutcome::kRange;
  }
  auto start = ParseNumber(first);
  if (!start) return RangeOutcome::kNone;
  if (*start >= size) return RangeOutcome::kUnsatisfiable;
  uint64_t end = size - 1;
  if (!last.empty()) {
    auto parsed = ParseNumber(last);
    if (!parsed || *parsed < *start) return RangeOutcome::kNone;
    end = std::min(*parsed, size - 1);
  }
  range = {*start, end - *start + 1};
  return RangeOutcome::kRange;
}

// True if an If-None-Match list ("*", or entity tags, weak or strong) names `etag`; If-None-Match
// uses the weak comparison (RFC 9110 13.1.2).
bool EtagListMatches(std::string_view list, std::string_view etag) {
  const auto opaque = [](std::string_view tag) { return tag.substr(0, 2) == "W/" ? tag.substr(2) : tag; };
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    std::string_view tag = list.substr(start, comma - start);
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
    if (tag == "*" || (!tag.empty() && opaque(tag) == opaque(etag))) return true;
    start = comma + 1;
  }
  return false;
}

// `attachment; filename="..."`, plus the RFC 8187 filename* form when the name is not plain
// ASCII. Quotes and backslashes are escaped and control characters dropped, so a stored name
// can never break the header.
std::string AttachmentDisposition(std::string_view name) {
  std::string quoted, encoded;
  bool ascii = true;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) continue;
    if (byte >= 0x80) ascii = false;
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += byte >= 0x80 ? '_' : c;
    if (std::isalnum(byte) || std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xf];
    }
  }
  std::string value = "attachment; filename=\"" + quoted + "\"";
  if (!ascii) value += "; filename*=UTF-8''" + encoded;
  return value;
}

}  // namespace

namespace {

// The headers and status of a ranged answer; true when `r` is final (304, 416), otherwise the
// caller attaches the body of `range`.
bool PrepareRangedResponse(const Request& request, uint64_t size, const std::string& etag,
                           const std::string& content_type, const std::string& download_name, Response& r,
                           ByteRange& range) {
  r.SetHeader("ETag", etag);
  r.SetHeader("Accept-Ranges", "bytes");
  if (auto match = request.Header("if-none-match"); match && EtagListMatches(*match, etag)) {
    r.status = 304;
    return true;
  }
  r.SetHeader("Content-Type", content_type);
  r.SetHeader("Content-Disposition", AttachmentDisposition(download_name));
  range = ByteRange{0, size};
  const auto header = request.Header("range");
  // If-Range with another validator (or a date) means the client's copy is stale: send it all.
  const auto if_range = request.Header("if-range");
  const RangeOutcome outcome =
      header && (!if_range || *if_range == etag) ? ParseRange(*header, size, range) : RangeOutcome::kNone;
  if (outcome == RangeOutcome::kUnsatisfiable) {
    Response unsatisfiable = Response::Error(Status::RangeNotSatisfiable("The requested range is not satisfiable"));
    unsatisfiable.SetHeader("Content-Range", "bytes */" + std::to_string(size));
    unsatisfiable.SetHeader("Accept-Ranges", "bytes");
    r = std::move(unsatisfiable);
    return true;
  }
  if (outcome == RangeOutcome::kRange) {
    r.status = 206;
    r.SetHeader("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                     std::to_string(range.first + range.length - 1) + "/" + std::to_string(size));
  }
  return false;
}

}  // namespace

Response ServeFile(const Request& request, const std::string& path, uint64_t size, const std::string& etag,
                   const std::string& content_type, const std::string& download_name) {
  Response r;
  ByteRange range;
  if (PrepareRangedResponse(request, size, etag, content_type, download_name, r, range)) return r;
  r.file = FileBody{path, range.first, range.length};
  return r;
}

Response ServeStream(const Request& request, uint64_t size, const std::string& etag, const std::string& content_type,
                     const std::string& download_name, const RangeOpener& open) {
  Response r;
  ByteRange range;
  if (PrepareRangedResponse(request, size, etag, content_type, download_name, r, range)) return r;
  r.stream = StreamBody{nullptr, range.length};
  if (request.method() == "HEAD") return r;
  auto source = open(range.first, range.length);
  if (!source.ok()) return Response::Error(source.status());
  r.stream->source = std::move(source).value();
  return r;
}

namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = path.empty() || path[0] != '/' ? 0 : 1;
  if (start >= path.size()) return segments;
  while (true) {
    const size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return segments;
    start = slash + 1;
  }
}

}  // namespace

void Router::Add(std::string method, std::string pattern, Handler handler) {
  compiled_.push_back(Compile(pattern));
  routes_.push_back(Route{std::move(method), std::move(pattern), std::move(handler)});
}

Router::CompiledPattern Router::Compile(const std::string& pattern) {
  CompiledPattern compiled;
  for (std::string_view segment : Segments(pattern)) {
    const bool braces = segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
    if (!braces) {
      compiled.segments.emplace_back(CompiledPattern::Kind::kLiteral, std::string(segment));
    } else if (segment[segment.size() - 2] == '*') {
      compiled.segments.emplace_back(CompiledPattern::Kind::kRest, std::string(segment.substr(1, segment.size() - 3)));
    } else {
      compiled.segments.emplace_back(CompiledPattern::Kind::kParameter, std::string(segment.substr(1, segment.size() - 2)));
    }
  }
  return compiled;
}

bool Router::Matches(const CompiledPattern& pattern, const std::vector<std::string_view>& path, uint64_t& literals) {
  literals = 0;
  const auto& segments = pattern.segments;
  // Most patterns are ruled out by their length alone, before any segment is compared.
  const bool rest = !segments.empty() && segments.back().first == CompiledPattern::Kind::kRest;
  if (rest ? path.size() < segments.size() : path.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const auto& [kind, text] = segments[i];
    if (i >= path.size()) return false;
    if (kind == CompiledPattern::Kind::kRest) return i == segments.size() - 1;
    if (kind == CompiledPattern::Kind::kParameter) {
      if (path[i].empty()) return false;
    } else {
      if (text != path[i]) return false;
      if (i < 64) literals |= uint64_t{1} << (63 - i);
    }
  }
  return segments.size() == path.size();
}

std::vector<std::pair<std::string, std::string>> Router::Bind(const CompiledPattern& pattern, std::string_view path,
                                                              const std::vector<std::string_view>& segments) {
  std::vector<std::pair<std::string, std::string>> params;
  for (size_t i = 0; i < pattern.segments.size(); ++i) {
    const auto& [kind, name] = pattern.segments[i];
    if (kind == CompiledPattern::Kind::kRest) {
      params.emplace_back(name, std::string(path.substr(static_cast<size_t>(segments[i].data() - path.data()))));
    } else if (kind == CompiledPattern::Kind::kParameter) {
      params.emplace_back(name, std::string(segments[i]));
    }
  }
  return params;
}

Router::Selection Router::Select(const std::string& method, std::string_view path) const {
  Selection selection;
  const auto segments = Segments(path);
  // Literal segments win over parameters from the left; at equal literals the longer pattern wins.
  std::pair<uint64_t, size_t> best{0, 0};
  size_t best_index = 0;
  for (size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    uint64_t literals = 0;
    if (!Matches(compiled_[i], segments, literals)) continue;
    const bool head_as_get = method == "HEAD" && route.method == "GET";
    if (route.method != method && !head_as_get) {
      if (std::find(selection.allowed.begin(), selection.allowed.end(), route.method) == selection.allowed.end())
        selection.allowed.push_back(route.method);
      continue;
    }
    const std::pair<uint64_t, size_t> specificity{literals, compiled_[i].segments.size()};
    // An explicit HEAD route beats a GET route of equal specificity.
    if (!selection.route || specificity > best ||
        (specificity == best && !head_as_get && selection.route->method != method)) {
      selection.route = &route;
      best = specificity;
      best_index = i;
    }
  }
  if (selection.route) selection.params = Bind(compiled_[best_index], path, segments);
  return selection;
}

Router::Router() = default;
Router::~Router() = default;

void Router::LimitRate(uint32_t requests_per_minute, SharedRateCounts* shared) {
  rate_limiter_ = requests_per_minute ? std::make_unique<RateLimiter>(requests_per_minute, shared) : nullptr;
}

namespace {

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// A client's id is kept only when it is a short plain token, so that it cannot forge log lines.
bool UsableRequestId(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' || c == ':';
  });
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(random()));
  return id;
}

// Adds "requestId" to an error answered in the Exchange shape ({"status", "code", ...}).
void AddRequestIdToError(Response& response, const std::string& request_id) {
  if (response.status < 400 || response.file || response.body.empty() || response.body.front() != '{') return;
  boost::system::error_code error;
  boost::json::value body = boost::json::parse(response.body, error);
  if (error || !body.is_object() || !body.as_object().contains("code")) return;
  body.as_object()["requestId"] = request_id;
  response.body = boost::json::serialize(body);
}

}  // namespace

void Router::Identify(Request& request, Response& response) const {
  if (request.started_micros_ == 0) request.started_micros_ = SteadyMicros();
  if (request.request_id_.empty()) {
    std::string client_id = request.Header("x-request-id").value_or("");
    request.request_id_ = UsableRequestId(client_id) ? std::move(client_id) : NewRequestId();
  }
  response.SetHeader("X-Request-Id", request.request_id_);
  AddRequestIdToError(response, request.request_id_);
}

void Router::Done(const Request& request, int status, uint64_t bytes_sent) const {
  if (observers_.empty()) return;
  const double seconds = request.started_micros_ ? (SteadyMicros() - request.started_micros_) / 1e6 : 0;
  RequestRecord record;
  record.time_millis = NowMillis() - static_cast<int64_t>(seconds * 1000);
  record.method = request.method();
  record.target = request.target();
  record.route_index = request.route_index_;
  if (request.route_index_ >= 0) record.route = routes_[request.route_index_].pattern;
  record.status = status;
  record.bytes_sent = bytes_sent;
  record.seconds = seconds;
  record.principal = request.principal_;
  record.request_id = request.request_id_;
  record.remote_address = request.remote_address();
  for (RequestObserver* observer : observers_) observer->RequestDone(record);
}

Response Router::Dispatch(Request& request) const {
  request.started_micros_ = SteadyMicros();
  Response response = Admit(request);
  Identify(request, response);
  return response;
}

Response Router::Admit(Request& request) const {
  if (!rate_limiter_) return Handle(request);
  const RateDecision decision =
      rate_limiter_->Admit(request.Header("authorization").value_or("address " + request.remote_address()), NowMillis());
  Response response = decision.allowed
                          ? Handle(request)
                          : Response::Error(Status::TooManyRequests("More than " + std::to_string(decision.limit) +
                                                                    " requests in a minute; retry in " +
                                                                    std::to_string(decision.reset_seconds) + " s"));
  response.SetHeader("X-RateLimit-Limit", std::to_string(decision.limit));
  response.SetHeader("X-RateLimit-Remaining", std::to_string(decision.remaining));
  response.SetHeader("X-RateLimit-Reset", std::to_string(decision.reset_seconds));
  if (!decision.allowed) response.SetHeader("Retry-After", std::to_string(decision.reset_seconds));
  return response;
}

Response Router::Handle(Request& request) const {
  Selection selection = Select(request.method(), request.path());
  if (!selection.route) {
    if (selection.allowed.empty()) return Response::Error(Status::NotFound("No resource at " + request.path()));
    Response r = Response::Error(Status::MethodNotAllowed("Method " + request.method() + " is not allowed on " +
                                                          request.path()));
    if (std::find(selection.allowed.begin(), selection.allowed.end(), "GET") != selection.allowed.end() &&
        std::find(selection.allowed.begin(), selection.allowed.end(), "HEAD") == selection.allowed.end())
      selection.allowed.push_back("HEAD");
    std::string allow;
    for (const auto& m : selection.allowed) allow += (allow.empty() ? "" : ", ") + m;
    r.SetHeader("Allow", allow);
    return r;
  }
  request.params_ = std::move(selection.params);
  request.route_index_ = static_cast<int>(selection.route - routes_.data());
  try {
    return selection.route->handler(request);
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // a connection coroutine being torn down, not a handler failure: let it unwind
  } catch (const std::exception& e) {
    std::fprintf(stderr, "agora: %s %s: handler threw: %s\n", request.method().c_str(), request.path().c_str(),
                 e.what());
  } catch (...) {
    std::fprintf(stderr, "agora: %s %s: handler threw a non-standard exception\n", request.method().c_str(),
                 request.path().c_str());
  }
  return Response::Error(Status::Internal("The server failed to handle the request"));
}

}  // namespace agora::server
