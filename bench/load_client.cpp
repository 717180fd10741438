// The publish benchmark's client: sends N requests over C keep-alive connections (one thread
// each, blocking Boost.Beast I/O) and prints one JSON line with the rate and the latency
// percentiles. bench/bench.py drives agora's publication and Verdaccio's npm publish with it, so
// both servers see the same client.
//
//   build-release/load_client --port PORT --method POST --target '/path/{g}/{v}' [--body FILE]
//       [--header 'Name: value']... --requests N --concurrency C [--groups G] [--expect 201]
//       [--seconds S]
//
// Request i fills `{g}` with i % G and `{v}` with i / G in the target and the body, so G assets
// (or packages) each receive N / G consecutive versions, spread over the connections. With
// --seconds, no request starts after S seconds: the line then counts the requests completed, so a
// slow server ends the run on time instead of stretching it.
//
// Thread safety: each thread owns its connection; the next request index is an atomic counter and
// each thread writes only its own slots of the latency vector.
#include "load_figures.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

using agora::bench::JsonString;
using agora::bench::Percentile;

namespace {

struct Options {
  int port = 0;
  std::string method = "GET";
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  int requests = 1;
  int concurrency = 1;
  int groups = 1;
  int expect = 200;
  double seconds = 0;  // 0: no time limit
};

// Replaces every `{g}` and `{v}` in `text` for request `index`.
std::string Fill(const std::string& text, int index, int groups) {
  if (text.find('{') == std::string::npos) return text;
  const std::string g = std::to_string(index % groups), v = std::to_string(index / groups);
  std::string out;
  out.reserve(text.size() + 16);
  for (size_t i = 0; i < text.size();) {
    if (text.compare(i, 3, "{g}") == 0) out += g, i += 3;
    else if (text.compare(i, 3, "{v}") == 0) out += v, i += 3;
    else out += text[i++];
  }
  return out;
}

class Worker {
 public:
  Worker(const Options& options, asio::io_context& io) : options_(options), stream_(io) {}

  // Sends request `index`; returns the error text, empty on the expected status.
  std::string Send(int index) {
    if (!stream_.socket().is_open()) {
      tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(options_.port));
      beast::error_code ec;
      stream_.socket().connect(endpoint, ec);
      if (ec) return "connect: " + ec.message();
      stream_.socket().set_option(tcp::no_delay(true));
    }
    http::request<http::string_body> request{http::string_to_verb(options_.method),
                                             Fill(options_.target, index, options_.groups), 11};
    request.set(http::field::host, "127.0.0.1:" + std::to_string(options_.port));
    for (const auto& [name, value] : options_.headers) request.set(name, value);
    if (!options_.body.empty() || options_.method != "GET") {
      request.body() = Fill(options_.body, index, options_.groups);
      request.prepare_payload();
    }
    beast::error_code ec;
    http::write(stream_, request, ec);
    if (ec) return Reset("write: " + ec.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    http::read(stream_, buffer_, parser, ec);
    if (ec) return Reset("read: " + ec.message());
    const auto& response = parser.get();
    if (!response.keep_alive()) Reset("");
    if (response.result_int() != static_cast<unsigned>(options_.expect))
      return "HTTP " + std::to_string(response.result_int()) + ": " + response.body().substr(0, 300);
    return "";
  }

 private:
  std::string Reset(std::string error) {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    return error;
  }

  const Options& options_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

std::optional<Options> Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") o.port = std::atoi(value.c_str());
    else if (flag == "--method") o.method = value;
    else if (flag == "--target") o.target = value;
    else if (flag == "--requests") o.requests = std::atoi(value.c_str());
    else if (flag == "--concurrency") o.concurrency = std::atoi(value.c_str());
    else if (flag == "--groups") o.groups = std::max(1, std::atoi(value.c_str()));
    else if (flag == "--expect") o.expect = std::atoi(value.c_str());
    else if (flag == "--seconds") o.seconds = std::atof(value.c_str());
    else if (flag == "--header") {
      const auto colon = value.find(':');
      if (colon == std::string::npos) return std::nullopt;
      o.headers.emplace_back(value.substr(0, colon), value.substr(value.find_first_not_of(' ', colon + 1)));
    } else if (flag == "--body") {
      std::ifstream in(value, std::ios::binary);
      if (!in) return std::nullopt;
      o.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
      return std::nullopt;
    }
  }
  if (o.port <= 0 || o.target.empty() || o.requests <= 0 || o.concurrency <= 0) return std::nullopt;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: load_client --port PORT --method M --target T [--body FILE] [--header 'K: V']... "
                 "--requests N --concurrency C [--groups G] [--expect STATUS]\n");
    return 2;
  }
  std::vector<double> millis(options->requests, -1);
  std::atomic<int> next{0}, errors{0}, completed{0};
  std::mutex error_mutex;
  std::string first_error;

  const auto start = Clock::now();
  const auto deadline = options->seconds > 0
                            ? start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(options->seconds))
                            : Clock::time_point::max();
  std::vector<std::thread> threads;
  for (int t = 0; t < options->concurrency; ++t) {
    threads.emplace_back([&] {
      asio::io_context io;
      Worker worker(*options, io);
      for (int i; Clock::now() < deadline && (i = next.fetch_add(1)) < options->requests;) {
        const auto sent = Clock::now();
        const std::string error = worker.Send(i);
        millis[i] = std::chrono::duration<double, std::milli>(Clock::now() - sent).count();
        completed.fetch_add(1);
        if (!error.empty()) {
          errors.fetch_add(1);
          std::lock_guard lock(error_mutex);
          if (first_error.empty()) first_error = error;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::erase(millis, -1);  // requests never sent (time limit)

  std::printf("{\"requests\": %d, \"errors\": %d, \"seconds\": %.3f, \"per_second\": %.1f, \"p50_ms\": %.2f, "
              "\"p99_ms\": %.2f, \"first_error\": %s}\n",
              completed.load(), errors.load(), seconds, completed.load() / seconds, Percentile(millis, 0.50),
              Percentile(millis, 0.99), JsonString(first_error).c_str());
  return errors.load() == 0 ? 0 : 1;
}
