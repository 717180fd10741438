#include "publication/compatibility.h"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>

#include "assets/semver.h"
#include "compat/report_format.h"

namespace agora::publication {
namespace {

namespace json = boost::json;

constexpr int kMaxOrganizationDepth = 64;  // business groups nest; a corrupt parent chain must end

}  // namespace

std::optional<CompatibilityRule> ParseCompatibilityRule(std::string_view name) {
  if (name == "NONE") return CompatibilityRule::kNone;
  if (name == "BACKWARD") return CompatibilityRule::kBackward;
  if (name == "BACKWARD_TRANSITIVE") return CompatibilityRule::kBackwardTransitive;
  return std::nullopt;
}

std::string_view CompatibilityRuleName(CompatibilityRule rule) {
  switch (rule) {
    case CompatibilityRule::kNone: return "NONE";
    case CompatibilityRule::kBackward: return "BACKWARD";
    case CompatibilityRule::kBackwardTransitive: return "BACKWARD_TRANSITIVE";
  }
  return "NONE";
}

std::string OrganizationRuleScope(const std::string& organization_id) { return "organization:" + organization_id; }

std::string AssetRuleScope(const std::string& group_id, const std::string& asset_id) {
  return "asset:" + group_id + ":" + asset_id;
}

Result<RuleInForce> EffectiveRule(storage::MetadataStore& metadata, const std::string& organization_id,
                                  const std::string& group_id, const std::string& asset_id) {
  auto parse = [](const std::string& stored) -> Result<CompatibilityRule> {
    const auto rule = ParseCompatibilityRule(stored);
    if (!rule) return Status::Corruption("stored compatibility rule '" + stored + "' is not a rule");
    return *rule;
  };
  AGORA_ASSIGN_OR_RETURN(std::string own, metadata.GetCompatibilityRule(AssetRuleScope(group_id, asset_id)));
  if (!own.empty()) {
    AGORA_ASSIGN_OR_RETURN(CompatibilityRule rule, parse(own));
    return RuleInForce{rule, "asset"};
  }
  std::string organization = organization_id;
  for (int depth = 0; depth < kMaxOrganizationDepth && !organization.empty(); ++depth) {
    AGORA_ASSIGN_OR_RETURN(std::string stored, metadata.GetCompatibilityRule(OrganizationRuleScope(organization)));
    if (!stored.empty()) {
      AGORA_ASSIGN_OR_RETURN(CompatibilityRule rule, parse(stored));
      return RuleInForce{rule, "organization:" + organization};
    }
    auto parent = metadata.GetOrganization(organization);
    if (!parent.ok()) {
      if (parent.status().kind() == Status::Kind::kNotFound) break;
      return parent.status();
    }
    organization = parent->parent_id;
  }
  return RuleInForce{CompatibilityRule::kNone, "default"};
}

bool CompatibilityCheck::Refused() const {
  if (rule.rule == CompatibilityRule::kNone) return false;
  return std::any_of(reports.begin(), reports.end(), [](const auto& r) { return r.second.Reaches(compat::Level::kErr); });
}

std::string CompatibilityCheck::ToJson(const assets::Coordinates& revision) const {
  json::array rendered;
  for (const auto& [base, report] : reports)
    rendered.push_back(json::parse(compat::RenderReport(report, compat::ReportFormat::kJson,
                                                        {base.ToString(), revision.ToString()})));
  return json::serialize(json::object{{"rule", CompatibilityRuleName(rule.rule)},
                                      {"ruleSource", rule.source},
                                      {"compatible", !Refused()},
                                      {"reports", std::move(rendered)}});
}

std::vector<std::string> CompatibilityCheck::Errors() const {
  std::vector<std::string> errors;
  for (const auto& [base, report] : reports)
    for (const compat::Change& change : report.changes)
      if (change.level == compat::Level::kErr)
        errors.push_back("against " + base.version + ": " + change.id + " " +
                         (change.operation.empty() ? change.component : change.operation) + ": " + change.message);
  return errors;
}

Result<CompatibilityCheck> CheckCompatibility(storage::MetadataStore& metadata, const std::string& organization_id,
                                              const assets::Coordinates& coordinates, const std::string& model_json,
                                              bool always_report) {
  CompatibilityCheck check;
  AGORA_ASSIGN_OR_RETURN(check.rule, EffectiveRule(metadata, organization_id, coordinates.group_id, coordinates.asset_id));
  if (check.rule.rule == CompatibilityRule::kNone && !always_report) return check;
  const auto revision = assets::ParseSemVer(coordinates.version);
  if (!revision) return check;
  AGORA_ASSIGN_OR_RETURN(auto summaries, metadata.ListVersionSummaries(coordinates.group_id, coordinates.asset_id));
  // The earlier versions of the same major, oldest first. None: a new major, always allowed.
  std::vector<std::pair<assets::SemVer, std::string>> earlier;
  for (const auto& summary : summaries) {
    const auto version = assets::ParseSemVer(summary.version);
    if (version && version->major == revision->major && assets::CompareSemVer(*version, *revision) < 0)
      earlier.emplace_back(*version, summary.version);
  }
  std::sort(earlier.begin(), earlier.end(),
            [](const auto& a, const auto& b) { return assets::CompareSemVer(a.first, b.first) < 0; });
  if (check.rule.rule != CompatibilityRule::kBackwardTransitive && !earlier.empty())
    earlier.erase(earlier.begin(), earlier.end() - 1);
  std::optional<specs::ApiModel> model;
  for (const auto& [parsed, version] : earlier) {
    assets::Coordinates base = coordinates;
    base.version = version;
    AGORA_ASSIGN_OR_RETURN(std::string stored, metadata.GetApiModel(base));
    if (stored.empty()) continue;
    if (!model) {
      AGORA_ASSIGN_OR_RETURN(model, specs::ApiModel::FromJson(model_json));
    }
    AGORA_ASSIGN_OR_RETURN(specs::ApiModel base_model, specs::ApiModel::FromJson(stored));
    check.reports.emplace_back(base, compat::Compare(base_model, *model));
  }
  return check;
}

}  // namespace agora::publication
