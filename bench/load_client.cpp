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
// Thread safety: each thread owns its connection (see load_connection.h's RunJobs).
#include "load_connection.h"
#include "load_figures.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using agora::bench::JsonString;
using agora::bench::LoadConnection;
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

// Sends request `index`; returns the error text, empty on the expected status.
std::string Send(const Options& options, LoadConnection& connection, int index) {
  std::string head = connection.Head(options.method, Fill(options.target, index, options.groups));
  for (const auto& [name, value] : options.headers) head += name + ": " + value + "\r\n";
  std::string body;
  if (!options.body.empty() || options.method != "GET") {
    body = Fill(options.body, index, options.groups);
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  auto answer = connection.Exchange(head, body);
  if (!answer) return "the connection broke";
  if (answer->status != options.expect) return "HTTP " + std::to_string(answer->status) + ": " + answer->body.substr(0, 300);
  return "";
}

std::optional<Options> Parse(int argc, char** argv) {
  Options o;
  const bool known = agora::bench::ParseFlags(argc, argv, [&o](const std::string& flag, const std::string& value) {
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
      if (colon == std::string::npos) return false;
      o.headers.emplace_back(value.substr(0, colon), value.substr(value.find_first_not_of(' ', colon + 1)));
    } else if (flag == "--body") {
      std::ifstream in(value, std::ios::binary);
      if (!in) return false;
      o.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
      return false;
    }
    return true;
  });
  if (!known || o.port <= 0 || o.target.empty() || o.requests <= 0 || o.concurrency <= 0) return std::nullopt;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: load_client --port PORT --method M --target T [--body FILE] [--header 'K: V']... "
                 "--requests N --concurrency C [--groups G] [--expect STATUS] [--seconds S]\n");
    return 2;
  }
  const auto figures = agora::bench::RunJobs<std::unique_ptr<LoadConnection>>(
      options->requests, options->concurrency, options->seconds,
      [&](boost::asio::io_context& io, int) { return std::make_unique<LoadConnection>(io, options->port); },
      [&](int i, std::unique_ptr<LoadConnection>& connection) { return Send(*options, *connection, i); });
  const std::vector<double> millis = figures.Succeeded();
  std::printf("{\"requests\": %d, \"errors\": %d, \"seconds\": %.3f, \"per_second\": %.1f, \"p50_ms\": %.2f, "
              "\"p99_ms\": %.2f, \"first_error\": %s}\n",
              figures.started, figures.failed, figures.seconds, figures.started / figures.seconds,
              Percentile(millis, 0.50), Percentile(millis, 0.99), JsonString(figures.first_error).c_str());
  return figures.failed == 0 ? 0 : 1;
}
