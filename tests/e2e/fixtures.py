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

FLIGHT_EXAMPLE = """#%RAML 1.0 NamedExample
value:
  ID: 1
  code: ER38sd
  price: 400
  departureDate: 2017/07/26
  origin: CLE
  destination: SFO
"""


def american_flights_api(org):
    prefix = f"exchange_modules/{org}"
    return f"""#%RAML 1.0
title: American Flights API
version: v1
types:
  AmericanFlight: !include {prefix}/training-american-flight-data-type/1.0.1/AmericanFlightDataType.raml
/flights:
  get:
    queryParameters:
      destination:
        required: false
        enum: [SFO, LAX, CLE]
    responses:
      200:
        body:
          application/json:
            type: AmericanFlight[]
            examples:
              output: !include {prefix}/training-american-flights-example/1.0.1/AmericanFlightsExample.raml
  post:
    body:
      application/json:
        type: AmericanFlight
/flights/{{ID}}:
  get:
    responses:
      200:
        body:
          application/json:
            type: AmericanFlight
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
    props = "".join(f"<{k}>{v}</{k}>" for k, v in (properties or {}).items())
    deps = "".join(f"<dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"
                   for g, a, v in dependencies)
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<project xmlns="http://maven.apache.org/POM/4.0.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 http://maven.apache.org/maven-v4_0_0.xsd">
<modelVersion>4.0.0</modelVersion>
<groupId>{group}</groupId>
<artifactId>{artifact}</artifactId>
<version>{version}</version>
<name>{name}</name>
<description>{description}</description>
<properties>{props}</properties>
<dependencies>{deps}</dependencies>
</project>
"""


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


class Fixtures:
    """Writes every fixture into `directory`; attributes are file paths."""

    def __init__(self, directory, org):
        d = lambda name: os.path.join(directory, name)
        self.flight_type_zip = write_zip(d("training-american-flight-data-type-1.0.1-raml-fragment.zip"),
                                         {"AmericanFlightDataType.raml": FLIGHT_TYPE})
        self.flight_example_zip = write_zip(d("training-american-flights-example-1.0.1-raml-fragment.zip"),
                                            {"AmericanFlightsExample.raml": FLIGHT_EXAMPLE})
        api = american_flights_api(org)
        modules = {
            f"exchange_modules/{org}/training-american-flight-data-type/1.0.1/AmericanFlightDataType.raml": FLIGHT_TYPE,
            f"exchange_modules/{org}/training-american-flights-example/1.0.1/AmericanFlightsExample.raml": FLIGHT_EXAMPLE,
        }
        self.flights_zip = write_zip(d("training-american-flights-api-1.0.0-raml.zip"),
                                     {"american-flights-api.raml": api, **modules,
                                      "exchange.json": json.dumps({"main": "stale.raml"})})
        self.simple_raml_zip = write_zip(d("simple-raml.zip"), {"american-flights-api.raml":
                                                                "#%RAML 1.0\ntitle: Simple\n/items:\n  get:\n"})
        self.oauth_zip = write_zip(d("training-oauth20-security-scheme-1.0.2-raml-fragment.zip"),
                                   {"OAuth2.raml": OAUTH2_FRAGMENT})
        self.verato_zip = write_zip(d("verato-1.0.0-oas.zip"), {"verato.json": json.dumps(VERATO, indent=2)})
        self.pets_yaml = write(d("pets.yaml"), PETS_YAML)
        self.raml_file = write(d("api.raml"), "#%RAML 1.0\ntitle: Single file\n/x:\n  get:\n")
        self.wsdl_zip = write_zip(d("wsdl.zip"), {"main.wsdl": WSDL})
        self.wsdl_file = write(d("orders.wsdl"), WSDL)
        self.library_jar = write(d("library.jar"), os.urandom(150_000))
        self.mule_app_jar = write_zip(d("munit-integration-tests-2.0.1-mule-application.jar"), {
            "META-INF/mule-artifact/mule-artifact.json": json.dumps({"minMuleVersion": "4.4.0"}),
            "mule-app.xml": "<mule/>"})
        self.connector_jar = write_zip(d("mule-salesforce-connector-10.4.1-mule-plugin.jar"), {
            "META-INF/mule-artifact/mule-artifact.json": json.dumps({"name": "salesforce"}),
            "org/mule/Connector.class": b"\xca\xfe\xba\xbe"})
        self.not_raml_zip = write_zip(d("not-raml.zip"), {"api.raml": "this is not RAML\n"})
        self.zip_slip = write_zip(d("slip.zip"), {"api.raml": "#%RAML 1.0\ntitle: x\n", "../evil.txt": "x"})
        self.zip_absolute = write_zip(d("absolute.zip"), {"api.raml": "#%RAML 1.0\ntitle: x\n", "/etc/evil": "x"})
        self.corrupt_zip = write(d("corrupt.zip"), b"PK\x03\x04" + os.urandom(300))
        self.nested_main_zip = write_zip(d("nested.zip"), {"specs/api.raml": "#%RAML 1.0\ntitle: x\n"})
        self.directory = directory

    def pom_file(self, name, *args, **kwargs):
        return write(os.path.join(self.directory, name), pom(*args, **kwargs))
