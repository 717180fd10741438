// The checks of an API's surface: endpoints added and removed (with their deprecation and
// sunset), lifecycle extensions, operation ids and tags, security requirements and schemes,
// named types and webhooks removed, and WSDL services, ports and SOAP actions.
#include <boost/json.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "compat/checks.h"

namespace agora::compat::internal {
namespace {

using specs::SecurityRequirement;

int Rank(const std::string& stability) {
  if (stability == "draft") return 1;
  if (stability == "alpha") return 2;
  if (stability == "beta") return 3;
  return 4;
}

std::string Label(const std::string& stability) { return stability.empty() ? "stable" : stability; }

// ---- endpoints ----

void Removed(CheckContext& context, const Scope& scope, const Operation& operation, bool whole_path) {
  const SourceLocation& at = operation.location;
  if (!operation.deprecated)
    return context.Emit(whole_path ? "api-path-removed-without-deprecation" : "api-removed-without-deprecation", scope,
                        "", at, {});
  bool invalid = false;
  const auto sunset = CheckContext::Sunset(operation.extensions, invalid);
  if (invalid) return context.Emit("api-path-sunset-parse", scope, "", at, {});
  if (!sunset)
    return context.Emit(whole_path ? "api-path-removed-with-deprecation" : "api-removed-with-deprecation", scope, "",
                        at, {});
  if (context.Today() < *sunset)
    context.Emit(whole_path ? "api-path-removed-before-sunset" : "api-removed-before-sunset", scope,
                 "its sunset is still to come", at, {});
}

void InvalidStability(CheckContext& context, const Scope& scope, const Operation& operation) {
  if (!CheckContext::Stability(operation.extensions))
    context.Emit("api-invalid-stability-level", scope, "x-stability-level is not draft, alpha, beta or stable",
                 operation.location, {});
}

void Deprecation(CheckContext& context, const Scope& scope, const Operation& base, const Operation& revision) {
  if (base.deprecated == revision.deprecated) return;
  if (!revision.deprecated) return context.Emit("endpoint-reactivated", scope, "", base.location, revision.location);
  const auto stability = CheckContext::Stability(revision.extensions);
  if (!stability) return;
  const uint32_t days = context.DeprecationDays(*stability);
  bool invalid = false;
  const auto sunset = CheckContext::Sunset(revision.extensions, invalid);
  const std::string level = stability->empty() ? "" : "stability " + *stability;
  if (invalid) return context.Emit("api-deprecated-sunset-parse", scope, "", base.location, revision.location);
  if (!sunset)
    return context.Emit(days > 0 ? "api-deprecated-sunset-missing" : "endpoint-deprecated", scope, level,
                        base.location, revision.location);
  if (*sunset - context.Today() < static_cast<int64_t>(days))
    return context.Emit("api-sunset-date-too-small", scope,
                        "the sunset is less than " + std::to_string(days) + " days away", base.location,
                        revision.location);
  context.Emit("endpoint-deprecated-with-sunset", scope, level, base.location, revision.location);
}

void SunsetChanged(CheckContext& context, const Scope& scope, const Operation& base, const Operation& revision) {
  if (!revision.deprecated || base.extensions == revision.extensions) return;
  const bool had = base.extensions.count("x-sunset"), has = revision.extensions.count("x-sunset");
  if (had && !has) return context.Emit("sunset-deleted", scope, "", base.location, revision.location);
  if (!had || !has || base.extensions.at("x-sunset") == revision.extensions.at("x-sunset")) return;
  bool invalid = false;
  const auto to = CheckContext::Sunset(revision.extensions, invalid);
  if (invalid) return context.Emit("api-path-sunset-parse", scope, "the new sunset is not a date", base.location, revision.location);
  const auto from = CheckContext::Sunset(base.extensions, invalid);
  if (invalid) return context.Emit("api-path-sunset-parse", scope, "the old sunset is not a date", base.location, revision.location);
  const auto stability = CheckContext::Stability(revision.extensions);
  if (!to || !from || !stability) return;
  const uint32_t days = context.DeprecationDays(*stability);
  if (*from > *to && *to - context.Today() < static_cast<int64_t>(days))
    context.Emit("api-sunset-date-changed-too-small", scope, "moved earlier, to less than " + std::to_string(days) + " days away",
                 base.location, revision.location);
}

void StabilityChanged(CheckContext& context, const Scope& scope, const Operation& base, const Operation& revision) {
  const auto from = CheckContext::Stability(base.extensions);
  const auto to = CheckContext::Stability(revision.extensions);
  if (!from || !to || Rank(*from) == Rank(*to) || !context.StabilityIncluded(Label(*from))) return;
  context.Emit(Rank(*to) < Rank(*from) ? "api-stability-decreased" : "api-stability-increased", scope,
               "from " + Label(*from) + " to " + Label(*to), base.location, revision.location);
}

void IdsAndTags(CheckContext& context, const Scope& scope, const Operation& base, const Operation& revision) {
  if (base.operation_id != revision.operation_id && context.base_model().format != "wsdl") {
    if (base.operation_id.empty())
      context.Emit("api-operation-id-added", scope, Quote(revision.operation_id), base.location, revision.location);
    else
      context.Emit("api-operation-id-removed", scope,
                   Quote(base.operation_id) + (revision.operation_id.empty() ? "" : ", now " + Quote(revision.operation_id)),
                   base.location, revision.location);
  }
  for (const auto& tag : base.tags)
    if (std::find(revision.tags.begin(), revision.tags.end(), tag) == revision.tags.end())
      context.Emit("api-tag-removed", scope, Quote(tag), base.location, revision.location);
  for (const auto& tag : revision.tags)
    if (std::find(base.tags.begin(), base.tags.end(), tag) == base.tags.end())
      context.Emit("api-tag-added", scope, Quote(tag), base.location, revision.location);
}

bool Kept(const CheckContext& context, const Operation& operation) {
  const auto stability = CheckContext::Stability(operation.extensions);
  return !stability || context.StabilityIncluded(*stability);
}

// ---- security ----

std::set<std::string> Schemes(const SecurityRequirement& requirement) {
  std::set<std::string> names;
  for (const auto& use : requirement) names.insert(use.scheme);
  return names;
}

std::map<std::string, std::set<std::string>> Scopes(const SecurityRequirement& requirement) {
  std::map<std::string, std::set<std::string>> scopes;
  for (const auto& use : requirement) scopes[use.scheme].insert(use.scopes.begin(), use.scopes.end());
  return scopes;
}

std::string Text(const SecurityRequirement& requirement) {
  if (requirement.empty()) return "{}";
  std::string text;
  for (const auto& [scheme, scopes] : Scopes(requirement)) {
    if (!text.empty()) text += " AND ";
    text += scheme;
    if (!scopes.empty()) {
      std::string list;
      for (const auto& scope : scopes) list += (list.empty() ? "" : ", ") + scope;
      text += ": [" + list + "]";
    }
  }
  return text;
}

struct SecurityDiff {
  std::vector<const SecurityRequirement*> added, deleted;
  // scheme -> scopes added, scopes removed, for alternatives that name the same schemes
  std::vector<std::pair<std::string, std::pair<std::vector<std::string>, std::vector<std::string>>>> scopes;
};

// Alternatives pair up when they name the same schemes with the same scopes, then (when only
// one such alternative is left on each side) with other scopes.
SecurityDiff DiffSecurity(const std::vector<SecurityRequirement>& base, const std::vector<SecurityRequirement>& revision) {
  SecurityDiff diff;
  std::vector<bool> base_matched(base.size(), false), revision_matched(revision.size(), false);
  auto find = [&](const SecurityRequirement& requirement, bool exact) {
    for (size_t j = 0; j < revision.size(); ++j) {
      if (revision_matched[j] || Schemes(revision[j]) != Schemes(requirement)) continue;
      if (exact && Scopes(revision[j]) != Scopes(requirement)) continue;
      return static_cast<int>(j);
    }
    return -1;
  };
  auto unique_unmatched = [](const std::vector<SecurityRequirement>& list, const std::vector<bool>& matched,
                             const std::set<std::string>& schemes) {
    int count = 0;
    for (size_t i = 0; i < list.size(); ++i)
      if (!matched[i] && Schemes(list[i]) == schemes) ++count;
    return count == 1;
  };
  for (size_t i = 0; i < base.size(); ++i)
    if (const int j = find(base[i], true); j >= 0) base_matched[i] = revision_matched[j] = true;
  for (size_t i = 0; i < base.size(); ++i) {
    if (base_matched[i] || !unique_unmatched(base, base_matched, Schemes(base[i]))) continue;
    const int j = find(base[i], false);
    if (j < 0 || !unique_unmatched(revision, revision_matched, Schemes(revision[j]))) continue;
    base_matched[i] = revision_matched[j] = true;
    const auto from = Scopes(base[i]), to = Scopes(revision[j]);
    for (const auto& [scheme, scopes] : to) {
      const auto& before = from.at(scheme);
      std::vector<std::string> added, removed;
      for (const auto& scope : scopes)
        if (!before.count(scope)) added.push_back(scope);
      for (const auto& scope : before)
        if (!scopes.count(scope)) removed.push_back(scope);
      if (!added.empty() || !removed.empty()) diff.scopes.push_back({scheme, {added, removed}});
    }
  }
  for (size_t i = 0; i < base.size(); ++i)
    if (!base_matched[i]) diff.deleted.push_back(&base[i]);
  for (size_t j = 0; j < revision.size(); ++j)
    if (!revision_matched[j]) diff.added.push_back(&revision[j]);
  return diff;
}

// The security an operation declares itself. Readers fill an operation's security with the
// API's default when it declares none, so a security equal to the default is taken as the
// default's, and a change of the default is reported once, for the API.
const std::vector<SecurityRequirement>& OwnSecurity(const Operation& operation, const specs::ApiModel& model) {
  static const std::vector<SecurityRequirement> kNone;
  return operation.security == model.security ? kNone : operation.security;
}

// The JSON object a security scheme setting holds, or null.
const boost::json::object* SettingObject(const specs::SecurityScheme& scheme, const std::string& key,
                                         boost::json::value& storage) {
  const auto found = scheme.settings.find(key);
  if (found == scheme.settings.end()) return nullptr;
  boost::system::error_code error;
  storage = boost::json::parse(found->second, error);
  return !error && storage.is_object() ? &storage.get_object() : nullptr;
}

std::string StringMember(const boost::json::object* object, const char* key) {
  if (!object) return "";
  const auto* value = object->if_contains(key);
  return value && value->is_string() ? std::string(value->get_string()) : "";
}

void SchemeChanged(CheckContext& context, const specs::SecurityScheme& base, const specs::SecurityScheme& revision) {
  const std::string& name = revision.name;
  auto emit = [&](const char* id, const std::string& detail) {
    context.EmitComponent(id, "securitySchemes", Quote(name) + (detail.empty() ? "" : ": " + detail), base.location,
                          revision.location);
  };
  if (base.type != revision.type) emit("api-security-component-type-changed", "from " + base.type + " to " + revision.type);
  // OAuth 2.0 implicit flow: its URLs and scopes.
  boost::json::value base_flows, revision_flows;
  const auto* from_flows = SettingObject(base, "flows", base_flows);
  const auto* to_flows = SettingObject(revision, "flows", revision_flows);
  auto implicit = [](const boost::json::object* flows) -> const boost::json::object* {
    if (!flows) return nullptr;
    const auto* flow = flows->if_contains("implicit");
    return flow && flow->is_object() ? &flow->get_object() : nullptr;
  };
  const auto* from = implicit(from_flows);
  const auto* to = implicit(to_flows);
  if (!from || !to) return;
  if (StringMember(from, "authorizationUrl") != StringMember(to, "authorizationUrl"))
    emit("api-security-component-oauth-url-changed",
         "from " + StringMember(from, "authorizationUrl") + " to " + StringMember(to, "authorizationUrl"));
  if (StringMember(from, "tokenUrl") != StringMember(to, "tokenUrl"))
    emit("api-security-component-oauth-token-url-changed",
         "from " + StringMember(from, "tokenUrl") + " to " + StringMember(to, "tokenUrl"));
  const boost::json::object empty;
  const auto* from_scopes = from->if_contains("scopes");
  const auto* to_scopes = to->if_contains("scopes");
  const auto& a = from_scopes && from_scopes->is_object() ? from_scopes->get_object() : empty;
  const auto& b = to_scopes && to_scopes->is_object() ? to_scopes->get_object() : empty;
  for (const auto& [scope, description] : b) {
    const auto* before = a.if_contains(scope);
    if (!before) emit("api-security-component-oauth-scope-added", std::string(scope));
    else if (*before != description) emit("api-security-component-oauth-scope-changed", std::string(scope));
  }
  for (const auto& [scope, description] : a)
    if (!b.if_contains(scope)) emit("api-security-component-oauth-scope-removed", std::string(scope));
}

}  // namespace

void CheckEndpoints(CheckContext& context) {
  const ApiDiff& diff = context.diff();
  for (const Resource* resource : diff.resources.added)
    for (const Operation& operation : resource->operations)
      context.Emit("endpoint-added", context.ScopeOf(resource->path, operation, nullptr, &operation), "", {},
                   operation.location);
  for (const Resource* resource : diff.resources.deleted) {
    for (const Operation& operation : resource->operations) {
      const Scope scope = context.ScopeOf(resource->path, operation, &operation, nullptr);
      InvalidStability(context, scope, operation);
      const auto stability = CheckContext::Stability(operation.extensions);
      if (!stability || *stability == "alpha" || *stability == "draft" || !context.StabilityIncluded(*stability)) continue;
      Removed(context, scope, operation, true);
    }
  }
  for (const ResourcePair& resource : diff.resources.matched) {
    for (const Operation* operation : resource.operations_added)
      context.Emit("endpoint-added", context.ScopeOf(resource.path, *operation, nullptr, operation), "", {},
                   operation->location);
    for (const Operation* operation : resource.operations_deleted) {
      const Scope scope = context.ScopeOf(resource.path, *operation, operation, nullptr);
      InvalidStability(context, scope, *operation);
      const auto stability = CheckContext::Stability(operation->extensions);
      if (stability && context.StabilityIncluded(*stability)) Removed(context, scope, *operation, false);
    }
    for (const OperationPair& operation : resource.operations_matched) {
      const Scope scope = context.ScopeOf(resource.path, *operation.revision, operation.base, operation.revision);
      InvalidStability(context, context.ScopeOf(resource.path, *operation.base, operation.base, nullptr), *operation.base);
      InvalidStability(context, scope, *operation.revision);
      StabilityChanged(context, scope, *operation.base, *operation.revision);
      if (!Kept(context, *operation.revision)) continue;
      Deprecation(context, scope, *operation.base, *operation.revision);
      SunsetChanged(context, scope, *operation.base, *operation.revision);
      IdsAndTags(context, scope, *operation.base, *operation.revision);
    }
  }
  for (const Resource* webhook : diff.webhooks.added)
    context.EmitComponent("webhook-added", "webhooks", Quote(webhook->path), {}, webhook->location);
  for (const Resource* webhook : diff.webhooks.deleted)
    context.EmitComponent("webhook-removed", "webhooks", Quote(webhook->path), webhook->location, {});
}

void CheckSecurity(CheckContext& context) {
  const auto& base_model = context.base_model();
  const auto& revision_model = context.revision_model();
  const SecurityDiff global = DiffSecurity(base_model.security, revision_model.security);
  for (const auto* requirement : global.added)
    context.EmitComponent("api-global-security-added", "security", Text(*requirement), {}, {});
  for (const auto* requirement : global.deleted)
    context.EmitComponent("api-global-security-removed", "security", Text(*requirement), {}, {});
  for (const auto& [scheme, scopes] : global.scopes) {
    for (const auto& scope : scopes.first)
      context.EmitComponent("api-global-security-scope-added", "security", Quote(scope) + " of " + scheme, {}, {});
    for (const auto& scope : scopes.second)
      context.EmitComponent("api-global-security-scope-removed", "security", Quote(scope) + " of " + scheme, {}, {});
  }
  for (const ResourcePair& resource : context.diff().resources.matched) {
    for (const OperationPair& operation : resource.operations_matched) {
      if (!Kept(context, *operation.revision)) continue;
      const Scope scope = context.ScopeOf(resource.path, *operation.revision, operation.base, operation.revision);
      const SecurityDiff diff = DiffSecurity(OwnSecurity(*operation.base, base_model),
                                             OwnSecurity(*operation.revision, revision_model));
      const SourceLocation& from = operation.base->location;
      const SourceLocation& to = operation.revision->location;
      for (const auto* requirement : diff.added)
        if (!requirement->empty()) context.Emit("api-security-added", scope, Text(*requirement), from, to);
      for (const auto* requirement : diff.deleted)
        if (!requirement->empty()) context.Emit("api-security-removed", scope, Text(*requirement), from, to);
      for (const auto& [scheme, scopes] : diff.scopes) {
        for (const auto& added : scopes.first)
          context.Emit("api-security-scope-added", scope, Quote(added) + " of " + scheme, from, to);
        for (const auto& removed : scopes.second)
          context.Emit("api-security-scope-removed", scope, Quote(removed) + " of " + scheme, from, to);
      }
    }
  }
  // Security schemes.
  for (const auto& scheme : base_model.security_schemes) {
    auto same = std::find_if(revision_model.security_schemes.begin(), revision_model.security_schemes.end(),
                             [&](const specs::SecurityScheme& s) { return s.name == scheme.name; });
    if (same == revision_model.security_schemes.end())
      context.EmitComponent("api-security-component-removed", "securitySchemes", Quote(scheme.name), scheme.location, {});
    else
      SchemeChanged(context, scheme, *same);
  }
  for (const auto& scheme : revision_model.security_schemes)
    if (std::none_of(base_model.security_schemes.begin(), base_model.security_schemes.end(),
                     [&](const specs::SecurityScheme& s) { return s.name == scheme.name; }))
      context.EmitComponent("api-security-component-added", "securitySchemes", Quote(scheme.name), {}, scheme.location);
}

void CheckComponents(CheckContext& context) {
  const auto& types = context.revision_model().types;
  for (const auto& [name, shape] : context.base_model().types)
    if (!types.count(name)) context.EmitComponent("api-schema-removed", "schemas", Quote(name), shape.location, {});
}

void CheckServices(CheckContext& context) {
  const auto& base = context.base_model().services;
  const auto& revision = context.revision_model().services;
  for (const specs::Service& service : base) {
    auto same = std::find_if(revision.begin(), revision.end(), [&](const specs::Service& s) { return s.name == service.name; });
    if (same == revision.end()) {
      context.EmitComponent("service-removed", "services", Quote(service.name), service.location, {});
      continue;
    }
    for (const specs::ServicePort& port : service.ports) {
      auto other = std::find_if(same->ports.begin(), same->ports.end(),
                                [&](const specs::ServicePort& p) { return p.name == port.name; });
      const std::string name = Quote(service.name + "." + port.name);
      if (other == same->ports.end()) {
        context.EmitComponent("service-port-removed", "services", name, port.location, {});
        continue;
      }
      if (port.address != other->address)
        context.EmitComponent("service-port-address-changed", "services",
                              name + ": from " + port.address + " to " + other->address, port.location, other->location);
      if (port.protocol != other->protocol)
        context.EmitComponent("service-port-protocol-changed", "services",
                              name + ": from " + port.protocol + " to " + other->protocol, port.location, other->location);
      else if (port.binding != other->binding || port.port_type != other->port_type)
        context.EmitComponent("service-port-binding-changed", "services",
                              name + ": from " + port.binding + " to " + other->binding, port.location, other->location);
    }
    for (const specs::ServicePort& port : same->ports)
      if (std::none_of(service.ports.begin(), service.ports.end(),
                       [&](const specs::ServicePort& p) { return p.name == port.name; }))
        context.EmitComponent("service-port-added", "services", Quote(service.name + "." + port.name), {}, port.location);
  }
  for (const specs::Service& service : revision)
    if (std::none_of(base.begin(), base.end(), [&](const specs::Service& s) { return s.name == service.name; }))
      context.EmitComponent("service-added", "services", Quote(service.name), {}, service.location);
  // SOAP actions: the SOAPAction header a client sends with each operation.
  for (const ResourcePair& resource : context.diff().resources.matched) {
    for (const OperationPair& operation : resource.operations_matched) {
      const std::string& from = operation.base->soap_action;
      const std::string& to = operation.revision->soap_action;
      if (from == to) continue;
      const Scope scope = context.ScopeOf(resource.path, *operation.revision, operation.base, operation.revision);
      // Clients send the SOAPAction header with the binding's value ("" included); a server that
      // no longer asks for one still takes theirs.
      const char* id = to.empty() ? "soap-action-removed" : "soap-action-changed";
      context.Emit(id, scope, "from " + Quote(from) + " to " + Quote(to), operation.base->location,
                   operation.revision->location);
    }
  }
}

}  // namespace agora::compat::internal
