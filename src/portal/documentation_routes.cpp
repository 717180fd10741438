// The documentation editor of a version (.../{version}/documentation): the draft's pages, created,
// renamed, moved, deleted and edited with a preview; its images; publishing or discarding the
// draft. Authorised as the Exchange API's draft endpoints are (exchange::ManageableVersion) and
// done through the same publication::DocumentationPortal they call.
#include <boost/algorithm/string/replace.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <algorithm>

#include "portal/csrf_multipart.h"
#include "portal/documentation_page.h"
#include "portal/handler_support.h"
#include "publication/portal.h"
#include "server/multipart.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

// The documentation as its editors see it: the draft when there is one, else the published
// documentation the first edit starts the draft from (looking does not start a draft).
struct DraftView {
  storage::Portal portal;
  bool exists = false;
  bool unpublished = false;  // the draft differs from what readers see
};

bool SamePortal(const storage::Portal& a, const storage::Portal& b) {
  auto same = [](const auto& x, const auto& y) { return x.path == y.path && x.sha256 == y.sha256; };
  return std::equal(a.pages.begin(), a.pages.end(), b.pages.begin(), b.pages.end(), same) &&
         std::equal(a.resources.begin(), a.resources.end(), b.resources.begin(), b.resources.end(), same);
}

// The image field of the upload form, after the session's CSRF token, bounded as the API's draft
// resources are.
class ImageUpload : public CsrfFirstMultipart {
 public:
  using CsrfFirstMultipart::CsrfFirstMultipart;

  const std::string& file_name() const { return file_name_; }
  const std::string& content() const { return content_; }

 private:
  Status OnFieldBegin(const server::MultipartPart& part) override {
    if (part.name != "file") return Status::InvalidArgument("BAD_REQUEST", "The form has no field " + part.name);
    if (!part.filename || part.filename->empty()) return Status::InvalidArgument("BAD_REQUEST", "Choose an image to upload");
    file_name_ = *part.filename;
    return Status::Ok();
  }
  Status OnFieldData(const char* data, size_t size) override {
    if (content_.size() + size > publication::DocumentationPortal::kMaxResourceBytes)
      return Status::PayloadTooLarge("The image is larger than 16 MB");
    content_.append(data, size);
    return Status::Ok();
  }
  Status OnFieldEnd() override { return Status::Ok(); }

  std::string file_name_, content_;
};

