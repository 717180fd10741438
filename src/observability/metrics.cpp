#include "observability/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <dirent.h>
#include <fstream>

#include "common/ids.h"

namespace agora::observability {
namespace {

// Upper bounds of the latency histogram's buckets, in seconds; +Inf is implied.
constexpr std::array<double, 13> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                             0.25,  0.5,    1,     2.5,  5,    10};
constexpr int kStatuses = 600;

std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) return std::to_string(static_cast<int64_t>(value));
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

void Header(std::string& out, const std::string& name, const std::string& type, const std::string& help) {
  out += "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void Line(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += " " + Number(value) + "\n";
}

}  // namespace

std::string EscapeLabel(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    if (c == '\\') escaped += "\\\\";
    else if (c == '"') escaped += "\\\"";
    else if (c == '\n') escaped += "\\n";
    else escaped += c;
  }
  return escaped;
}

// Counters of one route; atomics, so that the request path takes no lock.
struct Metrics::RouteCounters {
  std::string labels;  // method="GET",route="..."
  std::array<std::atomic<uint64_t>, kStatuses> by_status{};
  std::array<std::atomic<uint64_t>, kBuckets.size()> buckets{};  // not cumulative; summed when rendered
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> micros{0};
  std::atomic<uint64_t> bytes{0};
};

Metrics::Metrics(const std::vector<server::Router::Route>& routes) {
  for (const auto& route : routes) {
    routes_.push_back(std::make_unique<RouteCounters>());
    routes_.back()->labels = "method=\"" + EscapeLabel(route.method) + "\",route=\"" + EscapeLabel(route.pattern) + "\"";
  }
  routes_.push_back(std::make_unique<RouteCounters>());
  routes_.back()->labels = "method=\"\",route=\"unmatched\"";
}

Metrics::~Metrics() = default;

void Metrics::RequestDone(const server::RequestRecord& record) {
  const size_t index = record.route_index >= 0 && static_cast<size_t>(record.route_index) < routes_.size() - 1
                           ? static_cast<size_t>(record.route_index)
                           : routes_.size() - 1;
  RouteCounters& counters = *routes_[index];
  const int status = record.status >= 100 && record.status < kStatuses ? record.status : 0;
  counters.by_status[status].fetch_add(1, std::memory_order_relaxed);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && record.seconds > kBuckets[bucket]) ++bucket;
  if (bucket < kBuckets.size()) counters.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  counters.count.fetch_add(1, std::memory_order_relaxed);
  counters.micros.fetch_add(static_cast<uint64_t>(record.seconds * 1e6), std::memory_order_relaxed);
  counters.bytes.fetch_add(record.bytes_sent, std::memory_order_relaxed);
}

void Metrics::AddFamily(std::string name, std::string type, std::string help,
                        std::function<std::vector<Sample>()> collect) {
  families_.push_back({std::move(name), std::move(type), std::move(help), std::move(collect)});
}

void Metrics::RenderRequests(std::string& out) const {
  Header(out, "agora_http_requests_total", "counter", "HTTP requests answered, by route, method and status.");
  for (const auto& route : routes_)
    for (int status = 0; status < kStatuses; ++status)
      if (const uint64_t n = route->by_status[status].load(std::memory_order_relaxed))
        Line(out, "agora_http_requests_total", route->labels + ",status=\"" + std::to_string(status) + "\"", n);

  const std::string duration = "agora_http_request_duration_seconds";
  Header(out, duration, "histogram", "Time from a request's arrival to its answer's last byte.");
  for (const auto& route : routes_) {
    const uint64_t count = route->count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += route->buckets[i].load(std::memory_order_relaxed);
      Line(out, duration + "_bucket", route->labels + ",le=\"" + Number(kBuckets[i]) + "\"", cumulative);
    }
    Line(out, duration + "_bucket", route->labels + ",le=\"+Inf\"", count);
    Line(out, duration + "_sum", route->labels, route->micros.load(std::memory_order_relaxed) / 1e6);
    Line(out, duration + "_count", route->labels, count);
  }

  Header(out, "agora_http_response_bytes_total", "counter", "Response body bytes sent, by route and method.");
  for (const auto& route : routes_)
    if (route->count.load(std::memory_order_relaxed))
      Line(out, "agora_http_response_bytes_total", route->labels, route->bytes.load(std::memory_order_relaxed));
}

std::string Metrics::Render() const {
  std::string out;
  RenderRequests(out);
  for (const auto& family : families_) {
    Header(out, family.name, family.type, family.help);
    for (const auto& sample : family.collect()) Line(out, family.name, sample.labels, sample.value);
  }
  return out;
}

namespace {

double OpenFileCount() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return 0;
  double count = 0;
  while (const dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  ::closedir(dir);
  return count - 1;  // the descriptor opendir itself holds
}

double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(::sysconf(_SC_PAGESIZE));
}

double CpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

}  // namespace

void AddProcessFamilies(Metrics& metrics) {
  const double start_seconds = NowMillis() / 1000.0;
  metrics.AddFamily("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.",
                    [start_seconds] { return std::vector<Sample>{{"", start_seconds}}; });
  metrics.AddFamily("process_cpu_seconds_total", "counter", "User and system CPU time spent.",
                    [] { return std::vector<Sample>{{"", CpuSeconds()}}; });
  metrics.AddFamily("process_resident_memory_bytes", "gauge", "Resident memory size.",
                    [] { return std::vector<Sample>{{"", ResidentBytes()}}; });
  metrics.AddFamily("process_open_fds", "gauge", "Open file descriptors.",
                    [] { return std::vector<Sample>{{"", OpenFileCount()}}; });
}

}  // namespace agora::observability
