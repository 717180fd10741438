#include "exchange/exchange_api.h"

#include <boost/json.hpp>

#include <algorithm>

#include "assets/coordinates.h"
#include "assets/semver.h"
#include "common/ids.h"
#include "exchange/accounts_api.h"
#include "exchange/api_files.h"
#include "exchange/asset_edits.h"
#include "exchange/asset_json.h"
#include "exchange/compatibility_api.h"
#include "exchange/discovery.h"
#include "exchange/graph_api.h"
#include "exchange/handler_support.h"
#include "exchange/icon_api.h"
#include "exchange/portal_api.h"
#include "exchange/publication_form.h"
#include "exchange/response_cache.h"
#include "exchange/tag_definitions.h"
#include "exchange/usage_api.h"
#include "server/multipart.h"

namespace agora::exchange {
namespace json = boost::json;
using server::Request;
using server::Response;

namespace {


// A flag such as x-sync-publication: "true" or "false" in any case; `absent` when not given.
// Anything else is refused before the body is read: a mistyped x-dry-run must not publish for real.
Result<bool> Flag(const std::optional<std::string>& value, std::string_view name, bool absent) {
  if (!value) return absent;
  std::string lower(*value);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "true") return true;
  if (lower == "false") return false;
  return Status::InvalidArgument("INVALID_FLAG", std::string(name) + " must be true or false, not '" +
                                                     value->substr(0, 80) + "'");
}

// The contract's NullableBoolean headers (X-Force-Update): as Flag, absent is false, and so is an
// empty value.
Result<bool> NullableFlag(const std::optional<std::string>& value, std::string_view name) {
  if (value && value->empty()) return false;
  return Flag(value, name, false);
}

// The request's publication flags, read before its body.
struct PublicationFlags {
  bool dry_run = false;
  bool sync = false;
  bool validate_files = true;
  std::vector<std::string> allowed_spec_formats;
};

Result<PublicationFlags> ReadPublicationFlags(const Request& request) {
  PublicationFlags flags;
  // x-dry-run: true or ?dryRun(=true): what publishing would make of the version under the
  // compatibility rule in force, without storing anything (docs/compatibility.md).
  auto query = request.Query("dryRun");
  if (query && query->empty()) query = "true";
  AGORA_ASSIGN_OR_RETURN(const bool dry_header, Flag(request.Header("x-dry-run"), "x-dry-run", false));
  AGORA_ASSIGN_OR_RETURN(const bool dry_query, Flag(query, "dryRun", false));
  flags.dry_run = dry_header || dry_query;
  AGORA_ASSIGN_OR_RETURN(flags.sync, Flag(request.Header("x-sync-publication"), "x-sync-publication", false));
  AGORA_ASSIGN_OR_RETURN(flags.validate_files, Flag(request.Header("x-file-validation"), "x-file-validation", true));
  if (const auto formats = request.Header("x-allowed-api-spec-formats")) {
    AGORA_ASSIGN_OR_RETURN(flags.allowed_spec_formats, publication::ParseAllowedSpecFormats(*formats));
  }
  return flags;
}

// The handlers, bound to the services they use.
class Api {
 public:
  explicit Api(ExchangeServices& s) : s_(s) {}

  // A browser (it asks for text/html) goes to the portal; API clients get the server's status.
  Response Root(Request& request) {
    if (request.Header("accept").value_or("").find("text/html") != std::string::npos) {
      Response redirect;
      redirect.status = 302;
      redirect.SetHeader("Location", "/exchange/");
      redirect.SetHeader("Vary", "Accept");
      return redirect;
    }
    Response status = JsonResponse(200, json::object{{"name", "agora"}, {"version", s_.server_version}, {"status", "ok"}});
    status.SetHeader("Vary", "Accept");
    return status;
  }

  Response Publish(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const std::string organization_id = request.Param("organizationId");
    const assets::Coordinates coordinates = CoordinatesOf(request);
    if (Status st = MayPublish(principal, organization_id, coordinates); !st.ok()) return Response::Error(st);

    AGORA_ASSIGN_OR_RETURN_RESPONSE(const PublicationFlags flags, ReadPublicationFlags(request));
    publication::PublicationRequest publication = NewPublication(principal, organization_id, coordinates, flags);
    publication::BlobLease lease(s_.reaper);
    PublicationForm form(s_.blobs, lease, publication);
    if (Status st = server::ParseMultipart(request, form, server::MultipartLimits{}); !st.ok()) return Response::Error(st);
    if (Status st = form.Finish(); !st.ok()) return Response::Error(st);
    if (flags.dry_run) return DryRun(publication, lease);
    return Submit(request, publication, lease, flags.sync);
  }

