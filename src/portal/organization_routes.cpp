// The administration of an organisation (or one of its business groups) by its administrators:
// the categories and custom fields its versions may carry.
#include "exchange/tag_definitions.h"
#include "portal/handler_support.h"
#include "portal/organization_page.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

class OrganizationPages {
 public:
  explicit OrganizationPages(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  // GET /exchange/-/organization: the categories and custom fields of the administrator's
  // organisation (?org= one of its business groups).
  Response OrganizationPage(Request& request) {
    return core_->WithSession(request, [&](const Session& session) -> Response {
      OrganizationPageState state;
      state.organization_id = request.Query("org").value_or(session.principal.organization_id);
      state.notice = OrganizationNotice(request.Query("done").value_or(""));
      return OrganizationAnswer(session, std::move(state));
    });
  }

  // POST /exchange/-/organization/definitions: defines a category or custom field (DefineTag).
  Response DefineTagDefinition(Request& request) {
    return core_->WithForm(request, "/exchange/-/organization", [&](const Session& session, const Form& fields) -> Response {
      const std::string organization = fields["organizationId"];
      storage::TagDefinition definition = DefinitionFromForm(fields, organization);
      const std::string doing = std::string("Defining the ") + (definition.kind == "category" ? "category " : "custom field ") +
                                definition.tag_key;
      auto defined = exchange::DefineTag(core_->s, session.principal, std::move(definition));
      if (defined.ok()) return Redirect(OrganizationUrl(organization) + "&done=defined");
      OrganizationPageState state;
      state.organization_id = organization;
      state.refused = doing;
      state.refusal = defined.status();
      state.entered = &fields;
      return OrganizationAnswer(session, std::move(state));
    });
  }

  // POST /exchange/-/organization/definitions/delete: removes one (RemoveTagDefinition).
  Response RemoveDefinition(Request& request) {
    return core_->WithForm(request, "/exchange/-/organization", [&](const Session& session, const Form& fields) -> Response {
      const std::string organization = fields["organizationId"];
      const Status removed = exchange::RemoveTagDefinition(core_->s, session.principal, organization, fields["kind"], fields["id"]);
      if (removed.ok()) return Redirect(OrganizationUrl(organization) + "&done=removed");
      OrganizationPageState state;
      state.organization_id = organization;
      state.refused = "Removing the definition";
      state.refusal = removed;
      return OrganizationAnswer(session, std::move(state));
    });
  }


 private:
  // The organisation page for an administrator of `state.organization_id` (403 for others).
  Response OrganizationAnswer(const Session& session, OrganizationPageState state) {
    if (Status st = auth::Authorize(session.principal, state.organization_id, auth::Action::kAdminister); !st.ok())
      return ErrorPage(st, &session);
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, core_->catalogue.DirectoryFor(session.principal), session);
    state.organization_name = directory->OrganizationName(state.organization_id);
    AGORA_ASSIGN_OR_RETURN_PAGE(state.categories, core_->s.metadata.ListTagDefinitions(state.organization_id, "category"), session);
    AGORA_ASSIGN_OR_RETURN_PAGE(state.fields, core_->s.metadata.ListTagDefinitions(state.organization_id, "field"), session);
    state.csrf_token = session.csrf_token;
    const int status = state.refused.empty() ? 200 : state.refusal.http_status();
    Html html;
    BeginPage(html, {"Organization", &session});
    RenderOrganizationPage(html, state);
    EndPage(html);
    return HtmlResponse(status, html.Take());
  }


  std::shared_ptr<PortalCore> core_;
};

}  // namespace

void RegisterOrganizationRoutes(server::Router& router, std::shared_ptr<PortalCore> core) {
  auto bind = RouteBinder(std::make_shared<OrganizationPages>(std::move(core)));
  router.Add("GET", "/exchange/-/organization", bind(&OrganizationPages::OrganizationPage));
  router.Add("POST", "/exchange/-/organization/definitions", bind(&OrganizationPages::DefineTagDefinition));
  router.Add("POST", "/exchange/-/organization/definitions/delete", bind(&OrganizationPages::RemoveDefinition));
}

}  // namespace agora::portal
