#include "exchange/portal_api.h"

#include <map>
#include <memory>

#include "common/ids.h"
#include "exchange/handler_support.h"
#include "publication/portal.h"
#include "publication/tag_rules.h"
#include "server/multipart.h"

namespace agora::exchange {
namespace json = boost::json;
using server::Request;
using server::Response;

namespace {

constexpr size_t kMaxPageBytes = publication::DocumentationPortal::kMaxPageBytes;
constexpr size_t kMaxResourceBytes = publication::DocumentationPortal::kMaxResourceBytes;
constexpr size_t kMaxFieldBytes = 64 << 10;
constexpr const char* kMutableDataRun = "mutabledata";  // PublicationJob::kind of a mutable-data update

json::array PagesJson(const storage::Portal& portal) {
  json::array pages;
  for (const auto& page : portal.pages)
    pages.push_back(json::object{{"name", page.path.substr(page.path.rfind('/') + 1)}, {"path", page.path}});
  return pages;
}

// Collects a multipart form's text fields and keeps at most one file, bounded in size.
class FormCollector : public server::MultipartHandler {
 public:
  explicit FormCollector(size_t max_file_bytes) : max_file_bytes_(max_file_bytes) {}

  Status OnPartBegin(const server::MultipartPart& part) override {
    current_ = part.name;
    is_file_ = part.filename.has_value();
    if (is_file_) {
      if (!file_field_.empty()) return Status::InvalidArgument("INVALID_MULTIPART", "only one file may be sent");
      file_field_ = part.name;
      file_name_ = *part.filename;
    } else {
      fields_[current_];
    }
    return Status::Ok();
  }
  Status OnPartData(const char* data, size_t size) override {
    std::string& target = is_file_ ? file_ : fields_[current_];
    if (target.size() + size > (is_file_ ? max_file_bytes_ : kMaxFieldBytes))
      return Status::PayloadTooLarge("The part " + current_ + " is too large");
    target.append(data, size);
    return Status::Ok();
  }
  Status OnPartEnd() override { return Status::Ok(); }

  std::map<std::string, std::string> fields_;
  std::string file_field_, file_name_, file_;

 private:
  size_t max_file_bytes_;
  std::string current_;
  bool is_file_ = false;
};

class PortalApi {
 public:
  PortalApi(ExchangeServices& s) : s_(s) {}

  Response GetPortal(Request& request) { return Pages(request, /*wrap=*/true); }
  Response ListPages(Request& request) { return Pages(request, /*wrap=*/false); }

  Response GetPage(Request& request) {
    const bool draft = IsDraft(request);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Version(request, draft));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string markdown,
                                    s_.portal.PageContent(version, draft, request.Param("pagePath")));
    return Response::Text(200, std::move(markdown), "text/markdown; charset=utf-8");
  }

