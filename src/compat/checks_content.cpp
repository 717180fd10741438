// The checks of what an operation exchanges besides parameters: the request body's presence,
// requiredness and media types; responses by status; their headers and media types. The schemas
// inside bodies are checks_schema.cpp's.
#include <cstdlib>

#include "compat/checks.h"

namespace agora::compat::internal {
namespace {

bool Kept(const CheckContext& context, const Operation& revision) {
  const auto stability = CheckContext::Stability(revision.extensions);
  return !stability || context.StabilityIncluded(*stability);
}

// Whether a status is a success (2xx; a WSDL output), a failure, or neither known ("default",
// ranges such as "4XX").
std::optional<bool> Success(const std::string& status) {
  if (status == "output") return true;
  if (status.rfind("fault:", 0) == 0) return false;
  if (status.empty() || status.size() > 3 || status.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  const int code = std::atoi(status.c_str());
  return code >= 200 && code <= 299;
}

std::string Of(const std::string& status) { return "response " + status; }

SourceLocation LocationOf(const Body* body) { return body ? body->location : SourceLocation{}; }

// A media type renamed to an equivalent one: a parameter changed (charset=...), or the type
// specialised (application/problem+json for application/json) or generalised.
void MediaTypeRenamed(CheckContext& context, const Scope& scope, const MediaPair& media, const std::string& status) {
  const std::string& from = media.base->media_type;
  const std::string& to = media.revision->media_type;
  if (from == to) return;
  auto bare = [](const std::string& type) { return type.substr(0, type.find(';')); };
  auto params = [](const std::string& type) {
    const auto semicolon = type.find(';');
    return semicolon == std::string::npos ? std::string() : type.substr(semicolon);
  };
  const std::string detail = "from " + from + " to " + to + " in the " + Of(status);
  if (params(from) != params(to))
    return context.Emit("response-media-type-name-changed", scope, detail, media.base->location, media.revision->location);
  // `to` is contained in `from` when it names the same type more specifically.
  const std::string a = bare(from), b = bare(to);
  const auto plus = b.find('+');
  const bool specialised = plus != std::string::npos && a.substr(0, a.find('/')) == b.substr(0, b.find('/')) &&
                           a.substr(a.find('/') + 1) == b.substr(plus + 1);
  context.Emit(specialised ? "response-media-type-name-specialized" : "response-media-type-name-generalized", scope,
               detail, media.base->location, media.revision->location);
}

void RequestBody(CheckContext& context, const Scope& scope, const OperationPair& operation) {
  const Operation& base = *operation.base;
  const Operation& revision = *operation.revision;
  const SourceLocation from = base.request_bodies.empty() ? SourceLocation{} : base.request_bodies.front().location;
  const SourceLocation to = revision.request_bodies.empty() ? SourceLocation{} : revision.request_bodies.front().location;
  if (operation.body_added)
    return context.Emit(revision.request_body_required ? "request-body-added-required" : "request-body-added-optional",
                        scope, "", from, to);
  if (operation.body_deleted) return context.Emit("request-body-removed", scope, "", from, to);
  if (base.request_bodies.empty()) return;
  if (base.request_body_required != revision.request_body_required)
    context.Emit(revision.request_body_required ? "request-body-became-required" : "request-body-became-optional",
                 scope, "", from, to);
  for (const Body* body : operation.body.added)
    context.Emit("request-body-media-type-added", scope, body->media_type, {}, body->location);
  for (const Body* body : operation.body.deleted)
    context.Emit("request-body-media-type-removed", scope, body->media_type, body->location, {});
  for (const MediaPair& media : operation.body.matched) {
    if (!media.schema) continue;
    if (media.schema->added)
      context.Emit("request-body-media-type-schema-added", scope, media.name, LocationOf(media.base), LocationOf(media.revision));
    else if (media.schema->deleted)
      context.Emit("request-body-media-type-schema-removed", scope, media.name, LocationOf(media.base), LocationOf(media.revision));
  }
}

void Headers(CheckContext& context, const Scope& scope, const ResponsePair& response) {
  const std::string where = " in the " + Of(response.status);
  for (const Parameter* header : response.headers_added)
    context.Emit("response-header-added", scope, Quote(header->name) + where, {}, header->location);
  for (const Parameter* header : response.headers_deleted)
    context.Emit(header->required ? "required-response-header-removed" : "optional-response-header-removed", scope,
                 Quote(header->name) + where, header->location, {});
  for (const ParameterPair& pair : response.headers_matched) {
    const std::string name = Quote(pair.revision->name) + where;
    if (pair.base->required && !pair.revision->required)
      context.Emit("response-header-became-optional", scope, name, pair.base->location, pair.revision->location);
    const SchemaDiff* schema = pair.schema.get();
    if (!schema || !schema->both()) continue;
    if (const int nullability = NullabilityChange(*schema))
      context.Emit(nullability > 0 ? "response-header-became-nullable" : "response-header-became-not-nullable", scope,
                   name, pair.base->location, pair.revision->location, schema);
    if (TypeOrFormatChanged(*schema->base, *schema->revision)) {
      const TypeVerdict verdict = ResponseTypeChange(*schema->base, *schema->revision, false);
      context.Emit(verdict == TypeVerdict::kChanged       ? "response-header-type-changed"
                   : verdict == TypeVerdict::kGeneralized ? "response-header-type-generalized"
                   : verdict == TypeVerdict::kCompatible  ? "response-header-type-compatible"
                                                          : "response-header-type-specialized",
                   scope, name + ": from " + TypeText(*schema->base) + " to " + TypeText(*schema->revision),
                   pair.base->location, pair.revision->location, schema);
    }
  }
}

void ResponseChanges(CheckContext& context, const Scope& scope, const ResponsePair& response) {
  Headers(context, scope, response);
  const std::string where = " in the " + Of(response.status);
  for (const Body* body : response.content.added)
    context.Emit("response-media-type-added", scope, body->media_type + where, {}, body->location);
  for (const Body* body : response.content.deleted)
    context.Emit("response-media-type-removed", scope, body->media_type + where, body->location, {});
  for (const MediaPair& media : response.content.matched) {
    MediaTypeRenamed(context, scope, media, response.status);
    if (!media.schema) continue;
    if (media.schema->added)
      context.Emit("response-body-media-type-schema-added", scope, media.name + where, LocationOf(media.base),
                   LocationOf(media.revision));
    else if (media.schema->deleted)
      context.Emit("response-body-media-type-schema-removed", scope, media.name + where, LocationOf(media.base),
                   LocationOf(media.revision));
  }
  CheckResponseBodies(context, scope, response);
}

}  // namespace

void CheckResponses(CheckContext& context) {
  for (const ResourcePair& resource : context.diff().resources.matched) {
    for (const OperationPair& operation : resource.operations_matched) {
      if (!Kept(context, *operation.revision)) continue;
      const Scope scope = context.ScopeOf(resource.path, *operation.revision, operation.base, operation.revision);
      RequestBody(context, scope, operation);
      for (const specs::Response* response : operation.responses_deleted)
        if (const auto success = Success(response->status))
          context.Emit(*success ? "response-success-status-removed" : "response-non-success-status-removed", scope,
                       response->status, response->location, {});
      for (const specs::Response* response : operation.responses_added)
        if (const auto success = Success(response->status))
          context.Emit(*success ? "response-success-status-added" : "response-non-success-status-added", scope,
                       response->status, {}, response->location);
      for (const ResponsePair& response : operation.responses_matched) ResponseChanges(context, scope, response);
    }
  }
}

}  // namespace agora::compat::internal
