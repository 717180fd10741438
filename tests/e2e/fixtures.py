"""Fixture files for the end-to-end tests, written at test time: small but realistic specs,
archives and POMs modelled on the Exchange documentation's examples."""
import io
import json
import os
import zipfile

FLIGHT_TYPE = """#%RAML 1.0 DataType
type: object
properties:
  ID?: integer
  code: string
  price: number
  departureDate: string
  origin: string
  destination: string
"""

# The GET /flights response example: a list of flights, as the API's type (AmericanFlight[]) says;
# examples are checked against their types at publication.
FLIGHT_EXAMPLE = """#%RAML 1.0 NamedExample
value:
  - ID: 1
    code: ER38sd
    price: 400
    departureDate: 2017/07/26
    origin: CLE
    destination: SFO
"""


def flights_library(org):
    """A RAML library fragment that itself depends on the data type fragment."""
    return f"""#%RAML 1.0 Library
usage: Types and traits shared by the American Flights APIs.
types:
  AmericanFlight: !include {data_type_path(org)}
traits:
  paged:
    queryParameters:
      offset?: integer
      limit?: integer
"""


def data_type_path(org):
    return f"exchange_modules/{org}/training-american-flight-data-type/1.0.1/AmericanFlightDataType.raml"


def example_path(org):
    return f"exchange_modules/{org}/training-american-flights-example/1.0.1/AmericanFlightsExample.raml"


def library_path(org):
    return f"exchange_modules/{org}/training-american-flights-library/1.0.1/AmericanFlightsLibrary.raml"


def american_flights_api(org, uses_library=False):
    """The training API: `!include`s the data type and example fragments from exchange_modules, or
    takes the type from the flights library fragment through `uses:`."""
    if uses_library:
        header = f"uses:\n  flights: {library_path(org)}\n"
        flight = "flights.AmericanFlight"
    else:
        header = f"types:\n  AmericanFlight: !include {data_type_path(org)}\n"
        flight = "AmericanFlight"
    return f"""#%RAML 1.0
title: American Flights API
version: v1
{header}/flights:
  get:
    queryParameters:
      destination:
        required: false
        enum: [SFO, LAX, CLE]
    responses:
      200:
        body:
          application/json:
            type: {flight}[]
            examples:
              output: !include {example_path(org)}
  post:
    body:
      application/json:
        type: {flight}
/flights/{{ID}}:
  get:
    responses:
      200:
        body:
          application/json:
            type: {flight}
"""


OAUTH2_FRAGMENT = """#%RAML 1.0 SecurityScheme
type: OAuth 2.0
description: OAuth 2.0 for the training APIs.
describedBy:
  headers:
    Authorization:
      type: string
  responses:
    401:
      description: Bad or expired token.
settings:
  authorizationUri: https://auth.example.com/authorize
  accessTokenUri: https://auth.example.com/token
  authorizationGrants: [authorization_code, client_credentials]
"""