  Response ListResources(Request& request) {
    const bool draft = IsDraft(request);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Version(request, draft));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(publication::PortalView view, s_.portal.Get(version, draft));
    json::array resources;
    for (const auto& resource : view.portal.resources) resources.push_back(json::object{{"path", resource.path}});
    return JsonResponse(200, resources);
  }

  Response GetResource(Request& request) {
    const bool draft = IsDraft(request);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Version(request, draft));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(storage::PortalResource resource,
                                    s_.portal.Resource(version, draft, "resources/" + request.Param("resourceId")));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(uint64_t size, s_.blobs.Size(resource.sha256));
    return ServeBlob(s_.blobs, request, resource.sha256, size, resource.media_type,
                     resource.path.substr(resource.path.rfind('/') + 1));
  }

  Response CreatePage(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string body, request.ReadWholeBody(kMaxFieldBytes));
    boost::system::error_code ec;
    const json::value value = json::parse(body, ec);
    const json::value* path = !ec && value.is_object() ? value.as_object().if_contains("pagePath") : nullptr;
    if (!path || !path->is_string())
      return Response::Error(Status::InvalidArgument("BAD_REQUEST", "Send {\"pagePath\": \"name\"}"));
    const std::string move_source = request.Header("x-move-source").value_or("");
    if (Status st = s_.portal.CreatePage(version, std::string(path->as_string()), move_source); !st.ok())
      return Response::Error(st);
    return JsonResponse(201, {{"path", path->as_string()}});
  }

  Response PutPage(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string markdown, request.ReadWholeBody(kMaxPageBytes));
    return Done(s_.portal.PutPage(version, request.Param("pagePath"), markdown));
  }

  Response DeletePage(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    return Done(s_.portal.DeletePage(version, request.Param("pagePath")));
  }

  // PUT .../draft/pagesOrder: ["page-C", "page-A", ...], every page of the draft once; with
  // X-Pages-Order-Revision, refused (409) when the pages changed since that revision.
  Response SetPagesOrder(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string body, request.ReadWholeBody(kMaxFieldBytes));
    boost::system::error_code ec;
    const json::value value = json::parse(body, ec);
    std::vector<std::string> order;
    if (!ec && value.is_array())
      for (const auto& item : value.as_array())
        if (item.is_string()) order.emplace_back(item.as_string());
    if (ec || !value.is_array() || order.empty() || order.size() != value.as_array().size())
      return Response::Error(Status::InvalidArgument("BAD_REQUEST", "Send the page paths in order: [\"home\", ...]"));
    const std::string revision = request.Header("x-pages-order-revision").value_or("");
    if (Status st = s_.portal.SetPageOrder(version, order, revision); !st.ok()) return Response::Error(st);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(publication::PortalView view, s_.portal.Get(version, true));
    Response response = Response::NoContent();
    response.SetHeader("X-Pages-Order-Revision", publication::PageOrderRevision(view.portal));
    return response;
  }

  Response AddResource(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    FormCollector form(kMaxResourceBytes);
    if (Status st = server::ParseMultipart(request, form, {}); !st.ok()) return Response::Error(st);
    if (form.file_field_.rfind("files.", 0) != 0)
      return Response::Error(Status::InvalidArgument("BAD_REQUEST", "Send the image as a files.<extension> part"));
    const std::string name = form.file_name_.empty() ? "file" + form.file_field_.substr(5) : form.file_name_;
    AGORA_ASSIGN_OR_RETURN_RESPONSE(std::string path, s_.portal.AddResource(version, name, form.file_));
    return JsonResponse(201, {{"path", path}});
  }

  Response DeleteResource(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    return Done(s_.portal.DeleteResource(version, "resources/" + request.Param("resourceId")));
  }

  Response PublishDraft(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    return Done(s_.portal.Publish(version));
  }

  Response DiscardDraft(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    return Done(s_.portal.Discard(version));
  }

  // PATCH .../mutabledata: applied before answering; the status link reports how it ended.
  Response UpdateMutableData(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Manageable(request));
    if (version.organization_id != request.Param("organizationId"))
      return Response::Error(Status::NotFound("Asset " + version.coordinates.ToString() + " not found in organization " +
                                              request.Param("organizationId").substr(0, 100)));
    const std::string run_id = NewUuid();
    const Status outcome = ApplyMutableData(request, version);
    Remember(run_id, version, outcome);
    if (!outcome.ok()) return Response::Error(outcome);
    const std::string base = BaseUrl(s_, request);
    return JsonResponse(202, {{"mutableDataStatusLink", base + request.path() + "/status/" + run_id}});
  }

  Response MutableDataStatus(Request& request) {
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Version(request, false));
    const auto run = s_.metadata.GetJob(request.Param("runId"));
    if (!run.ok() || run->kind != kMutableDataRun || !(run->coordinates == version.coordinates))
      return Response::Error(Status::NotFound("No mutable data update " + request.Param("runId").substr(0, 100)));
    json::object body{{"status", run->status}};
    if (run->status != "completed") body["errors"] = json::parse(run->steps_json);
    return JsonResponse(200, body);
  }

 private:
  Response Pages(Request& request, bool wrap) {
    const bool draft = IsDraft(request);
    AGORA_ASSIGN_OR_RETURN_RESPONSE(assets::AssetVersion version, Version(request, draft));
    AGORA_ASSIGN_OR_RETURN_RESPONSE(publication::PortalView view, s_.portal.Get(version, draft));
    Response response = wrap ? JsonResponse(200, {{"draftStatus", view.draft_exists ? "NOT_PUBLISHED" : "PUBLISHED"},
                                                   {"pages", PagesJson(view.portal)}})
                             : JsonResponse(200, PagesJson(view.portal));
    response.SetHeader("X-Pages-Order-Revision", publication::PageOrderRevision(view.portal));
    return response;
  }

  static bool IsDraft(const Request& request) { return request.path().find("/portal/draft") != std::string::npos; }

  // Readers see the published portal; the draft is for those who may edit it.
  Result<assets::AssetVersion> Version(const Request& request, bool draft) {
    AGORA_ASSIGN_OR_RETURN(auth::Principal principal, Authenticate(s_, request));
    if (draft) return ManageableVersion(s_, principal, request);
    return ReadableVersion(s_, principal, CoordinatesOf(request));
  }

  Result<assets::AssetVersion> Manageable(const Request& request) { return Version(request, true); }

  static Response Done(const Status& status) { return status.ok() ? Response::NoContent() : Response::Error(status); }

  // Validates everything first (tag definitions, the docs.zip), then changes the version.
  Status ApplyMutableData(Request& request, const assets::AssetVersion& version) {
    FormCollector form(256ull << 20);
    AGORA_RETURN_IF_ERROR(server::ParseMultipart(request, form, {}));
    std::optional<std::vector<std::string>> tags;
    std::vector<std::pair<std::string, assets::TagValue>> values;
    for (const auto& [name, value] : form.fields_) {
      if (name == "tags") {
        tags.emplace();
        for (std::string tag : SplitList(value)) tags->push_back(std::move(tag));
      } else if (name.rfind("categories.", 0) == 0) {
        values.push_back({"category", {name.substr(11), SplitList(value)}});
      } else if (name.rfind("fields.", 0) == 0) {
        values.push_back({"field", {name.substr(7), SplitList(value)}});
      } else {
        return Status::InvalidArgument("UNKNOWN_FORM_FIELDS", "Unknown field " + name.substr(0, 100));
      }
    }
    if (!form.file_field_.empty() && form.file_field_ != "files.docs.zip")
      return Status::InvalidArgument("UNKNOWN_FORM_FIELDS", "Unknown file field " + form.file_field_.substr(0, 100));
    for (const auto& [kind, value] : values) {
      AGORA_ASSIGN_OR_RETURN(auto definitions, s_.metadata.ListTagDefinitions(version.organization_id, kind));
      AGORA_RETURN_IF_ERROR(publication::CheckTagValue(definitions, kind, version.type, value));
    }
    publication::BlobLease lease(s_.reaper);
    std::optional<storage::Portal> docs;
    if (!form.file_field_.empty()) {
      AGORA_ASSIGN_OR_RETURN(auto writer, s_.blobs.NewWriter());
      AGORA_RETURN_IF_ERROR(writer->Append(form.file_.data(), form.file_.size()));
      AGORA_ASSIGN_OR_RETURN(storage::BlobInfo zip, lease.Commit(*writer));
      AGORA_ASSIGN_OR_RETURN(storage::LocalBlob zip_file, s_.blobs.Fetch(zip.sha256));
      AGORA_ASSIGN_OR_RETURN(docs, s_.portal.ReadDocsZip(zip_file.path(), lease));
    }
    if (tags) AGORA_RETURN_IF_ERROR(s_.metadata.SetVersionTags(version.coordinates, *tags));
    for (const auto& [kind, value] : values)
      AGORA_RETURN_IF_ERROR(s_.metadata.SetVersionTagValue(version.coordinates, kind, value));
    if (docs) AGORA_RETURN_IF_ERROR(s_.portal.ReplacePublished(version, *docs));
    lease.Release(/*sweep=*/true);  // the zip itself is not kept; the pages' blobs now have rows
    return Status::Ok();
  }

  static std::vector<std::string> SplitList(const std::string& text) {
    std::vector<std::string> items;
    size_t start = 0;
    while (start <= text.size()) {
      const size_t end = std::min(text.find(',', start), text.size());
      std::string item = text.substr(start, end - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) items.push_back(std::move(item));
      start = end + 1;
    }
    return items;
  }

  // Kept in the store beside publication jobs, finished from the start, so that the status link
  // answers on whichever server it reaches. A failure to keep it loses only the link's answer.
  void Remember(const std::string& run_id, const assets::AssetVersion& version, const Status& outcome) {
    storage::PublicationJob run;
    run.run_id = run_id;
    run.organization_id = version.organization_id;
    run.coordinates = version.coordinates;
    run.kind = kMutableDataRun;
    run.status = outcome.ok() ? "completed" : "error";
    run.steps_json = outcome.ok() ? "[]" : json::serialize(json::array{json::value(outcome.message())});
    run.request_json = "{}";
    run.created_millis = run.updated_millis = NowMillis();
    (void)s_.metadata.PutJob(run);
  }

  ExchangeServices& s_;
};

}  // namespace