  Response DryRun(const publication::PublicationRequest& publication, publication::BlobLease& lease) {
    auto check = s_.publisher.DryRun(publication);
    lease.Release(/*sweep=*/true);  // nothing is kept
    if (!check.ok()) return Response::Error(check.status());
    const std::string compatibility = check->ToJson(publication.coordinates);
    return Response::Json(200, std::string("{\"dryRun\":true,\"wouldPublish\":") + (check->Refused() ? "false" : "true") +
                                   ",\"compatibility\":" + compatibility + "}");
  }

  // POST /exchange/api/v2/assets: the v1-style creation form anypoint-cli's `asset copy` sends,
  // with the coordinates and organisation in the form. Always synchronous, as in Exchange.
  Response CreateFromLegacyForm(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    // The organisation is only known once the form is read; a role that may not publish anywhere
    // is refused before any upload.
    if (Status st = auth::Authorize(principal, principal.organization_id, auth::Action::kPublish); !st.ok())
      return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const PublicationFlags flags, ReadPublicationFlags(request));
    publication::PublicationRequest publication = NewPublication(principal, "", {}, flags);
    publication::BlobLease lease(s_.reaper);
    LegacyAssetFields legacy;
    PublicationForm form(s_.blobs, lease, publication, &legacy);
    if (Status st = server::ParseMultipart(request, form, server::MultipartLimits{}); !st.ok()) return Response::Error(st);
    if (Status st = form.Finish(); !st.ok()) return Response::Error(st);
    auto& organizations = legacy.organization_ids;
    if (organizations.empty() || organizations.front().empty() ||
        std::count(organizations.begin(), organizations.end(), organizations.front()) != std::ssize(organizations))
      return Response::Error(Status::InvalidArgument("INVALID_ORGANIZATION", "organizationId is required, once or always the same"));
    if (Status st = MayPublish(principal, organizations.front(), legacy.coordinates); !st.ok()) return Response::Error(st);
    publication.organization_id = organizations.front();
    publication.coordinates = legacy.coordinates;
    if (flags.dry_run) return DryRun(publication, lease);
    return Submit(request, publication, lease, /*sync=*/true);
  }

  Status MayPublish(const auth::Principal& principal, const std::string& organization_id,
                    const assets::Coordinates& coordinates) {
    return exchange::MayPublish(s_, principal, organization_id, coordinates);
  }

  static publication::PublicationRequest NewPublication(const auth::Principal& principal,
                                                        const std::string& organization_id,
                                                        const assets::Coordinates& coordinates,
                                                        const PublicationFlags& flags) {
    publication::PublicationRequest publication;
    publication.organization_id = organization_id;
    publication.coordinates = coordinates;
    publication.created_by = principal.subject;
    publication.validate_files = flags.validate_files;
    publication.allowed_spec_formats = flags.allowed_spec_formats;
    return publication;
  }

