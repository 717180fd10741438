#include "specs/raml_templates.h"

#include <algorithm>
#include <cctype>

namespace agora::specs::raml {
namespace {

constexpr const char* kMethods[] = {"get", "patch", "put", "post", "delete", "head", "options", "trace", "connect"};

bool IsMethodName(const std::string& key) {
  return std::find(std::begin(kMethods), std::end(kMethods), key) != std::end(kMethods);
}

void MarkScope(RamlNode& node, const Scope* scope) {
  if (!node.scope) node.scope = scope;
  for (auto& item : node.items) MarkScope(item, scope);
  for (auto& pair : node.pairs) MarkScope(pair.value, scope);
}

std::string Trim(std::string text) {
  text.erase(0, text.find_first_not_of(" \t"));
  text.erase(text.find_last_not_of(" \t") + 1);
  return text;
}

// The words of an identifier: split at '-', '_', spaces and lower-to-upper case changes.
std::vector<std::string> Words(const std::string& text) {
  std::vector<std::string> words(1);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '-' || c == '_' || c == ' ') {
      if (!words.back().empty()) words.emplace_back();
      continue;
    }
    if (std::isupper(static_cast<unsigned char>(c)) && i > 0 && std::islower(static_cast<unsigned char>(text[i - 1])) &&
        !words.back().empty())
      words.emplace_back();
    words.back() += c;
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

std::string Lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}
std::string Upper(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}
std::string Capitalized(const std::string& word) {
  std::string out = Lower(word);
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}
std::string Join(const std::vector<std::string>& words, const std::string& separator, bool upper) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : separator) + (upper ? Upper(word) : Lower(word));
  return out;
}

bool EndsWith(const std::string& text, const char* suffix) { return text.ends_with(suffix); }

// English nouns whose plural does not follow the rules below.
const std::vector<std::pair<std::string, std::string>>& Irregular() {
  static const std::vector<std::pair<std::string, std::string>> words = {
      {"person", "people"}, {"child", "children"}, {"man", "men"}, {"woman", "women"}, {"mouse", "mice"},
      {"goose", "geese"}, {"foot", "feet"}, {"tooth", "teeth"}, {"medium", "media"}, {"datum", "data"},
      {"criterion", "criteria"}, {"index", "indices"}, {"matrix", "matrices"}, {"vertex", "vertices"},
      {"analysis", "analyses"}, {"ox", "oxen"}, {"leaf", "leaves"}, {"life", "lives"}, {"knife", "knives"},
      {"wife", "wives"}, {"half", "halves"}, {"quiz", "quizzes"}, {"status", "statuses"}, {"alias", "aliases"}};
  return words;
}

// The irregular form of `word` (singular to plural when `to_plural`), keeping its first letter's case.
std::optional<std::string> IrregularForm(const std::string& word, bool to_plural) {
  const std::string lower = Lower(word);
  for (const auto& [singular, plural] : Irregular()) {
    const std::string& from = to_plural ? singular : plural;
    const std::string& to = to_plural ? plural : singular;
    if (lower.size() < from.size() || lower.compare(lower.size() - from.size(), from.size(), from) != 0) continue;
    std::string out = word.substr(0, word.size() - from.size()) + to;
    if (word.size() == from.size() && std::isupper(static_cast<unsigned char>(word[0])))
      out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
    return out;
  }
  return std::nullopt;
}

std::string Singular(const std::string& word) {
  if (auto irregular = IrregularForm(word, false)) return *irregular;
  const std::string lower = Lower(word);
  if (EndsWith(lower, "ies") && word.size() > 3) return word.substr(0, word.size() - 3) + "y";
  for (const char* suffix : {"sses", "shes", "ches", "xes", "zes"})
    if (EndsWith(lower, suffix)) return word.substr(0, word.size() - 2);
  if (EndsWith(lower, "ss")) return word;
  if (EndsWith(lower, "s") && word.size() > 1) return word.substr(0, word.size() - 1);
  return word;
}

std::string Plural(const std::string& word) {
  if (auto irregular = IrregularForm(word, true)) return *irregular;
  const std::string lower = Lower(word);
  if (lower.size() > 1 && EndsWith(lower, "y") && std::string("aeiou").find(lower[lower.size() - 2]) == std::string::npos)
    return word.substr(0, word.size() - 1) + "ies";
  for (const char* suffix : {"s", "sh", "ch", "x", "z"})
    if (EndsWith(lower, suffix)) return word + "es";
  return word + "s";
}

