// Recognises which kind of API specification a file is (RAML 0.8/1.0, OAS 2.0/3.x, WSDL 1.1)
// and its version, from its content. Publication uses it for exchange.json's originalFormat and
// originalFormatVersion and to refuse a file that is not the spec its classifier claims.
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace agora::specs {

struct SpecFormat {
  std::string format;   // raml, oas, wsdl; empty when unknown
  std::string version;  // 1.0, 0.8, 2.0, 3.0.3, 1.1
};

// Content decides, not the file name's extension (Exchange accepts a spec under any name):
// RAML by its "#%RAML 1.0" / "#%RAML 0.8" first line (fragments such as "#%RAML 1.0 DataType"
// included); OAS by a top-level "openapi: 3.x.y" or "swagger: 2.0" in JSON or YAML; WSDL 1.1 by
// an XML root <definitions> in the WSDL 1.1 namespace. Unknown or unparsable content gives an
// empty SpecFormat; this never throws. `file_name` is the spec's name in its archive.
SpecFormat DetectSpecFormat(const std::string& file_name, std::string_view content);

}  // namespace agora::specs
