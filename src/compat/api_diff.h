// Which elements of two API models correspond (internal to src/compat): resources by path
// (template variable names aside), operations by method (WSDL: by name), parameters by location
// and name, bodies by media type, responses by status, headers by name; each matched pair with
// the difference of its shapes. The checks (checks.h) read this to decide what to report.
//
// Thread safety: built and read by one thread.
#pragma once

#include <deque>
#include <set>
#include <string>
#include <vector>

#include "compat/schema_diff.h"

namespace agora::compat::internal {

using specs::Body;
using specs::Operation;
using specs::Parameter;
using specs::Resource;
using specs::Response;

struct ParameterPair {
  const Parameter* base = nullptr;
  const Parameter* revision = nullptr;
  SchemaDiffPtr schema;
};

struct ParametersDiff {
  std::vector<const Parameter*> added, deleted;
  std::vector<ParameterPair> matched;
};

struct MediaPair {
  std::string name;  // the revision's media type
  const Body* base = nullptr;
  const Body* revision = nullptr;
  SchemaDiffPtr schema;  // `added`/`deleted` when only one side has a shape
};

struct ContentDiff {
  std::vector<const Body*> added, deleted;
  std::vector<MediaPair> matched;
};

struct ResponsePair {
  std::string status;
  const Response* base = nullptr;
  const Response* revision = nullptr;
  ContentDiff content;
  std::vector<const Parameter*> headers_added, headers_deleted;
  std::vector<ParameterPair> headers_matched;
};

struct OperationPair {
  std::string method;
  std::string path;  // the base's path (the revision's may name its variables differently)
  const Operation* base = nullptr;
  const Operation* revision = nullptr;
  ParametersDiff parameters;
  bool body_added = false, body_deleted = false;
  ContentDiff body;
  std::vector<const Response*> responses_added, responses_deleted;
  std::vector<ResponsePair> responses_matched;
};

struct ResourcePair {
  std::string path;
  const Resource* base = nullptr;
  const Resource* revision = nullptr;
  std::vector<const Operation*> operations_added, operations_deleted;
  std::vector<OperationPair> operations_matched;
  ParametersDiff path_parameters;  // OAS path-item parameters
};

struct ResourcesDiff {
  std::vector<const Resource*> added, deleted;
  std::vector<ResourcePair> matched;
};

struct ApiDiff {
  ResourcesDiff resources;
  ResourcesDiff webhooks;  // matched webhooks are also in `resources`, as "webhook:<name>"
  // Parameters standing for the properties of exploded object parameters, which pairs point to.
  std::deque<Parameter> stand_ins;
};

// The identity of an operation inside its resource: its method, or for WSDL its name.
std::string OperationKey(const specs::ApiModel& model, const Operation& operation);

ApiDiff DiffApis(SchemaComparer& comparer, const Options& options);

}  // namespace agora::compat::internal
