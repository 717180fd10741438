// Compatibility reports: every change between two versions of an API, each with a stable kebab
// id, a level (ERR: breaks clients, WARN: may break them, INFO: safe), the operation or component
// it concerns and where it is in both versions (file:line:column).
//
// The comparison reads the API model (specs::ApiModel), so RAML 0.8/1.0, OAS 2.0/3.0/3.1 and
// WSDL 1.1 with XSD are compared by one engine: a query parameter that became required is
// `request-parameter-became-required` whatever the format. Where a check means what one of
// oasdiff's does, it has oasdiff's id and level (see Rules() and docs/compatibility.md), so the
// report reads the same for people who know that tool; checks oasdiff has no id for (WSDL
// services, ports and SOAP actions) have agora ids of the same style.
//
// Named types are compared through their references with a visited set, so recursive types are
// compared finitely, and each pair of types is compared once however many operations use it.
//
// Thread safety: Compare is a pure function of its arguments; Rules() is immutable.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "specs/api_model.h"

namespace agora::compat {

enum class Level { kInfo = 0, kWarn = 1, kErr = 2 };

std::string_view LevelName(Level level);  // "INFO", "WARN", "ERR"
std::optional<Level> ParseLevel(std::string_view name);  // case-insensitive; "ERROR" and "WARNING" too

struct Change {
  std::string id;
  Level level = Level::kInfo;
  // The operation, as "METHOD /path" for REST APIs and "PortType.operation" for WSDL; empty for
  // a change outside operations, which names its `component` instead.
  std::string operation;
  std::string method;  // lower case, as in the model; for WSDL "post"
  std::string path;    // the revision's path (the base's when the operation was removed)
  std::string component;  // "schemas", "securitySchemes", "security", "webhooks", "services", ...
  std::string message;    // one English sentence
  specs::SourceLocation base;      // unknown when the element is new
  specs::SourceLocation revision;  // unknown when the element was removed

  friend bool operator==(const Change&, const Change&) = default;
};

struct Options {
  // Changes to operations less stable than this (x-stability-level draft < alpha < beta <
  // stable; an operation without one is stable) are left out, as oasdiff does by default.
  std::string stability_level = "beta";
  // Days a deprecation must give before its sunset (x-sunset) for beta and stable operations.
  uint32_t beta_deprecation_days = 0;
  uint32_t stable_deprecation_days = 0;
  // Whether an anyOf/oneOf alternative moved between inline and $ref, unchanged otherwise, is
  // the same alternative (oasdiff's MatchInlineRefs, on by default).
  bool match_inline_refs = true;
  // OAS path-item parameters compared as each operation's own (oasdiff's --flatten-params).
  bool flatten_params = false;
  // The day sunsets are compared with, "YYYY-MM-DD"; empty: today (UTC).
  std::string today;
};

struct Report {
  std::vector<Change> changes;  // most severe first, then by path, method and id

  size_t Count(Level level) const;
  // Whether any change is at `level` or more severe.
  bool Reaches(Level level) const;
};

Report Compare(const specs::ApiModel& base, const specs::ApiModel& revision, const Options& options = {});

// One check id: its level and the family of change it reports (oasdiff's rule kinds: type,
// values, constraints, structure, existence, requiredness, mutability, lifecycle).
struct Rule {
  std::string_view id;
  Level level;
  std::string_view kind;
  bool oasdiff;  // the id and level are oasdiff's; otherwise an agora id
};

// Every id Compare may report, oasdiff's first in their order, then agora's own.
const std::vector<Rule>& Rules();
const Rule* FindRule(std::string_view id);

}  // namespace agora::compat