class DocumentationEditor {
 public:
  explicit DocumentationEditor(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  // GET .../{version}/documentation
  Response Overview(Request& request) { return Answer(request, {}); }

  // POST .../documentation/pages: path.
  Response CreatePage(Request& request) {
    return Act(request, "created", [&](const assets::AssetVersion& version, const Form& fields, std::string& doing) {
      const std::string path = boost::algorithm::trim_copy(fields["path"]);
      doing = "Creating the page " + path;
      return core_->s.portal.CreatePage(version, path, "");
    });
  }

  // POST .../documentation/rename: from, path (a page, or a folder of pages, as x-move-source).
  Response RenamePage(Request& request) {
    return Act(request, "renamed", [&](const assets::AssetVersion& version, const Form& fields, std::string& doing) {
      const std::string path = boost::algorithm::trim_copy(fields["path"]);
      doing = "Renaming " + fields["from"] + " to " + path;
      if (path == fields["from"]) return Status::Ok();
      return core_->s.portal.CreatePage(version, path, fields["from"]);
    });
  }

  // POST .../documentation/move: path, direction (up or down), revision (the order the page showed).
  Response MovePage(Request& request) {
    return Act(request, "moved", [&](const assets::AssetVersion& version, const Form& fields, std::string& doing) {
      const std::string path = fields["path"];
      const bool up = fields["direction"] == "up";
      doing = std::string("Moving ") + path + (up ? " up" : " down");
      AGORA_ASSIGN_OR_RETURN(DraftView draft, LoadDraft(version));
      std::vector<std::string> order;
      for (const auto& page : draft.portal.pages) order.push_back(page.path);
      const auto at = std::find(order.begin(), order.end(), path);
      if (at == order.end()) return Status::NotFound("The draft has no page " + path);
      if (up ? at == order.begin() : at + 1 == order.end())
        return Status::InvalidArgument("INVALID_PAGES_ORDER", "The page is already the " + std::string(up ? "first" : "last"));
      std::iter_swap(at, up ? at - 1 : at + 1);
      return core_->s.portal.SetPageOrder(version, order, fields["revision"]);
    });
  }

  // POST .../documentation/delete: path.
  Response DeletePage(Request& request) {
    return Act(request, "deleted", [&](const assets::AssetVersion& version, const Form& fields, std::string& doing) {
      doing = "Deleting the page " + fields["path"];
      return core_->s.portal.DeletePage(version, fields["path"]);
    });
  }

  // POST .../documentation/resources/delete: path ("resources/...").
  Response RemoveImage(Request& request) {
    return Act(request, "removed", [&](const assets::AssetVersion& version, const Form& fields, std::string& doing) {
      doing = "Removing the image " + fields["path"];
      return core_->s.portal.DeleteResource(version, fields["path"]);
    });
  }

  Response Publish(Request& request) {
    return Act(request, "published", [&](const assets::AssetVersion& version, const Form&, std::string& doing) {
      doing = "Publishing the draft";
      return core_->s.portal.Publish(version);
    });
  }

  Response Discard(Request& request) {
    return Act(request, "discarded", [&](const assets::AssetVersion& version, const Form&, std::string& doing) {
      doing = "Discarding the draft";
      return core_->s.portal.Discard(version);
    });
  }

  // POST .../documentation/resources (multipart: csrf, then file), as POST .../draft/resources.
  Response UploadImage(Request& request) {
    const std::string page = DocumentationUrl(exchange::CoordinatesOf(request), "");
    auto session = core_->sessions.FromRequest(request);
    if (!session.ok()) {
      if (session.status().kind() != Status::Kind::kUnauthorized) return ErrorPage(session.status(), nullptr);
      return Redirect("/exchange/-/login?next=" + UrlEncode(page));
    }
    if (!Sessions::SameOrigin(request)) return ErrorPage(ForeignForm(), &*session);
    ImageUpload upload([&](const std::string& token) { return core_->sessions.CheckCsrf(*session, token); });
    const Status read = server::ParseMultipart(request, upload, server::MultipartLimits{});
    if (!upload.csrf_checked()) return ErrorPage(ForeignForm(), &*session);
    AGORA_ASSIGN_OR_RETURN_PAGE(assets::AssetVersion version,
                                exchange::ManageableVersion(core_->s, session->principal, request), *session);
    Status added = read;
    if (added.ok() && upload.file_name().empty()) added = Status::InvalidArgument("BAD_REQUEST", "Choose an image to upload");
    if (added.ok()) added = core_->s.portal.AddResource(version, upload.file_name(), upload.content()).status();
    if (!added.ok()) return Answer(request, {"", "Uploading the image", added});
    return Redirect(page + "?done=uploaded");
  }

  // GET .../documentation/resources/{name*}: an image of the draft, for the editor's previews.
  Response DraftImage(Request& request) {
    return Managed(request, [&](const Session& session, AssetContext&, const assets::AssetVersion& version) {
      AGORA_ASSIGN_OR_RETURN_PAGE(DraftView draft, LoadDraft(version), session);
      return core_->DocumentationImage(request, session, version, draft.exists);
    });
  }

  // GET .../documentation/edit/{page*}: the page's Markdown in the editor.
  Response EditPage(Request& request) {
    return Managed(request, [&](const Session& session, AssetContext& context, const assets::AssetVersion& version) {
      AGORA_ASSIGN_OR_RETURN_PAGE(DraftView draft, LoadDraft(version), session);
      PageEditorState state{request.Param("page"), "", std::nullopt, draft.portal.resources, {}, session.csrf_token};
      AGORA_ASSIGN_OR_RETURN_PAGE(state.markdown, core_->s.portal.PageContent(version, draft.exists, state.path), session);
      state.outcome.notice = DocumentationNotice(request.Query("done").value_or(""));
      return Editor(session, context, state, 200);
    });
  }

  // POST .../documentation/edit/{page*}: markdown, action=save (PUT .../draft/pages/{page}) or
  // action=preview (nothing is stored: the page comes back with the Markdown rendered below it).
  Response SavePage(Request& request) {
    const std::string editor = PageEditorUrl(exchange::CoordinatesOf(request), request.Param("page"));
    return core_->WithForm(request, editor, [&](const Session&, const Form& fields) -> Response {
      return Managed(request, [&](const Session& session, AssetContext& context, const assets::AssetVersion& version) {
        AGORA_ASSIGN_OR_RETURN_PAGE(DraftView draft, LoadDraft(version), session);
        // Browsers send a textarea's lines ended by CRLF; pages are stored as the API's editors write them.
        PageEditorState state{request.Param("page"), boost::algorithm::replace_all_copy(fields["markdown"], "\r\n", "\n"),
                              std::nullopt, draft.portal.resources, {}, session.csrf_token};
        Status saved = Status::Ok();
        if (state.markdown.size() > publication::DocumentationPortal::kMaxPageBytes)
          saved = Status::PayloadTooLarge("The page is larger than 4 MB");
        else if (fields["action"] == "preview")
          state.preview = RenderMarkdown(state.markdown, PreviewOptions(version, draft));
        else
          saved = core_->s.portal.PutPage(version, state.path, state.markdown);
        if (saved.ok()) return state.preview ? Editor(session, context, state, 200) : Redirect(editor + "?done=saved");
        state.outcome = {"", "Saving the page " + state.path, saved};
        return Editor(session, context, state, saved.http_status());
      });
    }, kMaxEditorFormBytes);
  }

 private:
  // The page's Markdown arrives URL-encoded: up to three bytes sent for each byte of it.
  static constexpr size_t kMaxEditorFormBytes = 3 * publication::DocumentationPortal::kMaxPageBytes + kMaxFormBytes;

  // Runs `page` with the path's version when the session may manage it (as the API's draft endpoints).
  template <typename Page>
  Response Managed(Request& request, Page page) {
    return core_->WithAsset(request, request.Param("version"), [&](const Session& session, AssetContext& context) {
      AGORA_ASSIGN_OR_RETURN_PAGE(assets::AssetVersion version,
                                  exchange::ManageableVersion(core_->s, session.principal, request), session);
      return page(session, context, version);
    });
  }

  // Runs a change of the draft from a checked form; then back to the documentation page, which
  // says it was done, or shows why it was refused.
  template <typename Change>
  Response Act(Request& request, const char* done, Change change) {
    const std::string page = DocumentationUrl(exchange::CoordinatesOf(request), "");
    return core_->WithForm(request, page, [&](const Session& session, const Form& fields) -> Response {
      AGORA_ASSIGN_OR_RETURN_PAGE(assets::AssetVersion version,
                                  exchange::ManageableVersion(core_->s, session.principal, request), session);
      std::string doing;
      const Status changed = change(version, fields, doing);
      if (!changed.ok()) return Answer(request, {"", doing, changed});
      return Redirect(page + "?done=" + done);
    });
  }

  // The documentation page; after a refused change, with the refusal and its status code.
  Response Answer(Request& request, const ActionOutcome& outcome) {
    return Managed(request, [&](const Session& session, AssetContext& context, const assets::AssetVersion& version) {
      AGORA_ASSIGN_OR_RETURN_PAGE(DraftView draft, LoadDraft(version), session);
      DocumentationState state{draft.portal.pages, draft.portal.resources, publication::PageOrderRevision(draft.portal),
                               draft.unpublished, outcome, session.csrf_token};
      if (outcome.refused.empty()) state.outcome.notice = DocumentationNotice(request.Query("done").value_or(""));
      Html html;
      BeginPage(html, {"Documentation · " + version.name, &session});
      BeginAssetPage(html, context, AssetSection::kDocumentation);
      RenderDocumentationPage(html, version, state);
      EndAssetPage(html);
      EndPage(html);
      return HtmlResponse(outcome.refused.empty() ? 200 : outcome.refusal.http_status(), html.Take());
    });
  }

  Response Editor(const Session& session, const AssetContext& context, const PageEditorState& state, int status) {
    Html html;
    BeginPage(html, {"Edit " + state.path + " · " + context.version->name, &session});
    BeginAssetPage(html, context, AssetSection::kDocumentation);
    RenderPageEditor(html, *context.version, state);
    EndAssetPage(html);
    EndPage(html);
    return HtmlResponse(status, html.Take());
  }

  Result<DraftView> LoadDraft(const assets::AssetVersion& version) {
    AGORA_ASSIGN_OR_RETURN(publication::PortalView published, core_->s.portal.Get(version, false));
    DraftView view{std::move(published.portal), published.draft_exists, false};
    if (!view.exists) return view;
    AGORA_ASSIGN_OR_RETURN(publication::PortalView draft, core_->s.portal.Get(version, true));
    view.unpublished = !SamePortal(draft.portal, view.portal);
    view.portal = std::move(draft.portal);
    return view;
  }

  // The draft's images resolve to the editor's own route for them.
  static MarkdownOptions PreviewOptions(const assets::AssetVersion& version, const DraftView& draft) {
    MarkdownOptions options;
    options.resource_base = DocumentationUrl(version.coordinates, "") + "/";
    for (const auto& resource : draft.portal.resources) options.resources.insert(resource.path);
    return options;
  }

  std::shared_ptr<PortalCore> core_;
};

}  // namespace

