// The Maven facade benchmark's client: replays the requests of `mvn deploy:deploy-file` (Debian's
// Maven 3.8.7, see ../shared/reference/maven-facade.md) from C keep-alive connections, without a
// JVM, then times GETs of the artifact's maven-metadata.xml. One JSON line of figures.
//
//   maven_load --port PORT --base /api/v3/organizations/ORG/maven --group ORG --artifact A
//              --authorization 'Basic ...' --deploys N --concurrency C [--first-version V]
//              [--jar-bytes B] [--metadata-gets M]
//
// A deploy of version 1.0.(V+i): PUT the jar (with Expect: 100-continue and credentials, as Maven
// sends them), its .sha1 and .md5, the POM and its checksums; GET the artifact's
// maven-metadata.xml (a connection's first GET goes out without credentials and is repeated after
// the 401, as Maven's does) and its .sha1 when there is one; PUT the metadata with this version
// merged in, and its checksums. A deploy is complete when its metadata PUT is answered. Every
// answer's status is checked; the figures count only complete deploys.
//
// Thread safety: each thread owns its connection; the next deploy index is an atomic counter and
// each thread writes only its own slots of the latency vectors.
#include <openssl/evp.h>

#include "load_figures.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
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
  std::string base;           // "/api/v3/organizations/ORG/maven"
  std::string group;
  std::string artifact;
  std::string authorization;  // the Authorization header Maven would send
  int deploys = 0;
  int concurrency = 1;
  int first_version = 0;
  size_t jar_bytes = 20 * 1024;
  int metadata_gets = 0;
};

std::string Digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < n; ++i) hex += kHex[out[i] >> 4], hex += kHex[out[i] & 15];
  return hex;
}

struct Answer {
  int status = 0;
  std::string body;
};

class Connection {
 public:
  Connection(const Options& options, asio::io_context& io) : options_(options), stream_(io) {}

  // One request; with a body, sent as Maven sends it: the head with Expect: 100-continue, the
  // body only after 100 Continue. Returns nullopt (and closes) on a broken connection.
  std::optional<Answer> Exchange(const std::string& method, const std::string& target, const std::string& body,
                                 bool credentials) {
    if (!stream_.socket().is_open() && !Connect()) return std::nullopt;
    std::string head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: maven_load\r\n";
    if (credentials) head += "Authorization: " + options_.authorization + "\r\n";
    if (method == "PUT") head += "Content-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n";
    head += "\r\n";
    beast::error_code ec;
    asio::write(stream_, asio::buffer(head), ec);
    if (ec) return Close();
    auto answer = Read();
    if (answer && answer->status == 100) {
      asio::write(stream_, asio::buffer(body), ec);
      if (ec) return Close();
      answer = Read();
    }
    return answer;
  }

 private:
  bool Connect() {
    beast::error_code ec;
    stream_.socket().connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(options_.port)), ec);
    if (ec) return false;
    stream_.socket().set_option(tcp::no_delay(true));
    return true;
  }

  std::optional<Answer> Read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(boost::none);
    beast::error_code ec;
    http::read(stream_, buffer_, parser, ec);
    if (ec) return Close();
    Answer answer{static_cast<int>(parser.get().result_int()), std::move(parser.get().body())};
    if (!parser.get().keep_alive()) Close();
    return answer;
  }

  std::nullopt_t Close() {
    beast::error_code ignored;
    stream_.socket().close(ignored);
    buffer_.clear();
    return std::nullopt;
  }

  const Options& options_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
};

// What deploy-file sends for one version, checking each answer.
class Deployer {
 public:
  Deployer(const Options& options, asio::io_context& io, std::string jar_base)
      : options_(options), connection_(options, io), jar_base_(std::move(jar_base)) {}

