#include "portal/token_page.h"

#include "auth/api_tokens.h"
#include "common/ids.h"
#include "portal/links.h"
#include "portal/manage_page.h"

namespace agora::portal {
namespace {

// The issue form's lifetimes, as (value, label, days).
struct Lifetime {
  const char* value;
  const char* label;
  int64_t days;
};
constexpr Lifetime kLifetimes[] = {
    {"30d", "30 days", 30}, {"90d", "90 days", 90}, {"365d", "A year", 365}, {"never", "Never", 0}};

std::string DateOf(int64_t millis) { return FormatIsoMillis(millis).substr(0, 10); }

std::string OrganizationNameOf(const TokenPageState& state, const std::string& id) {
  for (const auto& [organization, name] : state.organizations)
    if (organization == id) return name;
  return id;
}

void IssuedToken(Html& html, const std::string& secret) {
  auto panel = html.Tag("div", {{"class", "notice"}, {"role", "status"}});
  html.Element("p", "The token was issued. Copy it now: it is not shown again.");
  auto snippet = html.Tag("div", {{"class", "snippet"}, {"data-label", "New token"}});
  auto pre = html.Tag("pre", {{"aria-label", "New token"}});
  html.Element("code", secret);
}

void TokensTable(Html& html, const TokenPageState& state) {
  if (state.tokens.empty()) {
    html.Element("p", {{"class", "muted"}}, "No API tokens yet.");
    return;
  }
  auto table = html.Tag("table", {{"class", "definitions"}});
  html.Element("caption", "API tokens");
  TableHead(html, {"Id", "Name", "Organization", "Role", "Issued", "Expires", "Revoke"});
  auto body = html.Tag("tbody");
  for (const auto& token : state.tokens) {
    const std::string id = auth::TokenId(token);
    auto row = html.Tag("tr");
    html.Element("td", {{"class", "digest"}}, id);
    html.Element("td", {}, token.subject);
    html.Element("td", {}, OrganizationNameOf(state, token.organization_id));
    html.Element("td", {}, token.role);
    html.Element("td", {}, DateOf(token.created_millis));
    const bool expired = token.expires_millis != 0 && token.expires_millis <= state.now_millis;
    html.Element("td", {}, token.expires_millis == 0 ? "never" : DateOf(token.expires_millis) + (expired ? " (expired)" : ""));
    auto cell = html.Tag("td");
    auto form = html.Tag("form", {{"action", "/exchange/-/organization/tokens/revoke"}, {"method", "post"}});
    CsrfInput(html, state.csrf_token);
    html.Void("input", {{"type", "hidden"}, {"name", "organizationId"}, {"value", state.organization_id}});
    html.Void("input", {{"type", "hidden"}, {"name", "id"}, {"value", id}});
    html.Element("button", {{"type", "submit"}, {"class", "secondary"}}, "Revoke " + (token.subject.empty() ? id : token.subject));
  }
}

void Select(Html& html, const char* name, const char* label, const std::vector<std::pair<std::string, std::string>>& options,
            const std::string& chosen) {
  LabelledSelect(html, std::string("token-") + name, name, label, options, chosen);
}

void IssueForm(Html& html, const TokenPageState& state) {
  html.Element("h2", {{"id", "issue-heading"}}, "Issue a token");
  auto form = html.Tag("form", {{"action", "/exchange/-/organization/tokens"}, {"method", "post"}, {"class", "edit-form"},
                                {"aria-labelledby", "issue-heading"}});
  CsrfInput(html, state.csrf_token);
  html.Void("input", {{"type", "hidden"}, {"name", "pageOrganizationId"}, {"value", state.organization_id}});
  auto fields = html.Tag("fieldset");
  html.Element("legend", "The token");
  const Form* entered = state.entered;
  html.Element("label", {{"for", "token-subject"}}, "Name");
  html.Void("input", {{"type", "text"}, {"id", "token-subject"}, {"name", "subject"}, {"required", "required"},
                      {"maxlength", "128"}, {"value", entered ? (*entered)["subject"] : ""},
                      {"aria-describedby", "token-subject-hint"}});
  html.Element("p", {{"class", "hint"}, {"id", "token-subject-hint"}},
               "Who or what uses it (a CI pipeline, a script); shown in this list and in the server's logs.");
  Select(html, "organizationId", "Organization", state.organizations,
         entered ? (*entered)["organizationId"] : state.organization_id);
  Select(html, "role", "Role", {{"viewer", "Viewer (reads)"}, {"contributor", "Contributor (publishes)"}, {"admin", "Administrator"}},
         entered ? (*entered)["role"] : "contributor");
  std::vector<std::pair<std::string, std::string>> lifetimes;
  for (const auto& lifetime : kLifetimes) lifetimes.emplace_back(lifetime.value, lifetime.label);
  Select(html, "expiresIn", "Expires after", lifetimes, entered ? (*entered)["expiresIn"] : "90d");
  html.Element("button", {{"type", "submit"}}, "Issue the token");
}

}  // namespace

void RenderTokenPage(Html& html, const TokenPageState& state) {
  html.Element("h1", state.organization_name + ": API tokens");
  html.Element("p", {}, "Bearer tokens for scripts and CI, for this organization and its business groups. Sign-in "
                        "sessions are not listed.");
  {
    auto links = html.Tag("p");
    html.Element("a", {{"href", OrganizationUrl(state.organization_id)}}, "Categories and custom fields");
  }
  RenderOutcome(html, {state.notice, state.refused, state.refusal});
  if (!state.issued_secret.empty()) IssuedToken(html, state.issued_secret);
  TokensTable(html, state);
  IssueForm(html, state);
}

Result<int64_t> TokenLifetime(const std::string& expires_in) {
  for (const auto& lifetime : kLifetimes)
    if (expires_in == lifetime.value) return lifetime.days * 86'400'000;
  return Status::InvalidArgument("INVALID_TTL", "Choose one of the lifetimes the form offers");
}

std::string TokenNotice(const std::string& done) { return done == "revoked" ? "The token was revoked." : ""; }

}  // namespace agora::portal
