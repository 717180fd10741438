// The API tokens of an organisation and its business groups, for its administrators: listing,
// issuing (the secret shown once, on the answer to the form) and revoking, through
// auth::api_tokens as `agora admin` does.
#include <algorithm>

#include "auth/api_tokens.h"
#include "common/ids.h"
#include "portal/handler_support.h"
#include "portal/token_page.h"

namespace agora::portal {
namespace {

using server::Request;
using server::Response;

class TokenPages {
 public:
  explicit TokenPages(std::shared_ptr<PortalCore> core) : core_(std::move(core)) {}

  // GET /exchange/-/organization/tokens: the API tokens of the administrator's organisation
  // (?org= one of its business groups) and its business groups.
  Response TokensPage(Request& request) {
    return core_->WithSession(request, [&](const Session& session) -> Response {
      TokenPageState state;
      state.organization_id = request.Query("org").value_or(session.principal.organization_id);
      state.notice = TokenNotice(request.Query("done").value_or(""));
      return TokenAnswer(session, std::move(state), 200);
    });
  }

  // POST /exchange/-/organization/tokens: issues a token for the chosen organisation, which the
  // administrator must administer; the answer shows its secret, once.
  Response Issue(Request& request) {
    return core_->WithForm(request, "/exchange/-/organization/tokens", [&](const Session& session, const Form& fields) -> Response {
      TokenPageState state;
      state.organization_id = fields["pageOrganizationId"];
      auto issued = IssueFromForm(session, fields);
      if (issued.ok()) {
        state.issued_secret = std::move(issued).value();
        return TokenAnswer(session, std::move(state), 201);
      }
      state.refused = "Issuing the token";
      state.refusal = issued.status();
      state.entered = &fields;
      return TokenAnswer(session, std::move(state), issued.status().http_status());
    });
  }

  // POST /exchange/-/organization/tokens/revoke: ends a token of the page's organisations at once.
  Response Revoke(Request& request) {
    return core_->WithForm(request, "/exchange/-/organization/tokens", [&](const Session& session, const Form& fields) -> Response {
      const std::string organization = fields["organizationId"];
      const Status revoked = RevokeFromForm(session, organization, fields["id"]);
      if (revoked.ok()) return Redirect(TokensUrl(organization) + "&done=revoked");
      TokenPageState state;
      state.organization_id = organization;
      state.refused = "Revoking the token";
      state.refusal = revoked;
      return TokenAnswer(session, std::move(state), revoked.http_status());
    });
  }

 private:
  Result<std::string> IssueFromForm(const Session& session, const Form& fields) {
    const std::string organization = fields["organizationId"];
    AGORA_RETURN_IF_ERROR(auth::Authorize(session.principal, organization, auth::Action::kAdminister));
    if (fields["subject"].find_first_not_of(" \t") == std::string::npos)
      return Status::InvalidArgument("INVALID_SUBJECT", "Give the token a name: who or what uses it");
    AGORA_ASSIGN_OR_RETURN(int64_t lifetime, TokenLifetime(fields["expiresIn"]));
    return auth::IssueApiToken(core_->s.metadata, organization, fields["role"], fields["subject"], lifetime);
  }

  Status RevokeFromForm(const Session& session, const std::string& organization, const std::string& id) {
    AGORA_RETURN_IF_ERROR(auth::Authorize(session.principal, organization, auth::Action::kAdminister));
    AGORA_ASSIGN_OR_RETURN(auto tokens, ApiTokensOf(organization));
    AGORA_ASSIGN_OR_RETURN(auto token, auth::FindTokenById(tokens, id));
    return core_->s.metadata.DeleteToken(token.token_hash);
  }

  // The tokens administrators issued (not sign-in sessions) for the organisation and its groups.
  Result<std::vector<storage::TokenRecord>> ApiTokensOf(const std::string& organization) {
    AGORA_ASSIGN_OR_RETURN(auto tree, core_->s.metadata.ListOrganizationTree(organization));
    std::vector<std::string> ids;
    for (const auto& o : tree) ids.push_back(o.id);
    AGORA_ASSIGN_OR_RETURN(auto tokens, auth::TokensOf(core_->s.metadata, ids));
    std::erase_if(tokens, [](const storage::TokenRecord& t) { return !t.account_id.empty(); });
    return tokens;
  }

  // The page for an administrator of `state.organization_id` (403 for others).
  Response TokenAnswer(const Session& session, TokenPageState state, int status) {
    if (Status st = auth::Authorize(session.principal, state.organization_id, auth::Action::kAdminister); !st.ok())
      return ErrorPage(st, &session);
    AGORA_ASSIGN_OR_RETURN_PAGE(auto directory, core_->catalogue.DirectoryFor(session.principal), session);
    AGORA_ASSIGN_OR_RETURN_PAGE(auto tree, core_->s.metadata.ListOrganizationTree(state.organization_id), session);
    for (const auto& o : tree) state.organizations.emplace_back(o.id, directory->OrganizationName(o.id));
    state.organization_name = directory->OrganizationName(state.organization_id);
    AGORA_ASSIGN_OR_RETURN_PAGE(state.tokens, ApiTokensOf(state.organization_id), session);
    state.now_millis = NowMillis();
    state.csrf_token = session.csrf_token;
    Html html;
    BeginPage(html, {"API tokens", &session});
    RenderTokenPage(html, state);
    EndPage(html);
    return HtmlResponse(status, html.Take());
  }

  std::shared_ptr<PortalCore> core_;
};

}  // namespace

void RegisterTokenRoutes(server::Router& router, std::shared_ptr<PortalCore> core) {
  auto bind = RouteBinder(std::make_shared<TokenPages>(std::move(core)));
  router.Add("GET", "/exchange/-/organization/tokens", bind(&TokenPages::TokensPage));
  router.Add("POST", "/exchange/-/organization/tokens", bind(&TokenPages::Issue));
  router.Add("POST", "/exchange/-/organization/tokens/revoke", bind(&TokenPages::Revoke));
}

}  // namespace agora::portal