  // The error, or empty when the deploy completed.
  std::string Deploy(int n) {
    const std::string version = "1.0." + std::to_string(n);
    const std::string folder = options_.base + "/" + GroupPath() + "/" + options_.artifact + "/";
    const std::string name = folder + version + "/" + options_.artifact + "-" + version;
    const std::string jar = jar_base_ + version;
    const std::string pom = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<project><modelVersion>4.0.0</modelVersion><groupId>" +
                            options_.group + "</groupId><artifactId>" + options_.artifact + "</artifactId><version>" +
                            version + "</version><packaging>jar</packaging><description>POM was created from "
                            "deploy:deploy-file</description></project>\n";
    for (const auto& [target, bytes] : {std::pair{name + "-mule-plugin.jar", jar}, std::pair{name + ".pom", pom}})
      if (std::string error = PutWithChecksums(target, bytes); !error.empty()) return error;
    // Maven reads the artifact's metadata, merges its version in and uploads the result.
    const std::string metadata_path = folder + "maven-metadata.xml";
    if (!challenged_) {
      auto challenge = connection_.Exchange("GET", metadata_path, "", false);
      if (!challenge || challenge->status != 401) return "the first anonymous GET was not answered 401";
      challenged_ = true;
    }
    auto current = connection_.Exchange("GET", metadata_path, "", true);
    if (!current || (current->status != 200 && current->status != 404)) return Failed("GET metadata", current);
    if (current->status == 200) {
      auto sha1 = connection_.Exchange("GET", metadata_path + ".sha1", "", true);
      if (!sha1 || sha1->status != 200) return Failed("GET metadata.sha1", sha1);
    }
    return PutWithChecksums(metadata_path, Merged(current->status == 200 ? current->body : "", version));
  }

 private:
  std::string GroupPath() const { return std::regex_replace(options_.group, std::regex("\\."), "/"); }

  std::string PutWithChecksums(const std::string& target, const std::string& bytes) {
    const std::pair<std::string, std::string> puts[] = {{target, bytes},
                                                        {target + ".sha1", Digest(EVP_sha1(), bytes)},
                                                        {target + ".md5", Digest(EVP_md5(), bytes)}};
    for (const auto& [path, body] : puts) {
      auto answer = connection_.Exchange("PUT", path, body, true);
      if (!answer || answer->status != 201) return Failed("PUT " + path, answer);
    }
    return "";
  }

  // The client's merge: the server's versions plus this one, with this one latest and released.
  std::string Merged(const std::string& current, const std::string& version) {
    std::string versions;
    static const std::regex kVersion("<version>([^<]*)</version>");
    for (std::sregex_iterator it(current.begin(), current.end(), kVersion), end; it != end; ++it)
      versions += "<version>" + (*it)[1].str() + "</version>";
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata><groupId>" + options_.group + "</groupId><artifactId>" +
           options_.artifact + "</artifactId><versioning><latest>" + version + "</latest><release>" + version +
           "</release><versions>" + versions + "<version>" + version + "</version></versions></versioning></metadata>\n";
  }

  static std::string Failed(const std::string& what, const std::optional<Answer>& answer) {
    if (!answer) return what + ": the connection broke";
    return what + ": HTTP " + std::to_string(answer->status) + " " + answer->body.substr(0, 300);
  }

  const Options& options_;
  Connection connection_;
  std::string jar_base_;
  bool challenged_ = false;
};

std::optional<Options> Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--port") o.port = std::atoi(value.c_str());
    else if (flag == "--base") o.base = value;
    else if (flag == "--group") o.group = value;
    else if (flag == "--artifact") o.artifact = value;
    else if (flag == "--authorization") o.authorization = value;
    else if (flag == "--deploys") o.deploys = std::atoi(value.c_str());
    else if (flag == "--concurrency") o.concurrency = std::max(1, std::atoi(value.c_str()));
    else if (flag == "--first-version") o.first_version = std::atoi(value.c_str());
    else if (flag == "--jar-bytes") o.jar_bytes = static_cast<size_t>(std::atoll(value.c_str()));
    else if (flag == "--metadata-gets") o.metadata_gets = std::atoi(value.c_str());
    else return std::nullopt;
  }
  if (o.port <= 0 || o.base.empty() || o.group.empty() || o.artifact.empty() || o.authorization.empty()) return std::nullopt;
  return o;
}