  // Publishes now (201 with the version) or queues the publication (202 with its status link).
  Response Submit(const Request& request, const publication::PublicationRequest& publication,
                  publication::BlobLease& lease, bool sync) {
    const std::string& organization_id = publication.organization_id;
    const assets::Coordinates& coordinates = publication.coordinates;
    if (sync) {
      auto published = s_.publisher.Publish(publication);
      lease.Release(/*sweep=*/!published.ok());
      if (!published.ok()) return Response::Error(published.status());
      AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object shown, ShownVersions(s_, BaseUrl(request)).Json(*published));
      return JsonResponse(201, shown);
    }
    auto run_id = QueuePublication(s_, publication, lease);
    if (!run_id.ok()) return Response::Error(run_id.status());
    const std::string link = BaseUrl(request) + "/exchange/api/v2/organizations/" + organization_id + "/assets/" +
                             coordinates.group_id + "/" + coordinates.asset_id + "/" + coordinates.version +
                             "/publication/status/" + *run_id;
    return JsonResponse(202, json::object{{"publicationStatusLink", link}});
  }

  Response PublicationStatus(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, PublicationStatusJson(request));
    return JsonResponse(200, body);
  }

  // .../publication/extendedStatus/{runId}: the contract's string, which here is the status
  // document of .../publication/status/{runId} as JSON text.
  Response ExtendedPublicationStatus(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, PublicationStatusJson(request));
    return JsonResponse(200, json::string(json::serialize(body)));
  }

  // {status, assetType, steps, asset} of the path's publication, for a caller of its organisation.
  Result<json::object> PublicationStatusJson(const Request& request) {
    AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(request));
    const std::string organization_id = request.Param("organizationId");
    AGORA_RETURN_IF_ERROR(auth::Authorize(principal, organization_id, auth::Action::kRead));
    auto job = s_.queue.Get(request.Param("runId"));
    if (!job.ok() || job->kind != "publication" || job->organization_id != organization_id ||
        !(job->coordinates == CoordinatesOf(request)))
      return Status::NotFound("Publication " + request.Param("runId") + " not found");
    json::object body;
    body["status"] = job->status == "queued" ? "running" : job->status;
    body["assetType"] = job->asset_type;
    boost::system::error_code ec;
    json::value steps = json::parse(job->steps_json, ec);
    body["steps"] = ec ? json::value(json::array()) : steps;
    if (job->status == "completed") {
      if (auto version = s_.metadata.GetVersion(job->coordinates); version.ok())
        body["asset"] = AssetSummaryJson(*version);
    }
    return body;
  }

  Response GetAsset(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    return VersionResponse(request, principal, /*latest=*/false);
  }

  // The API model publication extracted from the version's specification (see specs::ApiModel).
  Response GetApiModel(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const assets::Coordinates coordinates = CoordinatesOf(request);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, ReadableVersion(principal, coordinates));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string model, s_.metadata.GetApiModel(coordinates));
    if (model.empty())
      return Response::Error(Status::NotFound("Asset " + coordinates.ToString() + " (" + version.type +
                                              ") has no API specification"));
    return Response::Json(200, std::move(model));
  }

  Response GetLatestAsset(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    return VersionResponse(request, principal, /*latest=*/true);
  }

  Response ChangeStatus(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    // Only someone who may manage the version learns whether the body is valid.
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, ManageableVersion(principal, request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, JsonBody(request));
    const auto* status = body.if_contains("status");
    const auto to = status && status->is_string() ? assets::ParseLifecycle(std::string(status->as_string())) : std::nullopt;
    if (!to) return Response::Error(Status::InvalidArgument("INVALID_STATUS", "status must be development, published or deprecated"));
    if (Status st = ChangeVersionStatus(s_, principal, version, *to); !st.ok()) return Response::Error(st);
    return Response::NoContent();
  }

  Response PatchAsset(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto versions, ReadableVersions(principal, request));
    const std::string organization_id = request.Param("organizationId");
    if (!organization_id.empty() && organization_id != versions.front().organization_id)
      return Response::Error(Status::NotFound("Asset not found in organization " + organization_id));
    if (Status st = auth::Authorize(principal, versions.front().organization_id, auth::Action::kManage); !st.ok())
      return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, JsonBody(request));
    AssetEdit edit;
    AGORA_ASSIGN_OR_RETURN_RESPONSE(edit.details, DetailsUpdate(body));
    if (Status st = EditAsset(s_, principal, versions.front(), edit); !st.ok()) return Response::Error(st);
    return Response::NoContent();
  }

  Response DeleteVersion(Request& request) { return Delete(request, /*whole_asset=*/false); }
  Response DeleteAsset(Request& request) { return Delete(request, /*whole_asset=*/true); }

  Response SoftDeleted(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const std::string organization_id = request.Param("organizationId");
    if (Status st = auth::Authorize(principal, organization_id, auth::Action::kRead); !st.ok()) return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(storage::AssetQuery page, AssetQueryFromRequest(request, organization_id));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto deleted, s_.metadata.ListSoftDeleted(organization_id, page.offset, page.limit));
    json::array items;
    for (const auto& d : deleted) {
      items.push_back(json::object{{"organizationId", d.organization_id}, {"groupId", d.coordinates.group_id},
                                   {"assetId", d.coordinates.asset_id}, {"version", d.coordinates.version},
                                   {"name", d.name}, {"type", d.type}, {"deletedAt", FormatIsoMillis(d.deleted_millis)}});
    }
    return JsonResponse(200, items);
  }

  // Category ("categories") and custom field ("fields") definitions of an organisation.
  Response ListTagDefinitions(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const std::string organization_id = request.Param("organizationId");
    if (Status st = auth::Authorize(principal, organization_id, auth::Action::kRead); !st.ok()) return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto definitions, s_.metadata.ListTagDefinitions(organization_id, KindOf(request)));
    json::array items;
    for (const auto& d : definitions) items.push_back(DefinitionJson(d));
    return JsonResponse(200, items);
  }

  Response CreateTagDefinition(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    storage::TagDefinition d;
    d.organization_id = request.Param("organizationId");
    d.kind = KindOf(request);
    // Only an administrator learns whether the body is valid.
    if (Status st = auth::Authorize(principal, d.organization_id, auth::Action::kAdminister); !st.ok())
      return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, JsonBody(request));
    d.tag_key = StringField(body, "tagKey");
    d.display_name = StringField(body, "displayName");
    d.data_type = StringField(body, "dataType");
    d.accepted_values = StringList(body, "acceptedValues");
    d.asset_type_restrictions = StringList(body, "assetTypeRestrictions");
    AGORA_ASSIGN_OR_RETURN_RESPONSE(storage::TagDefinition defined, DefineTag(s_, principal, std::move(d)));
    return JsonResponse(201, DefinitionJson(defined));
  }

  // PATCH .../{categories|fields}/{id} with the members to change; X-Force-Update: true takes
  // away accepted values that versions carry.
  Response PatchTagDefinition(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const std::string organization_id = request.Param("organizationId");
    // Only an administrator learns whether the body is valid.
    if (Status st = auth::Authorize(principal, organization_id, auth::Action::kAdminister); !st.ok())
      return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(const bool force, NullableFlag(request.Header("x-force-update"), "x-force-update"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, JsonBody(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(TagDefinitionChanges changes, DefinitionChanges(body));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(storage::TagDefinition changed,
                                    ChangeTagDefinition(s_, principal, organization_id, KindOf(request),
                                                        request.Param("id"), changes, force));
    return JsonResponse(200, DefinitionJson(changed));
  }

  Response DeleteTagDefinition(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    if (Status st = RemoveTagDefinition(s_, principal, request.Param("organizationId"), KindOf(request), request.Param("id"));
        !st.ok())
      return Response::Error(st);
    return Response::NoContent();
  }

  // PUT .../tags with [{"value": "x"}, ...] or ["x", ...]: replaces the version's tags.
  Response PutTags(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, ManageableVersion(principal, request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::value body, JsonValue(request));
    AssetEdit edit;
    edit.tags.emplace();
    for (const auto& item : body.is_array() ? body.as_array() : json::array{}) {
      const json::value* value = item.is_object() ? item.as_object().if_contains("value") : &item;
      if (!value || !value->is_string() || value->as_string().empty())
        return Response::Error(Status::InvalidArgument("BAD_REQUEST", "tags must be [{\"value\": \"tag\"}, ...]"));
      edit.tags->emplace_back(value->as_string());
    }
    if (!body.is_array()) return Response::Error(Status::InvalidArgument("BAD_REQUEST", "tags must be a JSON array"));
    if (Status st = EditAsset(s_, principal, version, edit); !st.ok()) return Response::Error(st);
    return Response::NoContent();
  }

  // PUT/DELETE .../tags/categories/{tagKey} and .../tags/fields/{tagKey}.
  Response PutTagValue(Request& request) { return SetTagValue(request, /*remove=*/false); }
  Response DeleteTagValue(Request& request) { return SetTagValue(request, /*remove=*/true); }

  Response ListAssets(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(storage::AssetQuery query, AssetQueryFromRequest(request, principal.organization_id));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto found, s_.metadata.FindVersions(query));
    json::array items;
    for (const auto& version : found) items.push_back(SearchItemJson(version));
    return JsonResponse(200, items);
  }

  Response VersionGroups(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto versions, ReadableVersions(principal, request));
    return JsonResponse(200, VersionGroupsJson(versions));
  }

  Response NextAvailableVersion(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const std::string organization_id = request.Param("organizationId");
    if (Status st = auth::Authorize(principal, organization_id, auth::Action::kRead); !st.ok()) return Response::Error(st);
    const std::string order = request.Query("versionOrder").value_or("PATCH");
    if (order != "PATCH" && order != "MINOR" && order != "MAJOR")
      return Response::Error(Status::InvalidArgument("BAD_REQUEST", "versionOrder must be PATCH, MINOR or MAJOR"));
    const std::string group = request.Param("groupId");
    if (auto owner = s_.metadata.GroupOwner(group); owner.ok() && *owner != organization_id)
      return Response::Error(Status::Forbidden("The group " + group + " belongs to another organization"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto existing, s_.metadata.ListReservedVersions(group, request.Param("assetId")));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string next, assets::NextVersion(existing, order));
    return JsonResponse(200, json::object{{"nextAvailableVersion", next}});
  }

  Response DownloadFile(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, DownloadableVersion(request));
    // .../{version}/pom is the POM; a Maven project's unclassified main file is .../{version}/jar.
    const std::string classifier = request.Param("classifier");
    const std::string packaging = request.Param("packaging");
    if (version.organization_id != request.Param("organizationId"))
      return Response::Error(Status::NotFound("Asset not found in organization " + request.Param("organizationId")));
    for (const auto& file : version.files) {
      if (file.classifier != classifier || file.packaging != packaging) continue;
      return ServeVersionFile(s_, request, version, file, FileContentType(packaging));
    }
    return Response::Error(Status::NotFound("File " + classifier + "." + packaging + " not found"));
  }

 private:
  Result<auth::Principal> Authenticate(const Request& request) { return exchange::Authenticate(s_, request); }


  // A signed link (an externalLink) needs no token; anything else is an ordinary read.
  Result<assets::AssetVersion> DownloadableVersion(const Request& request) {
    if (!FileLinks::IsSigned(request)) {
      AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(request));
      return ReadableVersion(principal, CoordinatesOf(request));
    }
    AGORA_RETURN_IF_ERROR(s_.links.Verify(request));
    auto version = s_.metadata.GetVersion(CoordinatesOf(request));
    if (!version.ok() && version.status().kind() == Status::Kind::kNotFound)
      return Status::NotFound("Asset " + CoordinatesOf(request).ToString() + " not found");
    return version;
  }

  Response SetTagValue(Request& request, bool remove) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, ManageableVersion(principal, request));
    const std::string kind = KindOf(request);
    assets::TagValue value{request.Param("tagKey"), {}};
    if (!remove) {
      AGORA_ASSIGN_OR_RETURN_RESPONSE(json::value body, JsonValue(request));
      const json::value* values = body.is_object() ? body.as_object().if_contains("tagValue") : &body;
      if (values && values->is_array()) {
        for (const auto& v : values->as_array())
          value.values.push_back(v.is_string() ? std::string(v.as_string()) : json::serialize(v));
      } else if (values && (values->is_string() || values->is_number())) {
        value.values.push_back(values->is_string() ? std::string(values->as_string()) : json::serialize(*values));
      }
      if (value.values.empty())
        return Response::Error(Status::InvalidArgument("BAD_REQUEST", "Send {\"tagValue\": [values]} or a value"));
    }
    AssetEdit edit;
    edit.tag_values.push_back({kind, std::move(value)});
    if (Status st = EditAsset(s_, principal, version, edit); !st.ok()) return Response::Error(st);
    return Response::NoContent();
  }

  Result<assets::AssetVersion> ManageableVersion(const auth::Principal& principal, const Request& request) {
    return exchange::ManageableVersion(s_, principal, request);
  }

  // "categories" paths hold categories; "fields" paths custom fields.
  static std::string KindOf(const Request& request) {
    return request.path().find("/categories") != std::string::npos ? "category" : "field";
  }

  // A PATCH body's members: strings, and arrays of strings for the lists.
  static Result<TagDefinitionChanges> DefinitionChanges(const json::object& body) {
    TagDefinitionChanges changes;
    const std::pair<const char*, std::optional<std::string>*> texts[] = {
        {"tagKey", &changes.tag_key}, {"displayName", &changes.display_name}, {"dataType", &changes.data_type}};
    for (const auto& [key, target] : texts) {
      const json::value* value = body.if_contains(key);
      if (!value) continue;
      if (!value->is_string()) return Status::InvalidArgument("BAD_REQUEST", std::string(key) + " must be a string");
      *target = std::string(value->as_string());
    }
    const std::pair<const char*, std::optional<std::vector<std::string>>*> lists[] = {
        {"acceptedValues", &changes.accepted_values}, {"assetTypeRestrictions", &changes.asset_type_restrictions}};
    for (const auto& [key, target] : lists) {
      const json::value* value = body.if_contains(key);
      if (!value) continue;
      const bool strings = value->is_array() && std::all_of(value->as_array().begin(), value->as_array().end(),
                                                            [](const json::value& v) { return v.is_string(); });
      if (!strings) return Status::InvalidArgument("BAD_REQUEST", std::string(key) + " must be an array of strings");
      *target = StringList(body, key);
    }
    return changes;
  }

  static json::object DefinitionJson(const storage::TagDefinition& d) {
    json::array accepted, restrictions;
    for (const auto& v : d.accepted_values) accepted.push_back(json::string(v));
    for (const auto& v : d.asset_type_restrictions) restrictions.push_back(json::string(v));
    return json::object{{"id", d.id}, {"tagKey", d.tag_key}, {"displayName", d.display_name},
                        {"dataType", d.data_type}, {"acceptedValues", std::move(accepted)},
                        {"assetTypeRestrictions", std::move(restrictions)}};
  }

  static Result<json::value> JsonValue(Request& request) {
    AGORA_ASSIGN_OR_RETURN(std::string text, request.ReadWholeBody(1 << 20));
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) return Status::InvalidArgument("BAD_REQUEST", "The body is not valid JSON");
    return value;
  }

  Response Delete(Request& request, bool whole_asset) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auth::Principal principal, Authenticate(request));
    const std::string type = request.Header("x-delete-type").value_or("soft-delete");
    if (type != "soft-delete" && type != "hard-delete")
      return Response::Error(Status::InvalidArgument("INVALID_DELETE_TYPE", "x-delete-type must be soft-delete or hard-delete"));
    const bool soft = type == "soft-delete";
    auto live = ReadableVersions(principal, request);
    if (!live.ok() && live.status().kind() != Status::Kind::kNotFound) return Response::Error(live.status());
    std::vector<assets::AssetVersion> versions = live.ok() ? std::move(*live) : std::vector<assets::AssetVersion>{};
    // A hard delete also frees the coordinates of versions soft-deleted earlier.
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::vector<assets::Coordinates> forgotten,
                                    soft ? std::vector<assets::Coordinates>{} : SoftDeletedVersions(request, versions));
    if (!whole_asset) {
      const std::string wanted = request.Param("version");
      std::erase_if(versions, [&](const auto& v) { return v.coordinates.version != wanted; });
      std::erase_if(forgotten, [&](const auto& c) { return c.version != wanted; });
    }
    const std::string what = "Asset " + (whole_asset ? request.Param("groupId") + ":" + request.Param("assetId")
                                                     : CoordinatesOf(request).ToString());
    if (versions.empty() && forgotten.empty()) return Response::Error(Status::NotFound(what + " not found"));
    std::string owner;
    if (!versions.empty()) {
      owner = versions.front().organization_id;
    } else {
      AGORA_ASSIGN_OR_RETURN_RESPONSE(owner, s_.metadata.GroupOwner(request.Param("groupId")));
    }
    // Another organisation's asset is one that does not exist; only its own members learn they may not delete.
    if (Status st = MayReadAsset(principal, owner, what); !st.ok()) return Response::Error(st);
    const std::string organization_id = request.Param("organizationId");
    if (!organization_id.empty() && organization_id != owner)
      return Response::Error(Status::NotFound("Asset not found in organization " + organization_id));
    if (Status st = auth::Authorize(principal, owner, auth::Action::kDelete); !st.ok()) return Response::Error(st);
    if (!versions.empty()) {
      if (Status st = DeleteVersions(s_, principal, versions, soft); !st.ok()) return Response::Error(st);
    }
    if (Status st = s_.lifecycle.ForgetSoftDeleted(forgotten); !st.ok()) return Response::Error(st);
    return Response::NoContent();
  }

  // The asset's soft-deleted versions: every version it ever had that is not live.
  Result<std::vector<assets::Coordinates>> SoftDeletedVersions(const Request& request,
                                                               const std::vector<assets::AssetVersion>& live) {
    const std::string group_id = request.Param("groupId"), asset_id = request.Param("assetId");
    AGORA_ASSIGN_OR_RETURN(auto reserved, s_.metadata.ListReservedVersions(group_id, asset_id));
    std::vector<assets::Coordinates> deleted;
    for (auto& version : reserved) {
      const bool is_live = std::any_of(live.begin(), live.end(),
                                       [&](const auto& v) { return v.coordinates.version == version; });
      if (!is_live) deleted.push_back({group_id, asset_id, std::move(version)});
    }
    return deleted;
  }



  // {name, description, contactName, contactEmail}: at least one, each a string (EditAsset checks
  // Exchange's limits on their lengths).
  static Result<storage::AssetDetailsUpdate> DetailsUpdate(const json::object& body) {
    storage::AssetDetailsUpdate update;
    const std::pair<const char*, std::optional<std::string>*> fields[] = {
        {"name", &update.name}, {"description", &update.description},
        {"contactName", &update.contact_name}, {"contactEmail", &update.contact_email}};
    for (const auto& member : body) {
      const auto key = member.key();
      auto field = std::find_if(std::begin(fields), std::end(fields), [&](const auto& f) { return f.first == key; });
      if (field == std::end(fields))
        return Status::InvalidArgument("BAD_REQUEST", "Unknown property '" + std::string(key) + "'", {std::string(key)});
      if (!member.value().is_string())
        return Status::InvalidArgument("BAD_REQUEST", std::string(field->first) + " must be a string");
      *field->second = std::string(member.value().as_string());
    }
    if (!update.name && !update.description && !update.contact_name && !update.contact_email)
      return Status::InvalidArgument("BAD_REQUEST", "Send at least one of name, description, contactName, contactEmail");
    return update;
  }

  // All versions of the asset named by the path, if the principal may read it.
  Result<std::vector<assets::AssetVersion>> ReadableVersions(const auth::Principal& principal, const Request& request) {
    return exchange::ReadableVersions(s_, principal, request.Param("groupId"), request.Param("assetId"));
  }

  // The JSON of the path's version (or the asset's latest), built once per store generation: reads
  // of a version vastly outnumber the writes that change it.
  Response VersionResponse(const Request& request, const auth::Principal& principal, bool latest) {
    const std::string key = request.path() + "\n" + BaseUrl(request);
    (void)s_.metadata.CatchUp();  // if the database does not answer, the reads below will say so
    const uint64_t generation = s_.metadata.Generation();
    if (auto cached = s_.version_cache.Get(key, generation, NowMillis())) {
      const std::string what = "Asset " + request.Param("groupId") + ":" + request.Param("assetId");
      if (Status st = MayReadAsset(principal, cached->organization_id, what); !st.ok()) return Response::Error(st);
      return Response::Json(200, *cached->body);
    }
    AGORA_ASSIGN_OR_RETURN_RESPONSE(auto versions, ReadableVersions(principal, request));
    const assets::AssetVersion* shown = latest ? &LatestVersion(versions) : nullptr;
    for (const auto& v : versions)
      if (!latest && v.coordinates.version == request.Param("version")) shown = &v;
    if (!shown) return Response::Error(Status::NotFound("Asset " + CoordinatesOf(request).ToString() + " not found"));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(json::object body, ShownVersions(s_, BaseUrl(request)).Json(*shown));
    body["versions"] = VersionsJson(versions, nullptr);
    body["otherVersions"] = VersionsJson(versions, shown);
    auto text = std::make_shared<const std::string>(json::serialize(body));
    s_.version_cache.Put(key, {text, shown->organization_id, generation, NowMillis()});
    return Response::Json(200, *text);
  }

  Result<assets::AssetVersion> ReadableVersion(const auth::Principal& principal, const assets::Coordinates& c) {
    return exchange::ReadableVersion(s_, principal, c);
  }

  std::string BaseUrl(const Request& request) const { return exchange::BaseUrl(s_, request); }

  ExchangeServices& s_;
};

}  // namespace

void RegisterExchangeRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<Api>(services);
  auto bind = [api](Response (Api::*method)(Request&)) { return BindHandler(api, method); };
  router.Add("GET", "/", bind(&Api::Root));
  for (const std::string v : {"v1", "v2"}) {
    const std::string base = "/exchange/api/" + v;
    router.Add("POST", base + "/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}", bind(&Api::Publish));
    router.Add("POST", base + "/assets", bind(&Api::CreateFromLegacyForm));
    router.Add("GET", base + "/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/publication/status/{runId}",
               bind(&Api::PublicationStatus));
    router.Add("GET", base + "/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/publication/extendedStatus/{runId}",
               bind(&Api::ExtendedPublicationStatus));
    router.Add("GET", base + "/assets/{groupId}/{assetId}/{version}", bind(&Api::GetAsset));
    router.Add("GET", base + "/assets/{groupId}/{assetId}/{version}/asset", bind(&Api::GetAsset));
    router.Add("GET", base + "/assets/{groupId}/{assetId}/{version}/api/model", bind(&Api::GetApiModel));
    router.Add("GET", base + "/assets/{groupId}/{assetId}", bind(&Api::GetLatestAsset));
    router.Add("GET", base + "/assets/{groupId}/{assetId}/asset", bind(&Api::GetLatestAsset));
    router.Add("GET", base + "/assets/{groupId}/{assetId}/versionGroups", bind(&Api::VersionGroups));
    router.Add("PUT", base + "/assets/{groupId}/{assetId}/{version}/status", bind(&Api::ChangeStatus));
    router.Add("PATCH", base + "/assets/{groupId}/{assetId}", bind(&Api::PatchAsset));
    router.Add("DELETE", base + "/assets/{groupId}/{assetId}/{version}", bind(&Api::DeleteVersion));
    router.Add("DELETE", base + "/assets/{groupId}/{assetId}", bind(&Api::DeleteAsset));
    router.Add("DELETE", base + "/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}", bind(&Api::DeleteVersion));
    router.Add("PATCH", base + "/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/metadata",
               bind(&Api::PatchAsset));
    router.Add("GET", base + "/organizations/{organizationId}/softDeleted", bind(&Api::SoftDeleted));
    for (const std::string kind : {"categories", "fields"}) {
      router.Add("GET", base + "/organizations/{organizationId}/" + kind, bind(&Api::ListTagDefinitions));
      router.Add("POST", base + "/organizations/{organizationId}/" + kind, bind(&Api::CreateTagDefinition));
      router.Add("PATCH", base + "/organizations/{organizationId}/" + kind + "/{id}", bind(&Api::PatchTagDefinition));
      router.Add("DELETE", base + "/organizations/{organizationId}/" + kind + "/{id}", bind(&Api::DeleteTagDefinition));
      router.Add("PUT", base + "/assets/{groupId}/{assetId}/{version}/tags/" + kind + "/{tagKey}", bind(&Api::PutTagValue));
      router.Add("DELETE", base + "/assets/{groupId}/{assetId}/{version}/tags/" + kind + "/{tagKey}",
                 bind(&Api::DeleteTagValue));
    }
    router.Add("PUT", base + "/assets/{groupId}/{assetId}/{version}/tags", bind(&Api::PutTags));
    router.Add("GET", base + "/assets", bind(&Api::ListAssets));
    router.Add("GET", base + "/assets/search", bind(&Api::ListAssets));
    router.Add("GET", base + "/organizations/{organizationId}/groups/{groupId}/assets/{assetId}/nextAvailableVersion",
               bind(&Api::NextAvailableVersion));
  }
  const std::string files = "/exchange/files/api/v1/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}";
  router.Add("GET", files + "/{classifier}/{packaging}", bind(&Api::DownloadFile));
  router.Add("GET", files + "/{classifier}/{packaging}/{fileName}", bind(&Api::DownloadFile));
  router.Add("GET", files + "/{packaging}", bind(&Api::DownloadFile));
  RegisterApiFileRoutes(router, services);
  RegisterIconRoutes(router, services);
  RegisterPortalRoutes(router, services);
  RegisterCompatibilityRoutes(router, services);
  RegisterUsageRoutes(router, services);
  RegisterAccountsRoutes(router, services);
  RegisterGraphRoutes(router, services);
}

}  // namespace agora::exchange