void RegisterPortalRoutes(server::Router& router, ExchangeServices& services) {
  auto api = std::make_shared<PortalApi>(services);
  auto bind = [api](Response (PortalApi::*handler)(Request&)) { return BindHandler(api, handler); };
  for (const std::string base : {"/exchange/api/v1", "/exchange/api/v2"}) {
    const std::string portal = base + "/assets/{groupId}/{assetId}/{version}/portal";
    router.Add("GET", portal, bind(&PortalApi::GetPortal));
    router.Add("PATCH", portal, bind(&PortalApi::PublishDraft));
    router.Add("GET", portal + "/pages", bind(&PortalApi::ListPages));
    router.Add("GET", portal + "/pages/{pagePath*}", bind(&PortalApi::GetPage));
    router.Add("GET", portal + "/resources", bind(&PortalApi::ListResources));
    router.Add("GET", portal + "/resources/{resourceId*}", bind(&PortalApi::GetResource));
    router.Add("GET", portal + "/draft", bind(&PortalApi::GetPortal));
    router.Add("PUT", portal + "/draft", bind(&PortalApi::PublishDraft));
    router.Add("DELETE", portal + "/draft", bind(&PortalApi::DiscardDraft));
    router.Add("GET", portal + "/draft/pages", bind(&PortalApi::ListPages));
    router.Add("POST", portal + "/draft/pages", bind(&PortalApi::CreatePage));
    router.Add("GET", portal + "/draft/pages/{pagePath*}", bind(&PortalApi::GetPage));
    router.Add("PUT", portal + "/draft/pages/{pagePath*}", bind(&PortalApi::PutPage));
    router.Add("DELETE", portal + "/draft/pages/{pagePath*}", bind(&PortalApi::DeletePage));
    router.Add("PUT", portal + "/draft/pagesOrder", bind(&PortalApi::SetPagesOrder));
    router.Add("GET", portal + "/draft/resources", bind(&PortalApi::ListResources));
    router.Add("POST", portal + "/draft/resources", bind(&PortalApi::AddResource));
    router.Add("GET", portal + "/draft/resources/{resourceId*}", bind(&PortalApi::GetResource));
    router.Add("DELETE", portal + "/draft/resources/{resourceId*}", bind(&PortalApi::DeleteResource));
    const std::string mutable_data = base + "/organizations/{organizationId}/assets/{groupId}/{assetId}/{version}/mutabledata";
    router.Add("PATCH", mutable_data, bind(&PortalApi::UpdateMutableData));
    router.Add("GET", mutable_data + "/status/{runId}", bind(&PortalApi::MutableDataStatus));
  }
  // anypoint-cli publishes a documentation draft with an empty PATCH of the v1 version.
  router.Add("PATCH", "/exchange/api/v1/assets/{groupId}/{assetId}/{version}", bind(&PortalApi::PublishDraft));
}

}  // namespace agora::exchange
