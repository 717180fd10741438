// The metadata-GET benchmark's limit: the least an HTTP/1.1 server on Boost.Beast can do to answer
// a GET, so that agora's requests per second can be read as a fraction of what this machine
// allows. It answers every request, whatever its target, with one fixed body read from a file at
// start (bench/bench.py writes agora's own asset JSON there, so both bodies are the same size), on
// keep-alive connections, with C++20 coroutines on `--threads` threads (default: one per core).
//
//   build-release/trivial_server --port PORT --body FILE [--threads N]
//
// Thread safety: the body is read once before the threads start and only read afterwards; each
// connection's coroutine touches only its own socket and buffer.
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

asio::awaitable<void> Serve(tcp::socket socket, std::shared_ptr<const std::string> body) {
  beast::flat_buffer buffer;
  // One response per connection, reused: headers and body are the same for every request, so the
  // only per-request work is parsing the request and writing the answer.
  http::response<http::string_body> response{http::status::ok, 11};
  response.set(http::field::server, "trivial");
  response.set(http::field::content_type, "application/json");
  response.body() = *body;
  response.prepare_payload();
  try {
    for (;;) {
      http::request<http::string_body> request;
      co_await http::async_read(socket, buffer, request, asio::use_awaitable);
      response.keep_alive(request.keep_alive());
      co_await http::async_write(socket, response, asio::use_awaitable);
      if (!request.keep_alive()) break;
    }
  } catch (const boost::system::system_error&) {
    // The client closed the connection (end of stream or reset): nothing to answer.
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, std::shared_ptr<const std::string> body) {
  for (;;) {
    tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
    socket.set_option(tcp::no_delay(true));
    const auto executor = socket.get_executor();
    asio::co_spawn(executor, Serve(std::move(socket), body), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  std::string body_file;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--port")) port = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--body")) body_file = argv[i + 1];
    else if (!std::strcmp(argv[i], "--threads")) threads = std::atoi(argv[i + 1]);
  }
  std::ifstream in(body_file, std::ios::binary);
  if (port <= 0 || !in) {
    std::fprintf(stderr, "usage: trivial_server --port PORT --body FILE [--threads N]\n");
    return 2;
  }
  auto body = std::make_shared<const std::string>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());

  asio::io_context io(threads);
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
  asio::co_spawn(io, Accept(acceptor, body), asio::detached);
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](auto, auto) { io.stop(); });
  std::printf("trivial server listening on http://127.0.0.1:%d (%zu-byte body, %d threads)\n", port, body->size(),
              threads);
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