// The rightmost segment of the path that is not a URI parameter: "/users/{id}" -> "users".
std::string ResourcePathName(const std::string& path) {
  size_t end = path.size();
  while (end > 0) {
    const size_t start = path.rfind('/', end - 1);
    const std::string segment = path.substr(start + 1, end - start - 1);
    if (segment.find('{') == std::string::npos) return segment;
    if (start == 0 || start == std::string::npos) break;
    end = start;
  }
  return "";
}

// RAML 0.8's optional properties (`key?`) of a template apply only where the target has the key;
// in a part the target lacks entirely, they apply nowhere.
void DropOptional(RamlNode& node) {
  std::erase_if(node.pairs, [](const RamlPair& pair) { return !pair.key.empty() && pair.key.back() == '?'; });
  for (auto& pair : node.pairs) DropOptional(pair.value);
  for (auto& item : node.items) DropOptional(item);
}

}  // namespace

bool Templates::ApplyFunction(const std::string& function, std::string& text) {
  const std::vector<std::string> words = Words(text);
  if (function == "singularize") text = Singular(text);
  else if (function == "pluralize") text = Plural(text);
  else if (function == "uppercase") text = Upper(text);
  else if (function == "lowercase") text = Lower(text);
  else if (function == "lowercamelcase" || function == "uppercamelcase") {
    std::string out;
    for (const auto& word : words) out += out.empty() && function == "lowercamelcase" ? Lower(word) : Capitalized(word);
    text = out;
  } else if (function == "lowerunderscorecase") text = Join(words, "_", false);
  else if (function == "upperunderscorecase") text = Join(words, "_", true);
  else if (function == "lowerhyphencase") text = Join(words, "-", false);
  else if (function == "upperhyphencase") text = Join(words, "-", true);
  else return false;
  return true;
}

const Scope& Templates::Combine(const Scope& inner, const Scope& outer) {
  if (&inner == &outer) return inner;
  const auto key = std::make_pair(&inner, &outer);
  if (const auto found = combined_.find(key); found != combined_.end()) return *found->second;
  Scope& scope = context_.scopes.emplace_back(inner);
  for (int kind = 0; kind < 5; ++kind)
    for (const auto& [name, node] : outer.declared[kind]) scope.declared[kind].emplace(name, node);
  for (const auto& [name, library] : outer.uses) scope.uses.emplace(name, library);
  combined_[key] = &scope;
  return scope;
}

static std::string ChainKey(const Context& context, const Declaration& declaration) {
  return declaration.scope == context.root_scope ? declaration.name : declaration.scope->path + "#" + declaration.name;
}

void Templates::CheckCycles(const Scope& scope) {
  for (const DeclKind kind : {DeclKind::kResourceType, DeclKind::kTrait}) {
    for (const auto& [name, node] : scope.declared[static_cast<int>(kind)]) {
      ResolutionStack chain(kind == DeclKind::kTrait ? "trait" : "resource type", context_.max_depth);
      auto entered = chain.Enter(ChainKey(context_, {&scope, node, name, scope.prefix + name}));
      Follow(scope, *node, kind, chain);
    }
  }
}

void Templates::Follow(const Scope& scope, const RamlNode& declaration, DeclKind kind, ResolutionStack& chain) {
  if (!followed_.insert(&declaration).second || !declaration.is_mapping()) return;
  const RamlNode* references = declaration.Find(kind == DeclKind::kTrait ? "is" : "type");
  if (!references) return;
  for (const auto& use : UsesOf(*references)) {
    if (use.name.find("<<") != std::string::npos) continue;  // named by a parameter: known once applied
    const auto next = context_.Lookup(scope, use.name, kind);
    if (!next) continue;  // reported where the template is applied
    auto entered = chain.Enter(ChainKey(context_, *next));
    if (!entered) {
      context_.Report(*use.at, entered.refusal());
      continue;
    }
    Follow(*next->scope, *next->node, kind, chain);
  }
}

std::vector<Templates::Use> Templates::UsesOf(const RamlNode& node) {
  std::vector<Use> uses;
  auto add = [&](const RamlNode& item) {
    if (item.is_scalar() && !item.is_null()) uses.push_back({item.scalar, nullptr, &item});
    for (const auto& pair : item.pairs) uses.push_back({pair.key, &pair.value, &item});
  };
  if (node.is_sequence())
    for (const auto& item : node.items) add(item);
  else add(node);
  return uses;
}

