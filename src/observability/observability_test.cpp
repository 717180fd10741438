#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "observability/access_log.h"
#include "observability/metrics.h"

namespace agora::observability {
namespace {

std::vector<server::Router::Route> Routes() {
  return {{"GET", "/exchange/api/v2/assets/{groupId}/{assetId}/{version}", {}}, {"POST", "/weird\"route\\", {}}};
}

server::RequestRecord Record(int route_index, int status, double seconds, uint64_t bytes) {
  server::RequestRecord record;
  record.route_index = route_index;
  record.status = status;
  record.seconds = seconds;
  record.bytes_sent = bytes;
  return record;
}

// The value of the line that starts with `series` followed by a space.
std::optional<std::string> Value(const std::string& text, const std::string& series) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(series + " ", 0) == 0) return line.substr(series.size() + 1);
  return std::nullopt;
}

TEST(MetricsTest, CountsRequestsByRouteMethodAndStatus) {
  Metrics metrics(Routes());
  metrics.RequestDone(Record(0, 200, 0.002, 100));
  metrics.RequestDone(Record(0, 200, 0.3, 50));
  metrics.RequestDone(Record(0, 404, 0.0001, 10));
  metrics.RequestDone(Record(-1, 404, 0.0001, 10));
  const std::string text = metrics.Render();
  const std::string route = R"(method="GET",route="/exchange/api/v2/assets/{groupId}/{assetId}/{version}")";
  EXPECT_EQ(Value(text, "agora_http_requests_total{" + route + R"(,status="200"})"), "2") << text;
  EXPECT_EQ(Value(text, "agora_http_requests_total{" + route + R"(,status="404"})"), "1");
  EXPECT_EQ(Value(text, R"(agora_http_requests_total{method="",route="unmatched",status="404"})"), "1");
  EXPECT_EQ(Value(text, "agora_http_response_bytes_total{" + route + "}"), "160");
  // Buckets are cumulative and end with +Inf = count.
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_bucket{" + route + R"(,le="0.001"})"), "1");
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_bucket{" + route + R"(,le="0.0025"})"), "2");
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_bucket{" + route + R"(,le="0.25"})"), "2");
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_bucket{" + route + R"(,le="0.5"})"), "3");
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_bucket{" + route + R"(,le="+Inf"})"), "3");
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_count{" + route + "}"), "3");
  EXPECT_EQ(Value(text, "agora_http_request_duration_seconds_sum{" + route + "}"), "0.3021");
  EXPECT_EQ(text.find("/weird"), std::string::npos) << "routes never requested are left out";
}

TEST(MetricsTest, LabelsAreEscaped) {
  Metrics metrics(Routes());
  metrics.RequestDone(Record(1, 500, 0, 0));
  EXPECT_NE(metrics.Render().find(R"(route="/weird\"route\\")"), std::string::npos);
  EXPECT_EQ(EscapeLabel("a\nb"), "a\\nb");
}

TEST(MetricsTest, FamiliesAreReadWhenScraped) {
  Metrics metrics(Routes());
  int scrapes = 0;
  metrics.AddFamily("agora_things", "gauge", "Things.", [&] {
    ++scrapes;
    return std::vector<Sample>{{R"(kind="a")", 1.5}, {"", 7}};
  });
  const std::string text = metrics.Render();
  EXPECT_NE(text.find("# HELP agora_things Things.\n# TYPE agora_things gauge\n"), std::string::npos) << text;
  EXPECT_EQ(Value(text, R"(agora_things{kind="a"})"), "1.5");
  EXPECT_EQ(Value(text, "agora_things"), "7");
  metrics.Render();
  EXPECT_EQ(scrapes, 2);
}

TEST(MetricsTest, ProcessFamiliesReportThisProcess) {
  Metrics metrics({});
  AddProcessFamilies(metrics);
  const std::string text = metrics.Render();
  EXPECT_GT(std::stod(*Value(text, "process_resident_memory_bytes")), 1e6);
  EXPECT_GT(std::stod(*Value(text, "process_open_fds")), 2);
  EXPECT_GT(std::stod(*Value(text, "process_start_time_seconds")), 1.7e9);
  EXPECT_TRUE(Value(text, "process_cpu_seconds_total"));
}

TEST(AccessLogTest, FormatsOneJsonObjectWithSecretsRedacted) {
  server::RequestRecord record = Record(0, 201, 0.0125, 42);
  record.time_millis = 1'700'000'000'123;
  record.method = "GET";
  record.target = "/exchange/files/x/a.jar?expires=1&signature=abc&tokenish=t&q=fine";
  record.route = "/exchange/files/{rest*}";
  record.principal = "jdoe";
  record.request_id = "r-1";
  record.remote_address = "10.0.0.1";
  const std::string line = AccessLog::Format(record);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto json = boost::json::parse(line).as_object();
  EXPECT_EQ(json.at("time"), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(json.at("requestId"), "r-1");
  EXPECT_EQ(json.at("method"), "GET");
  EXPECT_EQ(json.at("target"), "/exchange/files/x/a.jar?expires=1&signature=***&tokenish=***&q=fine");
  EXPECT_EQ(json.at("route"), "/exchange/files/{rest*}");
  EXPECT_EQ(json.at("status").as_int64(), 201);
  EXPECT_EQ(json.at("bytes").as_int64(), 42);
  EXPECT_EQ(json.at("durationMicros").as_int64(), 12500);
  EXPECT_EQ(json.at("principal"), "jdoe");
  EXPECT_EQ(json.at("remoteAddress"), "10.0.0.1");
}

TEST(AccessLogTest, AppendsLinesAndFlushesWhenClosed) {
  const auto path = std::filesystem::temp_directory_path() / ("agora-access-" + std::to_string(::getpid()) + ".log");
  std::filesystem::remove(path);
  std::ofstream(path) << "earlier line\n";
  {
    auto log = AccessLog::Open(path.string());
    ASSERT_TRUE(log.ok()) << log.status().message();
    for (int i = 0; i < 3; ++i) (*log)->RequestDone(Record(0, 200 + i, 0, 0));
  }
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "earlier line");
  EXPECT_EQ(boost::json::parse(lines[3]).at("status").as_int64(), 202);
  std::filesystem::remove(path);
  EXPECT_FALSE(AccessLog::Open("/nonexistent-dir/x.log").ok());
}

}  // namespace
}  // namespace agora::observability
