// The checks (internal to src/compat): each reads the matched pairs of an ApiDiff and reports
// changes through a CheckContext, which fills in where each change is and drops the changes a
// recognised transition explains (see SchemaDiff: a value made nullable by a oneOf wrapping is
// one change, not a type change, a oneOf added and an enum removed).
//
// Thread safety: one CheckContext per comparison, used by one thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compat/api_diff.h"

namespace agora::compat::internal {

using specs::SourceLocation;

// The operation a change concerns.
struct Scope {
  std::string method;
  std::string path;
  std::string operation;  // "GET /path" or "PortType.operation"
  const Operation* base = nullptr;
  const Operation* revision = nullptr;
};

class CheckContext {
 public:
  CheckContext(const ApiDiff& diff, SchemaComparer& comparer, const Options& options, std::vector<Change>& changes);

  const ApiDiff& diff() const { return diff_; }
  SchemaComparer& comparer() { return comparer_; }
  const Options& options() const { return options_; }
  const specs::ApiModel& base_model() const { return comparer_.base_index().model(); }
  const specs::ApiModel& revision_model() const { return comparer_.revision_index().model(); }

  Scope ScopeOf(const std::string& path, const Operation& operation, const Operation* base, const Operation* revision) const;

  // Reports `id` at an operation. `detail` completes the sentence the id starts. With `node`,
  // a change that a transition at that schema node explains is left out.
  void Emit(std::string_view id, const Scope& scope, const std::string& detail, const SourceLocation& base,
            const SourceLocation& revision, const SchemaDiff* node = nullptr);
  // Reports `id` about a component (a named type, a security scheme, a webhook, a service).
  void EmitComponent(std::string_view id, const std::string& component, const std::string& detail,
                     const SourceLocation& base, const SourceLocation& revision);

  // Lifecycle extensions. The stability level: "" when none is declared, nullopt when it is not
  // one of draft, alpha, beta, stable.
  static std::optional<std::string> Stability(const std::map<std::string, std::string>& extensions);
  // Whether an operation of this stability is within the reported scope (Options::stability_level).
  bool StabilityIncluded(const std::string& stability) const;
  // Days a deprecation must give before the sunset, for an operation of this stability.
  uint32_t DeprecationDays(const std::string& stability) const;
  // The x-sunset date as days since 1970-01-01: nullopt when absent, and `error` set when it
  // is present but not a date.
  static std::optional<int64_t> Sunset(const std::map<std::string, std::string>& extensions, bool& error);
  int64_t Today() const { return today_; }

 private:
  const ApiDiff& diff_;
  SchemaComparer& comparer_;
  const Options& options_;
  std::vector<Change>& changes_;
  int64_t today_ = 0;
};

// "a/b": a property's full name from its path and name.
std::string PropertyName(const std::string& path, const std::string& name);
// `text` quoted for a message.
std::string Quote(const std::string& text);
// A JSON value's text for a message (strings unquoted).
std::string ValueText(const std::string& json);
// A bound or count for a message, without trailing zeros.
std::string NumberText(double value);

using ModifiedVisitor =
    std::function<void(const std::string& path, const std::string& name, const SchemaDiff& diff, const SchemaDiff& parent)>;
using PropertyVisitor =
    std::function<void(const std::string& path, const std::string& name, const Shape& shape, const SchemaDiff& parent)>;

// Every changed property under `root` (not `root` itself), as oasdiff walks them: properties by
// name, then array items ("items"), alternatives ("allOf[subschema #1]"), and the other
// sub-shapes, each with the path of names that leads to it.
void WalkModified(const SchemaDiff& root, const ModifiedVisitor& visit);
// Every property added (WalkAdded) or removed (WalkDeleted) under `root`, at any depth of
// changed properties, with the (resolved) shape it has in the version that has it.
void WalkAdded(SchemaComparer& comparer, const SchemaDiff& root, const PropertyVisitor& visit);
void WalkDeleted(SchemaComparer& comparer, const SchemaDiff& root, const PropertyVisitor& visit);

// The check families.
void CheckEndpoints(CheckContext& context);   // paths, operations, lifecycle, ids, tags, webhooks
void CheckSecurity(CheckContext& context);    // security requirements and schemes
void CheckComponents(CheckContext& context);  // named types removed
void CheckServices(CheckContext& context);    // WSDL services, ports, SOAP actions
void CheckParameters(CheckContext& context);  // request parameters
void CheckRequestBodies(CheckContext& context);
void CheckResponses(CheckContext& context);   // statuses, headers, media types, response bodies

// Shared by the schema checks of bodies, properties and parameters.
enum class TypeVerdict { kGeneralized, kCompatible, kChanged, kSpecialized };
// How a type or format change of a request value (`request`) or a response value reads.
TypeVerdict RequestTypeChange(const Shape& base, const Shape& revision, bool strongly_typed);
TypeVerdict ResponseTypeChange(const Shape& base, const Shape& revision, bool strongly_typed);
// Whether a type or format change breaks a client sending the value (oasdiff's typeOrFormatBreaking).
bool TypeOrFormatBreaking(const Shape& base, const Shape& revision, bool strongly_typed);
bool TypeOrFormatChanged(const Shape& base, const Shape& revision);
std::string TypeText(const Shape& shape);  // "integer/int32"
// +1 became nullable, -1 became not nullable, 0 unchanged.
int NullabilityChange(const SchemaDiff& diff);
bool StronglyTyped(const std::string& media_type);
// The values an x-extensible-enum lost, when both versions declare one.
std::vector<std::string> RemovedExtensibleEnumValues(const Shape& base, const Shape& revision);
// The schema checks of one response's bodies (run by CheckResponses).
void CheckResponseBodies(CheckContext& context, const Scope& scope, const ResponsePair& response);

}  // namespace agora::compat::internal