bool Templates::SubstituteText(std::string& text, const RamlNode& at, const std::map<std::string, const RamlNode*>& parameters,
                               const std::map<std::string, std::string>& reserved, const std::string& template_name,
                               const RamlNode** whole) {
  std::string out;
  size_t position = 0;
  bool changed = false;
  while (true) {
    const size_t open = text.find("<<", position);
    const size_t close = open == std::string::npos ? std::string::npos : text.find(">>", open + 2);
    if (close == std::string::npos) break;
    out += text.substr(position, open - position);
    std::string inner = text.substr(open + 2, close - open - 2);
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
      const size_t bar = inner.find('|', start);
      parts.push_back(Trim(inner.substr(start, bar == std::string::npos ? std::string::npos : bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    const std::string& name = parts.front();
    std::string value;
    if (const auto found = reserved.find(name); found != reserved.end()) {
      value = found->second;
    } else if (const auto given = parameters.find(name); given != parameters.end()) {
      const RamlNode& node = *given->second;
      // `key: <<param>>` takes the parameter's value as it is (a mapping, an included file's text).
      if (whole && open == 0 && close + 2 == text.size() && parts.size() == 1) {
        *whole = &node;
        return true;
      }
      if (!node.is_scalar()) {
        context_.Report(at, "the parameter " + name + " of " + template_name + " is not a scalar and cannot be part of a string");
      }
      value = node.scalar;
    } else {
      context_.Report(at, "the parameter <<" + name + ">> of " + template_name + " has no value");
    }
    for (size_t i = 1; i < parts.size(); ++i) {
      std::string function = parts[i];
      if (!function.empty() && function.front() == '!') function.erase(0, 1);
      if (!ApplyFunction(function, value))
        context_.Report(at, "unknown template function '" + parts[i] + "' in " + template_name);
    }
    if (!context_.loader.Charge(value.size(), at)) return false;  // a long value put in many places multiplies
    out += value;
    position = close + 2;
    changed = true;
  }
  if (!changed) return false;
  text = out + text.substr(position);
  return true;
}

void Templates::Substitute(RamlNode& node, const std::map<std::string, const RamlNode*>& parameters,
                           const std::map<std::string, std::string>& reserved, const std::string& template_name) {
  if (node.is_scalar() && !node.text) {
    const RamlNode* whole = nullptr;
    if (SubstituteText(node.scalar, node, parameters, reserved, template_name, &whole) && whole &&
        context_.loader.ChargeApplication(*whole))  // the value becomes model wherever it is put
      node = *whole;
    return;
  }
  for (auto& item : node.items) Substitute(item, parameters, reserved, template_name);
  for (auto& pair : node.pairs) {
    SubstituteText(pair.key, pair.value, parameters, reserved, template_name, nullptr);
    Substitute(pair.value, parameters, reserved, template_name);
  }
}

std::optional<RamlNode> Templates::Instantiate(const Scope& scope, const Use& use, DeclKind kind,
                                               const std::map<std::string, std::string>& reserved,
                                               const Scope*& declared_in, const RamlNode* target) {
  const char* what = kind == DeclKind::kTrait ? "trait" : "resource type";
  const auto declaration = context_.Lookup(scope, use.name, kind);
  if (!declaration) {
    context_.Report(*use.at, std::string("the ") + what + " '" + use.name + "' is not declared");
    return std::nullopt;
  }
  if (applying_.count(declaration->node)) return std::nullopt;  // a cycle, reported by CheckCycles
  std::map<std::string, const RamlNode*> parameters;
  if (use.parameters && use.parameters->is_mapping())
    for (const auto& pair : use.parameters->pairs) parameters[pair.key] = &pair.value;
  else if (use.parameters && !use.parameters->is_null())
    context_.Report(*use.parameters, std::string("the parameters of the ") + what + " '" + use.name + "' must be a mapping");
  for (const auto& [name, value] : parameters)
    if (reserved.count(name) || name == "methodName")
      context_.Report(*value, "the parameter '" + name + "' is reserved and cannot be given");
  if (!context_.loader.ChargeApplication(*declaration->node)) return std::nullopt;  // a template applied everywhere multiplies
  RamlNode instance = *declaration->node;
  if (instance.is_null()) instance.kind = RamlNode::Kind::kMapping;
  if (!instance.is_mapping()) {
    context_.Report(*declaration->node, std::string("a ") + what + " must be a mapping");
    return std::nullopt;
  }
  const Scope* own = declaration->scope;
  if (instance.raml_header && instance.Find("uses"))  // a fragment with libraries of its own
    own = &context_.AddScope(instance.included_file, *declaration->node, declaration->scope->prefix);
  std::erase_if(instance.pairs, [](const RamlPair& pair) { return pair.key == "uses"; });
  // Optional methods (`get?`) the target does not have are not applied, so their parameters need no values.
  if (target)
    std::erase_if(instance.pairs, [&](const RamlPair& pair) {
      if (pair.key.empty() || pair.key.back() != '?') return false;
      const std::string base = pair.key.substr(0, pair.key.size() - 1);
      return IsMethodName(base) && !target->Find(base);
    });
  declared_in = &Combine(*own, scope);
  MarkScope(instance, declared_in);
  Substitute(instance, parameters, reserved, std::string(what) + " '" + use.name + "'");
  std::erase_if(instance.pairs, [](const RamlPair& pair) { return pair.key == "usage"; });
  applying_.insert(declaration->node);
  return instance;
}

void Templates::Merge(RamlNode& target, const RamlNode& source, bool methods_optional) {
  if (target.is_null() && source.is_mapping()) {
    target.kind = RamlNode::Kind::kMapping;
    target.scalar.clear();
  }
  if (!target.is_mapping() || !source.is_mapping()) return;
  for (const auto& pair : source.pairs) {
    std::string key = pair.key;
    bool optional = false;
    if (!key.empty() && key.back() == '?') {
      const std::string base = key.substr(0, key.size() - 1);
      if (context_.raml08 || (methods_optional && IsMethodName(base))) {
        optional = true;
        key = base;
      }
    }
    auto existing = std::find_if(target.pairs.begin(), target.pairs.end(), [&](const RamlPair& p) { return p.key == key; });
    if (existing == target.pairs.end()) {
      if (optional) continue;
      target.pairs.push_back(pair);
      target.pairs.back().key = key;
      if (context_.raml08) DropOptional(target.pairs.back().value);
      continue;
    }
    RamlNode& mine = existing->value;
    if (key == "is" && mine.is_sequence() && pair.value.is_sequence()) {
      for (const auto& item : pair.value.items) mine.items.push_back(item);
    } else if ((mine.is_mapping() || mine.is_null()) && pair.value.is_mapping()) {
      Merge(mine, pair.value, false);
    }
  }
}

RamlNode Templates::ApplyResourceType(const Scope& scope, const RamlNode& resource, const std::string& path) {
  const RamlNode* type = resource.Find("type");
  if (!type || type->is_null() || !context_.loader.ChargeCopy(resource)) return resource;
  RamlNode result = resource;
  const std::vector<Use> uses = UsesOf(*type);
  if (uses.size() != 1) {
    context_.Report(*type, "a resource has exactly one resource type");
    if (uses.empty()) return result;
  }
  const std::map<std::string, std::string> reserved = {{"resourcePath", path}, {"resourcePathName", ResourcePathName(path)}};
  const Scope* declared_in = nullptr;
  const auto declaration = context_.Lookup(ScopeOf(*type, scope), uses.front().name, DeclKind::kResourceType);
  auto instance = Instantiate(ScopeOf(*type, scope), uses.front(), DeclKind::kResourceType, reserved, declared_in, &resource);
  if (!instance) return result;
  for (const auto& pair : instance->pairs)
    if (!pair.key.empty() && pair.key.front() == '/')
      context_.ReportKey(*instance, pair, "a resource type cannot declare nested resources");
  // The resource type's own type applies to the resource as a whole, so its optional methods are
  // judged against the resource, not against this resource type.
  RamlNode applied = ApplyResourceType(*declared_in, *instance, path);
  applying_.erase(declaration->node);
  Merge(result, applied, true);
  return result;
}

RamlNode Templates::ApplyTraits(const Scope& scope, const RamlNode& method, const std::vector<const RamlNode*>& uses,
                                const std::string& method_name, const std::string& path) {
  RamlNode result = method;
  if (result.is_null()) {
    result.kind = RamlNode::Kind::kMapping;
    result.scalar.clear();
  }
  const std::map<std::string, std::string> reserved = {
      {"resourcePath", path}, {"resourcePathName", ResourcePathName(path)}, {"methodName", method_name}};
  std::set<std::string> applied;
  for (const RamlNode* is : uses) {
    if (!is || is->is_null()) continue;
    if (!is->is_sequence() && !(is->is_scalar() && context_.raml08)) {
      context_.Report(*is, "'is' must be a list of traits");
      if (!is->is_scalar() && !is->is_mapping()) continue;
    }
    for (const auto& use : UsesOf(*is)) {
      if (!applied.insert(use.name).second) continue;
      const Scope* declared_in = nullptr;
      const auto declaration = context_.Lookup(ScopeOf(*is, scope), use.name, DeclKind::kTrait);
      auto instance = Instantiate(ScopeOf(*is, scope), use, DeclKind::kTrait, reserved, declared_in);
      if (!instance) continue;
      applying_.erase(declaration->node);
      Merge(result, *instance, false);
    }
  }
  return result;
}

}  // namespace agora::specs::raml