// Runs `count` jobs over `concurrency` threads; job(i, state) returns an error or "". Returns
// each job's milliseconds (-1 when it failed) and the first error.
template <typename State, typename Make, typename Job>
std::pair<std::vector<double>, std::string> RunJobs(int count, int concurrency, Make make, Job job) {
  std::vector<double> millis(count, -1);
  std::atomic<int> next{0};
  std::mutex error_mutex;
  std::string first_error;
  std::vector<std::thread> threads;
  for (int t = 0; t < concurrency; ++t) {
    threads.emplace_back([&, t] {
      asio::io_context io;
      State state = make(io, t);
      for (int i; (i = next.fetch_add(1)) < count;) {
        const auto start = Clock::now();
        const std::string error = job(i, state);
        if (error.empty()) {
          millis[i] = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        } else {
          std::lock_guard lock(error_mutex);
          if (first_error.empty()) first_error = error;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  return {millis, first_error};
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = Parse(argc, argv);
  if (!options) {
    std::fprintf(stderr,
                 "usage: maven_load --port PORT --base /api/v3/organizations/ORG/maven --group ORG --artifact A "
                 "--authorization 'Basic ...' --deploys N --concurrency C [--first-version V] [--jar-bytes B] "
                 "[--metadata-gets M]\n");
    return 2;
  }
  std::mt19937_64 random(42);
  std::string jar_base(options->jar_bytes, '\0');
  for (char& c : jar_base) c = static_cast<char>(random());

  const auto deploy_start = Clock::now();
  auto [deploy_millis, deploy_error] = RunJobs<std::unique_ptr<Deployer>>(
      options->deploys, options->concurrency,
      [&](asio::io_context& io, int) { return std::make_unique<Deployer>(*options, io, jar_base); },
      [&](int i, std::unique_ptr<Deployer>& deployer) { return deployer->Deploy(options->first_version + i); });
  const double deploy_seconds = std::chrono::duration<double>(Clock::now() - deploy_start).count();
  const long completed = std::count_if(deploy_millis.begin(), deploy_millis.end(), [](double m) { return m >= 0; });
  std::erase(deploy_millis, -1);

  // The artifact's metadata as Maven resolving a version range reads it, with credentials.
  const std::string metadata_path =
      options->base + "/" + std::regex_replace(options->group, std::regex("\\."), "/") + "/" + options->artifact +
      "/maven-metadata.xml";
  std::atomic<long> listed{0};
  auto [get_millis, get_error] = RunJobs<std::unique_ptr<Connection>>(
      options->metadata_gets, options->concurrency,
      [&](asio::io_context& io, int) { return std::make_unique<Connection>(*options, io); },
      [&](int, std::unique_ptr<Connection>& connection) -> std::string {
        auto answer = connection->Exchange("GET", metadata_path, "", true);
        if (!answer || answer->status != 200) return "GET metadata failed";
        long versions = 0;
        for (size_t at = 0; (at = answer->body.find("<version>", at)) != std::string::npos; ++at) ++versions;
        listed = versions;
        return "";
      });
  std::erase(get_millis, -1);

  std::printf("{\"deploys\": %ld, \"deploy_seconds\": %.3f, \"deploys_per_second\": %.1f, \"deploy_p50_ms\": %.2f, "
              "\"deploy_p99_ms\": %.2f, \"metadata_gets\": %zu, \"versions_listed\": %ld, \"metadata_p50_ms\": %.3f, "
              "\"metadata_p99_ms\": %.3f, \"first_error\": %s}\n",
              completed, deploy_seconds, completed ? completed / deploy_seconds : 0.0, Percentile(deploy_millis, 0.5),
              Percentile(deploy_millis, 0.99), get_millis.size(), listed.load(), Percentile(get_millis, 0.5),
              Percentile(get_millis, 0.99), JsonString(deploy_error.empty() ? get_error : deploy_error).c_str());
  return deploy_error.empty() && get_error.empty() ? 0 : 1;
}