VERATO = {
    "openapi": "3.0.0",
    "info": {"title": "Verato identity API", "version": "1.0.0"},
    "servers": [{"url": "https://api.example.com/verato"}],
    "paths": {
        "/identities": {
            "post": {"operationId": "createIdentity",
                     "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Identity"}}}},
                     "responses": {"201": {"description": "created"}}},
        },
        "/identities/{id}": {
            "get": {"operationId": "getIdentity",
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {"200": {"description": "found",
                                          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Identity"}}}}}},
        },
    },
    "components": {"schemas": {"Identity": {"type": "object", "properties": {
        "id": {"type": "string"}, "firstName": {"type": "string"}, "lastName": {"type": "string"}}}}},
}

PETS_YAML = """openapi: 3.0.3
info:
  title: Pets
  version: 1.0.0
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: pets
"""

WSDL = """<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:tns="http://example.com/orders" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    targetNamespace="http://example.com/orders" name="OrderService">
  <wsdl:types>
    <xsd:schema targetNamespace="http://example.com/orders">
      <xsd:element name="GetOrder"><xsd:complexType><xsd:sequence>
        <xsd:element name="id" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>
      <xsd:element name="Order" type="xsd:string"/>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="GetOrderRequest"><wsdl:part name="parameters" element="tns:GetOrder"/></wsdl:message>
  <wsdl:message name="GetOrderResponse"><wsdl:part name="parameters" element="tns:Order"/></wsdl:message>
  <wsdl:portType name="OrderPort">
    <wsdl:operation name="GetOrder">
      <wsdl:input message="tns:GetOrderRequest"/><wsdl:output message="tns:GetOrderResponse"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="OrderBinding" type="tns:OrderPort">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetOrder"><soap:operation soapAction="GetOrder"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="OrderService">
    <wsdl:port name="OrderPort" binding="tns:OrderBinding"><soap:address location="http://example.com/orders"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def pom(group, artifact, version, name, description, properties=None, dependencies=()):
    """A POM shaped like the seed page's: <properties> and <dependencies> only when there are some."""
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
             '<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
             ' xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd">',
             "<modelVersion>4.0.0</modelVersion>",
             f"<groupId>{group}</groupId>", f"<artifactId>{artifact}</artifactId>", f"<version>{version}</version>",
             f"<name>{name}</name>", f"<description>{description}</description>"]
    if properties:
        lines += ["<properties>", *(f"<{k}>{v}</{k}>" for k, v in properties.items()), "</properties>"]
    if dependencies:
        lines += ["<dependencies>"]
        for g, a, v in dependencies:
            lines += ["<dependency>", f"<groupId>{g}</groupId>", f"<artifactId>{a}</artifactId>",
                      f"<version>{v}</version>", "</dependency>"]
        lines += ["</dependencies>"]
    return "\n".join(lines + ["</project>", ""])


def write_zip(path, entries):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries.items():
            z.writestr(name, content)
    return path


def write(path, content):
    with open(path, "wb" if isinstance(content, bytes) else "w") as f:
        f.write(content)
    return path


def read_zip(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name) for name in z.namelist()}


MULE_CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<mule xmlns="http://www.mulesoft.org/schema/mule/core" xmlns:http="http://www.mulesoft.org/schema/mule/http"
      xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
      xsi:schemaLocation="http://www.mulesoft.org/schema/mule/core http://www.mulesoft.org/schema/mule/core/current/mule.xsd
                          http://www.mulesoft.org/schema/mule/http http://www.mulesoft.org/schema/mule/http/current/mule-http.xsd">
  <http:listener-config name="listener"><http:listener-connection host="0.0.0.0" port="8081"/></http:listener-config>
  <flow name="ping"><http:listener config-ref="listener" path="/ping"/><set-payload value="pong"/></flow>
