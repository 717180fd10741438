#include "specs/oas_references.h"

#include <cctype>
#include <utility>
#include <vector>

#include "specs/resolution_stack.h"

namespace agora::specs {

std::string EscapePointerToken(const std::string& key) {
  std::string token;
  for (char c : key) token += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return token;
}

std::string UnescapePointerToken(const std::string& token) {
  std::string decoded;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      decoded += token[++i] == '0' ? '~' : '/';
    } else if (token[i] == '%' && i + 2 < token.size() && std::isxdigit(static_cast<unsigned char>(token[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(token[i + 2]))) {
      decoded += static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      decoded += token[i];
    }
  }
  return decoded;
}

const YamlNode* FollowPointer(const YamlNode& root, const std::string& pointer, YamlKeyIndex* keys) {
  if (pointer.empty()) return &root;
  if (pointer.front() != '/') return nullptr;
  const YamlNode* node = &root;
  size_t start = 1;
  while (start <= pointer.size() && node) {
    const size_t end = std::min(pointer.find('/', start), pointer.size());
    const std::string token = UnescapePointerToken(pointer.substr(start, end - start));
    if (node->is_mapping()) {
      node = keys ? keys->Find(*node, token) : node->Find(token);
    } else if (node->is_sequence() && !token.empty() && token.find_first_not_of("0123456789") == std::string::npos &&
               token.size() < 10 && std::stoul(token) < node->items.size()) {
      node = &node->items[std::stoul(token)];
    } else {
      node = nullptr;
    }
    start = end + 1;
  }
  return node;
}

OasNode OasReferences::Lookup(const std::string& file, const YamlNode& ref, bool report) {
  const std::string& text = ref.scalar;
  const size_t hash = text.find('#');
  const std::string file_part = FileOfReference(text);
  const std::string pointer = hash == std::string::npos ? "" : text.substr(hash + 1);
  std::string target_file = file;
  if (!file_part.empty()) {
    auto resolved = ResolveReference(file, file_part);
    if (!resolved.ok()) {
      if (report) documents_.AddProblem(file, ref, resolved.status().message());
      return {};
    }
    target_file = *resolved;
  }
  const YamlNode* root = documents_.Yaml(target_file, {file, ref.line, ref.column, ""});
  if (!root) return {};
  const YamlNode* target = FollowPointer(*root, pointer, &keys_);
  if (!target && report)
    documents_.AddProblem(file, ref, "dangling reference '" + text + "': " + (pointer.empty() ? target_file : "#" + pointer) +
                                         " does not exist" + (file_part.empty() ? "" : " in " + target_file));
  return {target_file, target, pointer};
}

// Each chain is followed once: its end is remembered for every $ref mapping on it, so resolving
// every reference of a spec, however often, costs time linear in their number. A chain that
// comes back to a reference it followed names no node at all; it is reported once, at the
// reference that closes it (whichever call finds it first), and every node on it resolves to
// nothing. A recursive schema is not such a chain: its reference sits inside properties or items.
OasNode OasReferences::Follow(const OasNode& start) {
  OasNode target = start;
  ResolutionStack chain("reference", documents_.options().max_reference_depth);
  std::vector<ResolutionStack::Scope> entered;
  std::vector<const YamlNode*> followed;
  while (target.node && target.node->is_mapping()) {
    if (const auto known = resolved_.find(target.node); known != resolved_.end()) {
      target = known->second;
      break;
    }
    const YamlNode* ref = target.node->Find("$ref");
    if (!ref || !ref->is_scalar()) break;
    followed.push_back(target.node);
    const std::string from = target.file;
    target = Lookup(target.file, *ref, /*report=*/false);
    if (!target) break;
    auto scope = chain.Enter(target.file + "#" + target.pointer);
    if (!scope) {
      documents_.AddProblem(from, *ref, scope.refusal());
      target = {};
      break;
    }
    entered.push_back(std::move(scope));
  }
  for (const YamlNode* on_chain : followed) resolved_[on_chain] = target;
  return target;
}

OasNode OasReferences::Resolve(const OasNode& node) { return Follow(node); }
OasNode OasReferences::ResolveQuietly(const OasNode& node) { return Follow(node); }

}  // namespace agora::specs