void RegisterDocumentationRoutes(server::Router& router, std::shared_ptr<PortalCore> core) {
  auto bind = RouteBinder(std::make_shared<DocumentationEditor>(std::move(core)));
  const std::string documentation = "/exchange/{groupId}/{assetId}/{version}/documentation";
  router.Add("GET", documentation, bind(&DocumentationEditor::Overview));
  router.Add("POST", documentation + "/pages", bind(&DocumentationEditor::CreatePage));
  router.Add("POST", documentation + "/rename", bind(&DocumentationEditor::RenamePage));
  router.Add("POST", documentation + "/move", bind(&DocumentationEditor::MovePage));
  router.Add("POST", documentation + "/delete", bind(&DocumentationEditor::DeletePage));
  router.Add("POST", documentation + "/publish", bind(&DocumentationEditor::Publish));
  router.Add("POST", documentation + "/discard", bind(&DocumentationEditor::Discard));
  router.Add("POST", documentation + "/resources", bind(&DocumentationEditor::UploadImage));
  router.Add("POST", documentation + "/resources/delete", bind(&DocumentationEditor::RemoveImage));
  router.Add("GET", documentation + "/resources/{name*}", bind(&DocumentationEditor::DraftImage));
  router.Add("GET", documentation + "/edit/{page*}", bind(&DocumentationEditor::EditPage));
  router.Add("POST", documentation + "/edit/{page*}", bind(&DocumentationEditor::SavePage));
}

}  // namespace agora::portal
