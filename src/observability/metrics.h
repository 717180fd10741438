// Metrics: what an operator's Prometheus scrapes from GET /metrics, in the Prometheus text
// exposition format (version 0.0.4).
//
// Requests are counted by the router's observer hook (server::RequestObserver): per route
// pattern, method and status, with a latency histogram and the bytes sent. Everything else
// (publications and their outcome, the job queue, the blob store, caches, the process) is read
// when scraped, through collectors the owning modules register: they keep their own counters, and
// nothing here is in their way.
//
// Thread safety: RequestDone may be called from any thread concurrently (atomics only); AddFamily
// is called while wiring, before the server starts; Render may run concurrently with both.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "server/http.h"

namespace agora::observability {

// One sample of a family: its labels as written between braces (`cache="version",result="hit"`,
// already escaped with EscapeLabel) and its value.
struct Sample {
  std::string labels;
  double value = 0;
};

// A label value escaped as the text format requires (backslash, double quote, newline).
std::string EscapeLabel(std::string_view value);

class Metrics : public server::RequestObserver {
 public:
  // `routes`: the router's routes, whose index RequestRecord::route_index gives.
  explicit Metrics(const std::vector<server::Router::Route>& routes);
  ~Metrics() override;

  void RequestDone(const server::RequestRecord& record) override;

  // A family read at scrape time. `type`: "counter" or "gauge".
  void AddFamily(std::string name, std::string type, std::string help, std::function<std::vector<Sample>()> collect);

  // Every family, in the text exposition format.
  std::string Render() const;

  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  struct RouteCounters;
  struct Family {
    std::string name, type, help;
    std::function<std::vector<Sample>()> collect;
  };

  void RenderRequests(std::string& out) const;

  std::vector<std::unique_ptr<RouteCounters>> routes_;  // one per route, then one for unmatched
  std::vector<Family> families_;
};

// The process's own figures (resident memory, CPU time, open files, start time) as the standard
// process_* families.
void AddProcessFamilies(Metrics& metrics);

}  // namespace agora::observability
