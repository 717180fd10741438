#include "cli/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <chrono>

namespace agora::cli {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

template <typename Stream>
Result<HttpResponse> Exchange(Stream& stream, const std::string& host, const std::string& target, const std::string& token,
                              uint64_t max_body_bytes) {
  http::request<http::empty_body> request{http::verb::get, target, 11};
  request.set(http::field::host, host);
  request.set(http::field::user_agent, "agora-cli");
  request.set(http::field::accept, "application/json");
  if (!token.empty()) request.set(http::field::authorization, "bearer " + token);
  http::write(stream, request);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_body_bytes);
  http::read(stream, buffer, parser);
  return HttpResponse{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
}

}  // namespace

Result<HttpResponse> HttpGet(const std::string& url, const std::string& token, int timeout_seconds,
                             uint64_t max_body_bytes) {
  const auto parsed = boost::urls::parse_uri(url);
  if (!parsed || (parsed->scheme() != "http" && parsed->scheme() != "https") || parsed->host().empty())
    return Status::InvalidArgument("BAD_URL", "not an http:// or https:// URL: " + url);
  const bool tls = parsed->scheme() == "https";
  const std::string host = parsed->host();
  const std::string port = parsed->has_port() ? std::string(parsed->port()) : (tls ? "443" : "80");
  std::string target = parsed->encoded_path().empty() ? "/" : std::string(parsed->encoded_path());
  if (parsed->has_query()) target += "?" + std::string(parsed->encoded_query());
  try {
    net::io_context io;
    tcp::resolver resolver(io);
    const auto endpoints = resolver.resolve(host, port);
    const auto timeout = std::chrono::seconds(timeout_seconds);
    if (!tls) {
      beast::tcp_stream stream(io);
      stream.expires_after(timeout);
      stream.connect(endpoints);
      return Exchange(stream, host, target, token, max_body_bytes);
    }
    ssl::context context(ssl::context::tls_client);
    context.set_default_verify_paths();
    context.set_verify_mode(ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, context);
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host.c_str()))
      return Status::Unavailable("cannot name the TLS server " + host);
    stream.set_verify_callback(ssl::host_name_verification(host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    beast::get_lowest_layer(stream).connect(endpoints);
    stream.handshake(ssl::stream_base::client);
    return Exchange(stream, host, target, token, max_body_bytes);
  } catch (const std::exception& e) {
    return Status::Unavailable(url + ": " + e.what());
  }
}

}  // namespace agora::cli
