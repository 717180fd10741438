// Reads a WSDL 1.1 description from its main file through its imports (wsdl:import, and the
// xsd:import / xsd:include schemaLocations of its schemas, transitively), checks that it is
// well-formed XML and consistent (message parts name declared elements or types, port type
// operations name declared messages, bindings name declared port types, service ports name
// declared bindings) and extracts the ApiModel: each port type is a resource whose operations
// are POSTs named after the WSDL operations, with the SOAP action of their binding; the input
// message is the request body (an object whose properties are the message parts, SOAP header
// parts being header parameters), the output the response "output" and each fault a response
// "fault:<name>"; services list their ports with binding, port type, address and protocol; the
// schemas' global elements and types are named shapes (see xsd_shapes.h). DTDs are refused: no
// entity is ever expanded.
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include "specs/spec_reader.h"

namespace agora::specs {

SpecReport ReadWsdl(const SpecSource& source, const std::string& main_file, const ReadOptions& options = {});

}  // namespace agora::specs
