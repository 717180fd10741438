#include "specs/oas_rules.h"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "specs/bounded_regex.h"

namespace agora::specs {
namespace {

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string Where(const OasNode& node) {
  return node.file + ":" + std::to_string(node.node->line) + ":" + std::to_string(node.node->column);
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

class RuleChecker {
 public:
  RuleChecker(OasReferences& references, const std::string& main_file, OasSchemaVersion version)
      : references_(references), main_file_(main_file), version_(version) {}

  void Run(const YamlNode& root) {
    const OasNode document{main_file_, &root, ""};
    DeclareSecuritySchemes(root);
    CheckSecurity(document, root.Find("security"));
    if (const YamlNode* paths = root.Find("paths"); paths && paths->is_mapping())
      for (const auto& [path, item] : paths->pairs)
        if (!path.empty() && path.front() == '/') CheckPathItem(path, references_.ResolveQuietly({main_file_, &item, ""}));
    if (version_ == OasSchemaVersion::kOas31) CheckServerVariables(root.Find("servers"));
    WalkSchemas(main_file_, root);
  }

 private:
  void Report(const std::string& file, const YamlNode& at, std::string message) {
    references_.documents().AddProblem(file, at, std::move(message));
  }

  // ---- operations and parameters ----

  struct DeclaredParameter {
    std::string name, in;
    OasNode written;  // where the list names it (a $ref, or the parameter itself)
  };

  std::vector<DeclaredParameter> Parameters(const OasNode& owner) {
    std::vector<DeclaredParameter> parameters;
    const YamlNode* list = owner.node->Find("parameters");
    if (!list || !list->is_sequence()) return parameters;
    for (const auto& item : list->items) {
      const OasNode written{owner.file, &item, ""};
      const OasNode parameter = references_.ResolveQuietly(written);
      if (!parameter || !parameter.node->is_mapping()) continue;
      const YamlNode* name = parameter.node->Find("name");
      const YamlNode* in = parameter.node->Find("in");
      if (!name || !in || !name->is_scalar() || !in->is_scalar()) continue;
      DeclaredParameter declared{name->scalar, in->scalar, written};
      for (const auto& earlier : parameters) {
        if (earlier.in == declared.in &&
            (declared.in == "header" ? Lower(earlier.name) == Lower(declared.name) : earlier.name == declared.name))
          Report(owner.file, item, "the " + declared.in + " parameter '" + declared.name +
                                       "' is declared twice in this list (first at " + Where(earlier.written) + ")");
      }
      parameters.push_back(std::move(declared));
    }
    return parameters;
  }

  void CheckPathItem(const std::string& path, const OasNode& item) {
    if (!item || !item.node->is_mapping()) return;
    std::vector<std::string> template_names;
    for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
      const size_t close = path.find('}', open);
      if (close == std::string::npos) break;
      const std::string name = path.substr(open + 1, close - open - 1);
      if (std::find(template_names.begin(), template_names.end(), name) != template_names.end())
        Report(item.file, *item.node, "the path '" + path + "' names '{" + name + "}' twice");
      template_names.push_back(name);
    }
    const std::vector<DeclaredParameter> shared = Parameters(item);
    for (const auto& [method, node] : item.node->pairs) {
      // Named, not the binding itself: clang 14 cannot capture a structured binding.
      const std::string& key = method;
      if (std::find_if(std::begin(kMethods), std::end(kMethods), [&](const char* m) { return key == m; }) ==
              std::end(kMethods) ||
          !node.is_mapping())
        continue;
      const OasNode operation{item.file, &node, ""};
      CheckOperationId(path, method, operation);
      CheckSecurity(operation, node.Find("security"));
      std::vector<DeclaredParameter> parameters = shared;
      for (auto& own : Parameters(operation)) {
        auto same = std::find_if(parameters.begin(), parameters.end(),
                                 [&](const DeclaredParameter& p) { return p.name == own.name && p.in == own.in; });
        if (same != parameters.end()) *same = std::move(own);
        else parameters.push_back(std::move(own));
      }
      for (const auto& name : template_names) {
        if (std::none_of(parameters.begin(), parameters.end(),
                         [&](const DeclaredParameter& p) { return p.in == "path" && p.name == name; }))
          Report(item.file, node, "the path '" + path + "' has '{" + name + "}', but the " + method +
                                      " operation declares no path parameter '" + name + "'");
      }
      for (const auto& parameter : parameters) {
        if (parameter.in == "path" &&
            std::find(template_names.begin(), template_names.end(), parameter.name) == template_names.end())
          Report(parameter.written.file, *parameter.written.node,
                 "the path parameter '" + parameter.name + "' of the " + method + " operation is not in the path '" +
                     path + "'");
      }
    }
  }

  void CheckOperationId(const std::string& path, const std::string& method, const OasNode& operation) {
    const YamlNode* id = operation.node->Find("operationId");
    if (!id || !id->is_scalar()) return;
    const auto [first, inserted] = operation_ids_.try_emplace(id->scalar, method + " '" + path + "' (" + operation.file + ":" +
                                                                              std::to_string(id->line) + ":" +
                                                                              std::to_string(id->column) + ")");
    if (!inserted)
      Report(operation.file, *id, "the operationId '" + id->scalar + "' is already used by the " + first->second);
  }

  // ---- security ----

  struct Scheme {
    std::string type;
    std::set<std::string> scopes;  // OAuth 2.0
  };

  void DeclareSecuritySchemes(const YamlNode& root) {
    const YamlNode* section = root.Find("securityDefinitions");
    if (const YamlNode* components = root.Find("components"); components && components->is_mapping())
      section = components->Find("securitySchemes");
    if (!section || !section->is_mapping()) return;
    for (const auto& [name, written] : section->pairs) {
      const OasNode node = references_.ResolveQuietly({main_file_, &written, ""});
      Scheme scheme;
      if (node && node.node->is_mapping()) {
        if (const YamlNode* type = node.node->Find("type"); type && type->is_scalar()) scheme.type = type->scalar;
        auto add_scopes = [&](const YamlNode* scopes) {
          if (scopes && scopes->is_mapping())
            for (const auto& [scope, description] : scopes->pairs) scheme.scopes.insert(scope);
        };
        add_scopes(node.node->Find("scopes"));
        if (const YamlNode* flows = node.node->Find("flows"); flows && flows->is_mapping())
          for (const auto& [flow, settings] : flows->pairs) add_scopes(settings.Find("scopes"));
      }
      schemes_[name] = std::move(scheme);
    }
  }

  void CheckSecurity(const OasNode& owner, const YamlNode* security) {
    if (!security || !security->is_sequence()) return;
    for (const auto& requirement : security->items) {
      for (const auto& [name, scopes] : requirement.pairs) {
        const auto scheme = schemes_.find(name);
        if (scheme == schemes_.end()) {
          Report(owner.file, scopes, "the security requirement names '" + name + "', which is not a declared security scheme");
          continue;
        }
        const bool oauth = scheme->second.type == "oauth2";
        const bool scoped = oauth || scheme->second.type == "openIdConnect" || version_ == OasSchemaVersion::kOas31;
        for (const auto& scope : scopes.items) {
          if (!scope.is_scalar()) continue;
          if (!scoped)
            Report(owner.file, scope, "the " + scheme->second.type + " scheme '" + name + "' takes no scopes ('" +
                                          scope.scalar + "' is given)");
          else if (oauth && !scheme->second.scopes.count(scope.scalar))
            Report(owner.file, scope, "the scope '" + scope.scalar + "' is not declared by the OAuth 2.0 scheme '" + name + "'");
        }
      }
    }
  }

  // ---- servers ----

  void CheckServerVariables(const YamlNode* servers) {
    if (!servers || !servers->is_sequence()) return;
    for (const auto& server : servers->items) {
      const YamlNode* variables = server.Find("variables");
      if (!variables || !variables->is_mapping()) continue;
      for (const auto& [name, variable] : variables->pairs) {
        const YamlNode* values = variable.Find("enum");
        const YamlNode* fallback = variable.Find("default");
        if (!values || !values->is_sequence() || values->items.empty() || !fallback || !fallback->is_scalar()) continue;
        if (std::none_of(values->items.begin(), values->items.end(),
                         [&](const YamlNode& value) { return value.scalar == fallback->scalar; }))
          Report(main_file_, *fallback, "the default '" + fallback->scalar + "' of the server variable '" + name +
                                            "' is not one of its enum values");
      }
    }
  }

  // ---- schemas: discriminator mappings and patterns ----

  static bool IsData(const std::string& key) {
    return key == "example" || key == "examples" || key == "default" || key == "enum" || key == "const" ||
           key.rfind("x-", 0) == 0;
  }
  static bool IsNameMap(const std::string& key) {
    return key == "properties" || key == "definitions" || key == "$defs" || key == "schemas" ||
           key == "responses" || key == "parameters" || key == "headers" || key == "securitySchemes" ||
           key == "paths" || key == "content" || key == "callbacks" || key == "links" || key == "requestBodies" ||
           key == "securityDefinitions" || key == "pathItems" || key == "webhooks" || key == "encoding";
  }

  void WalkSchemas(const std::string& file, const YamlNode& node) {
    for (const auto& item : node.items) WalkSchemas(file, item);
    for (const auto& [key, value] : node.pairs) {
      if (IsData(key)) continue;
      if (key == "patternProperties" && value.is_mapping()) {
        for (const auto& [pattern, schema] : value.pairs) {
          CheckPattern(file, schema, pattern);
          WalkSchemas(file, schema);
        }
      } else if (IsNameMap(key) && value.is_mapping()) {
        for (const auto& [name, named] : value.pairs) WalkSchemas(file, named);
      } else if (key == "pattern" && value.is_scalar()) {
        CheckPattern(file, value, value.scalar);
      } else if (key == "discriminator" && value.is_mapping()) {
        CheckDiscriminator(file, value);
      } else {
        WalkSchemas(file, value);
      }
    }
  }

  void CheckPattern(const std::string& file, const YamlNode& at, const std::string& pattern) {
    // compiling a std::regex is slow, and a large document repeats its few patterns many times
    auto [known, fresh] = pattern_validity_.try_emplace(pattern, true);
    if (fresh && !BoundedRegex::StdRegexMayCompile(pattern)) {
      known->second = BoundedRegex(pattern).valid();  // std::regex would overflow its stack compiling it
    } else if (fresh) {
      try {
        std::regex compiled(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error&) {
        known->second = false;
      }
    }
    if (!known->second) Report(file, at, "'" + pattern + "' is not a valid regular expression (ECMA-262)");
  }

  void CheckDiscriminator(const std::string& file, const YamlNode& discriminator) {
    const YamlNode* mapping = discriminator.Find("mapping");
    if (!mapping || !mapping->is_mapping()) return;
    for (const auto& [value, target] : mapping->pairs) {
      if (!target.is_scalar()) continue;
      if (target.scalar.find_first_of("#/.") != std::string::npos) {
        if (!references_.Lookup(file, target, /*report=*/false))
          Report(file, target, "the discriminator maps '" + value + "' to '" + target.scalar + "', which does not exist");
      } else if (!SchemaNamed(target.scalar)) {
        Report(file, target, "the discriminator maps '" + value + "' to '" + target.scalar +
                                 "', which is not a schema of components/schemas");
      }
    }
  }

  bool SchemaNamed(const std::string& name) {
    const YamlNode* root = references_.documents().Yaml(main_file_, {main_file_, 0, 0, ""});
    const YamlNode* components = root ? root->Find("components") : nullptr;
    const YamlNode* schemas = components ? components->Find("schemas") : nullptr;
    return schemas && schemas->Find(name);
  }

  OasReferences& references_;
  const std::string& main_file_;
  const OasSchemaVersion version_;
  std::map<std::string, std::string> operation_ids_;  // id -> where it is first used
  std::map<std::string, Scheme> schemes_;
  std::map<std::string, bool> pattern_validity_;  // pattern -> whether std::regex compiles it
};

}  // namespace

void CheckOasRules(OasReferences& references, const std::string& main_file, const YamlNode& root, OasSchemaVersion version) {
  RuleChecker(references, main_file, version).Run(root);
}

}  // namespace agora::specs