</mule>
"""


def mule_artifact(name, kind):
    return json.dumps({"name": name, "minMuleVersion": "4.4.0", "requiredProduct": "MULE",
                       "classLoaderModelLoaderDescriptor": {"id": "mule"},
                       "bundleDescriptorLoader": {"id": "mule"}, **({"configs": ["ping.xml"]} if kind == "app" else {})},
                      indent=2)


class Fixtures:
    """Writes every fixture into `directory` (file names as on the seed page); attributes are paths."""

    def __init__(self, directory, org):
        self.directory = directory
        d = lambda name: os.path.join(directory, name)
        text = lambda raml: raml.encode()
        # The American Flights API and the fragments it depends on, as in the seed's dependency steps.
        self.flight_type_zip = write_zip(d("training-american-flight-data-type-1.0.1-raml-fragment.zip"),
                                         {"AmericanFlightDataType.raml": FLIGHT_TYPE})
        self.flight_example_zip = write_zip(d("training-american-flights-example-1.0.1-raml-fragment.zip"),
                                            {"AmericanFlightsExample.raml": FLIGHT_EXAMPLE})
        self.flights_library_zip = write_zip(d("training-american-flights-library-1.0.1-raml-fragment.zip"), {
            "AmericanFlightsLibrary.raml": flights_library(org), data_type_path(org): FLIGHT_TYPE})
        self.flights_modules = {data_type_path(org): text(FLIGHT_TYPE), example_path(org): text(FLIGHT_EXAMPLE)}
        # An exchange.json of the zip's own: publication must replace it.
        self.flights_zip = write_zip(d("training-american-flights-api-1.0.0-raml.zip"), {
            "american-flights-api.raml": american_flights_api(org), **self.flights_modules,
            "exchange.json": json.dumps({"main": "stale.raml", "assetId": "stale"})})
        self.flights_via_library_zip = write_zip(d("training-american-flights-api-2.0.0-raml.zip"), {
            "american-flights-api.raml": american_flights_api(org, uses_library=True),
            library_path(org): flights_library(org), **self.flights_modules})
        self.simple_raml_zip = write_zip(d("simple-raml.zip"), {"american-flights-api.raml":
                                                                "#%RAML 1.0\ntitle: Simple\n/items:\n  get:\n"})
        self.oauth_zip = write_zip(d("training-oauth20-security-scheme-1.0.2-raml-fragment.zip"),
                                   {"OAuth2.raml": OAUTH2_FRAGMENT})
        self.oauth_raml = write(d("OAuth2.raml"), OAUTH2_FRAGMENT)
        # OAS and WSDL, zipped and single.
        self.verato_zip = write_zip(d("verato-1.0.0-oas.zip"), {"verato.json": json.dumps(VERATO, indent=2)})
        self.verato_json = write(d("verato.json"), json.dumps(VERATO, indent=2))
        self.pets_yaml = write(d("pets.yaml"), PETS_YAML)
        self.raml_file = write(d("api.raml"), "#%RAML 1.0\ntitle: Single file\n/x:\n  get:\n")
        self.wsdl_zip = write_zip(d("wsdl.zip"), {"main.wsdl": WSDL})
        self.wsdl_file = write(d("orders.wsdl"), WSDL)
        # Jars: an opaque custom one, and Mule artifacts carrying their mule-artifact.json.
        self.library_jar = write(d("library.jar"), os.urandom(150_000))
        self.mule_app_jar = write_zip(d("munit-integration-tests-2.0.1-mule-application.jar"), {
            "META-INF/mule-artifact/mule-artifact.json": mule_artifact("munit-integration-tests", "app"),
            "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\n\r\n",
            "ping.xml": MULE_CONFIG})
        self.connector_jar = write_zip(d("mule-salesforce-connector-10.4.1-mule-plugin.jar"), {
            "META-INF/mule-artifact/mule-artifact.json": mule_artifact("Salesforce", "plugin"),
            "META-INF/MANIFEST.MF": "Manifest-Version: 1.0\r\n\r\n",
            "org/mule/extension/salesforce/SalesforceConnector.class": b"\xca\xfe\xba\xbe\x00\x00\x00\x37"})
        # Bad and hostile uploads.
        self.not_raml_zip = write_zip(d("not-raml.zip"), {"api.raml": "this is not RAML\n"})
        self.zip_slip = write_zip(d("slip.zip"), {"api.raml": "#%RAML 1.0\ntitle: x\n", "../evil.txt": "x"})
        self.zip_absolute = write_zip(d("absolute.zip"), {"api.raml": "#%RAML 1.0\ntitle: x\n", "/etc/x": "x"})
        self.corrupt_zip = write(d("corrupt.zip"), b"PK\x03\x04" + os.urandom(300))
        self.nested_main_zip = write_zip(d("nested.zip"), {"specs/api.raml": "#%RAML 1.0\ntitle: x\n"})

    def pom_file(self, name, *args, **kwargs):
        """Writes pom(*args, **kwargs) as `name`; returns its path."""
        return write(os.path.join(self.directory, name), pom(*args, **kwargs))
