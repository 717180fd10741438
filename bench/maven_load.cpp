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
// Thread safety: each thread owns its connection (see load_connection.h's RunJobs).
#include <openssl/evp.h>

#include "load_connection.h"
#include "load_figures.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

using agora::bench::Answer;
using agora::bench::JsonString;
using agora::bench::LoadConnection;
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

// A request as Maven sends it: credentials when it has been challenged, and a PUT's body only
// after 100 Continue.
std::optional<Answer> Exchange(const Options& options, LoadConnection& connection, const std::string& method,
                               const std::string& target, const std::string& body, bool credentials) {
  std::string head = connection.Head(method, target) + "User-Agent: maven_load\r\n";
  if (credentials) head += "Authorization: " + options.authorization + "\r\n";
  if (method == "PUT") head += "Content-Length: " + std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n";
  return connection.Exchange(head, body);
}

// What deploy-file sends for one version, checking each answer.
class Deployer {
 public:
  Deployer(const Options& options, boost::asio::io_context& io, std::string jar_base)
      : options_(options), connection_(io, options.port), jar_base_(std::move(jar_base)) {}

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
      auto challenge = Exchange(options_, connection_, "GET", metadata_path, "", false);
      if (!challenge || challenge->status != 401) return "the first anonymous GET was not answered 401";
      challenged_ = true;
    }
    auto current = Exchange(options_, connection_, "GET", metadata_path, "", true);
    if (!current || (current->status != 200 && current->status != 404)) return Failed("GET metadata", current);
    if (current->status == 200) {
      auto sha1 = Exchange(options_, connection_, "GET", metadata_path + ".sha1", "", true);
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
      auto answer = Exchange(options_, connection_, "PUT", path, body, true);
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
  LoadConnection connection_;
  std::string jar_base_;
  bool challenged_ = false;
};

std::optional<Options> Parse(int argc, char** argv) {
  Options o;
  const bool known = agora::bench::ParseFlags(argc, argv, [&o](const std::string& flag, const std::string& value) {
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
    else return false;
    return true;
  });
  if (!known || o.port <= 0 || o.base.empty() || o.group.empty() || o.artifact.empty() || o.authorization.empty())
    return std::nullopt;
  return o;
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

  const auto deploys = agora::bench::RunJobs<std::unique_ptr<Deployer>>(
      options->deploys, options->concurrency, 0,
      [&](boost::asio::io_context& io, int) { return std::make_unique<Deployer>(*options, io, jar_base); },
      [&](int i, std::unique_ptr<Deployer>& deployer) { return deployer->Deploy(options->first_version + i); });
  const std::vector<double> deploy_millis = deploys.Succeeded();
  const long completed = static_cast<long>(deploy_millis.size());

  // The artifact's metadata as Maven resolving a version range reads it, with credentials.
  const std::string metadata_path =
      options->base + "/" + std::regex_replace(options->group, std::regex("\\."), "/") + "/" + options->artifact +
      "/maven-metadata.xml";
  std::atomic<long> listed{0};
  const auto gets = agora::bench::RunJobs<std::unique_ptr<LoadConnection>>(
      options->metadata_gets, options->concurrency, 0,
      [&](boost::asio::io_context& io, int) { return std::make_unique<LoadConnection>(io, options->port); },
      [&](int, std::unique_ptr<LoadConnection>& connection) -> std::string {
        auto answer = Exchange(*options, *connection, "GET", metadata_path, "", true);
        if (!answer || answer->status != 200) return "GET metadata failed";
        long versions = 0;
        for (size_t at = 0; (at = answer->body.find("<version>", at)) != std::string::npos; ++at) ++versions;
        listed = versions;
        return "";
      });
  const std::vector<double> get_millis = gets.Succeeded();
  const std::string& first_error = deploys.first_error.empty() ? gets.first_error : deploys.first_error;

  std::printf("{\"deploys\": %ld, \"deploy_seconds\": %.3f, \"deploys_per_second\": %.1f, \"deploy_p50_ms\": %.2f, "
              "\"deploy_p99_ms\": %.2f, \"metadata_gets\": %zu, \"versions_listed\": %ld, \"metadata_p50_ms\": %.3f, "
              "\"metadata_p99_ms\": %.3f, \"first_error\": %s}\n",
              completed, deploys.seconds, completed ? completed / deploys.seconds : 0.0, Percentile(deploy_millis, 0.5),
              Percentile(deploy_millis, 0.99), get_millis.size(), listed.load(), Percentile(get_millis, 0.5),
              Percentile(get_millis, 0.99), JsonString(first_error).c_str());
  return first_error.empty() ? 0 : 1;
}
