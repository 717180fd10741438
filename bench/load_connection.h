// What the load clients of bench/ (load_client, maven_load) share: a keep-alive HTTP/1.1
// connection to a local port that sends requests as their text (so a client controls every
// header, and `Expect: 100-continue` as Maven sends it), the loop that runs numbered jobs over C
// threads, and the `--flag value` command line. Header-only: each client is one file.
//
// Thread safety: a LoadConnection belongs to one thread; RunJobs gives each thread its own state.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace agora::bench {

struct Answer {
  int status = 0;
  std::string body;
};

class LoadConnection {
 public:
  LoadConnection(boost::asio::io_context& io, int port) : stream_(io), port_(port) {}

  // Sends `head` (the request line and headers, without the blank line) and `body`, connecting
  // first if need be. A head with `Expect: 100-continue` sends the body only after 100 Continue,
  // as Maven does. nullopt (and the connection closed) when the connection broke.
  std::optional<Answer> Exchange(const std::string& head, const std::string& body) {
    if (!stream_.socket().is_open() && !Connect()) return std::nullopt;
    const bool expect_continue = head.find("Expect: 100-continue") != std::string::npos;
    const std::string end_of_head = head + "\r\n";
    const std::array<boost::asio::const_buffer, 2> request = {
        boost::asio::buffer(end_of_head), boost::asio::buffer(body.data(), expect_continue ? 0 : body.size())};
    boost::beast::error_code ec;
    boost::asio::write(stream_, request, ec);
    if (ec) return Close();
    auto answer = Read();
    if (expect_continue && answer && answer->status == 100) {
      boost::asio::write(stream_, boost::asio::buffer(body), ec);
      if (ec) return Close();
      answer = Read();
    }
    return answer;
  }

  // The first line and Host header of a request to this connection's server.
  std::string Head(const std::string& method, const std::string& target) const {
    return method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n";
  }

 private:
  bool Connect() {
    boost::beast::error_code ec;
    stream_.socket().connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)}, ec);
    if (ec) return false;
    stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true));
    return true;
  }

  std::optional<Answer> Read() {
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    parser.body_limit(boost::none);
    boost::beast::error_code ec;
    boost::beast::http::read(stream_, buffer_, parser, ec);
    if (ec) return Close();
    Answer answer{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
    if (!parser.get().keep_alive()) Close();
    return answer;
  }

  std::nullopt_t Close() {
    boost::beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    return std::nullopt;
  }

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  const int port_;
};

// What RunJobs did: each job's milliseconds (-1 for a job that failed or never started), how
// many started and failed, the first failure, and the wall time.
struct JobFigures {
  std::vector<double> millis;
  int started = 0;
  int failed = 0;
  std::string first_error;
  double seconds = 0;

  std::vector<double> Succeeded() const {
    std::vector<double> out;
    for (double m : millis)
      if (m >= 0) out.push_back(m);
    return out;
  }
};

// Runs jobs 0..count-1 over `concurrency` threads, each with its own State made by make(io, t);
// job(i, state) returns an error, or "" for success. No job starts after `seconds` (0: no limit).
template <typename State, typename Make, typename Job>
JobFigures RunJobs(int count, int concurrency, double seconds, Make make, Job job) {
  using Clock = std::chrono::steady_clock;
  JobFigures figures;
  figures.millis.assign(count, -1);
  std::atomic<int> next{0}, started{0}, failed{0};
  std::mutex error_mutex;
  const auto start = Clock::now();
  const auto deadline = seconds > 0 ? start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds))
                                    : Clock::time_point::max();
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      boost::asio::io_context io;
      State state = make(io, t);
      for (int i; Clock::now() < deadline && (i = next.fetch_add(1)) < count;) {
        started.fetch_add(1);
        const auto begin = Clock::now();
        const std::string error = job(i, state);
        if (error.empty()) {
          figures.millis[i] = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
          continue;
        }
        failed.fetch_add(1);
        std::lock_guard lock(error_mutex);
        if (figures.first_error.empty()) figures.first_error = error;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  figures.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  figures.started = started.load();
  figures.failed = failed.load();
  return figures;
}

// Reads `--flag value` pairs, handing each to `take`, which answers whether it knows the flag.
inline bool ParseFlags(int argc, char** argv, const std::function<bool(const std::string&, const std::string&)>& take) {
  if (argc % 2 == 0) return false;  // a flag without its value
  for (int i = 1; i + 1 < argc; i += 2)
    if (!take(argv[i], argv[i + 1])) return false;
  return true;
}

}  // namespace agora::bench
