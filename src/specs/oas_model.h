// Builds the ApiModel of an OpenAPI 2.0 / 3.0 / 3.1 description whose references were checked:
// servers (or host, basePath and schemes), every operation with its parameters (path-level merged
// with operation-level, references resolved), request bodies per media type (Swagger 2.0 body and
// formData parameters become bodies of the operation's consumed media types), responses with
// headers and bodies, examples, the security that applies (the document's default unless the
// operation overrides it), security schemes with their settings, and every schema as a Shape.
//
// Schemas are named in ApiModel::types: a main-file schema of components/schemas (3.x) or
// definitions (2.0) by its name, any other referenced schema by its reference, made absolute
// ("common.yaml#/components/schemas/Error", "#/paths/~1pets/get/..."). A $ref becomes Shape::ref,
// so recursive schemas stay finite. Internal to the OAS reader.
//
// Thread safety: one call per reading.
#pragma once

#include <string>

#include "specs/api_model.h"
#include "specs/oas_references.h"

namespace agora::specs {

void BuildOasModel(OasReferences& references, const std::string& main_file, const YamlNode& root, ApiModel& model);

}  // namespace agora::specs
