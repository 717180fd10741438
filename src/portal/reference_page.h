// The API reference, for RAML, OAS and WSDL alike, from agora's API model (specs::ApiModel): a
// summary page (base URIs, resources and their operations, for SOAP the services and ports,
// security schemes, data types, documentation), one page per operation (parameters by where they
// go, request and response bodies with their data types and examples, security), so that a
// specification of any size costs one operation's rendering per page, and one page per named
// data type. Named types are linked, never expanded in place, which keeps recursive types finite.
//
// Operation URLs: .../api/operations/{method}{path} for REST ("get/flights/{id}"), and
// .../api/operations/{portType}/{operation} for SOAP; types: .../api/types/{name}.
//
// Thread safety: reentrant.
#pragma once

#include <optional>
#include <string>

#include "assets/asset.h"
#include "portal/html.h"
#include "specs/api_model.h"

namespace agora::portal {

struct OperationRef {
  const specs::Resource* resource = nullptr;
  const specs::Operation* operation = nullptr;
};

std::string OperationKey(const specs::ApiModel& model, const specs::Resource& resource, const specs::Operation& operation);
std::optional<OperationRef> FindOperation(const specs::ApiModel& model, const std::string& key);
// "GET /flights/{id}" or "FlightService.GetFlight".
std::string OperationTitle(const specs::ApiModel& model, const OperationRef& ref);

void RenderReferenceSummary(Html& html, const assets::AssetVersion& version, const specs::ApiModel& model);
void RenderOperation(Html& html, const assets::AssetVersion& version, const specs::ApiModel& model,
                     const OperationRef& ref);
void RenderDataType(Html& html, const assets::AssetVersion& version, const specs::ApiModel& model,
                    const std::string& name, const specs::Shape& shape);

// A JSON text indented for reading (two spaces); the text itself when it is not JSON.
std::string PrettyJson(const std::string& json);

}  // namespace agora::portal
