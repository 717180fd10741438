#include "specs/wsdl_reader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

namespace agora::specs {
namespace {

std::string Corpus(const std::string& path) { return std::string(AGORA_CORPUS_DIR) + "/" + path; }

// A WSDL whose schema, in an imported file, uses the XSD features the model maps.
constexpr const char* kWsdl = R"(<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:tns="urn:orders" xmlns:o="urn:orders:types"
    name="Orders" targetNamespace="urn:orders">
  <wsdl:documentation>Order taking</wsdl:documentation>
  <wsdl:types>
    <xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:orders:imports">
      <xsd:import namespace="urn:orders:types" schemaLocation="types/orders.xsd"/>
    </xsd:schema>
  </wsdl:types>
  <wsdl:message name="PlaceOrder"><wsdl:part name="order" element="o:PlaceOrder"/></wsdl:message>
  <wsdl:message name="PlaceOrderResponse"><wsdl:part name="result" element="o:OrderId"/></wsdl:message>
  <wsdl:message name="Auth"><wsdl:part name="token" element="o:Token"/></wsdl:message>
  <wsdl:message name="Rejected"><wsdl:part name="reason" type="xsd:string" xmlns:xsd="http://www.w3.org/2001/XMLSchema"/></wsdl:message>
  <wsdl:portType name="OrderPort">
    <wsdl:operation name="placeOrder">
      <wsdl:documentation>Places an order</wsdl:documentation>
      <wsdl:input message="tns:PlaceOrder"/>
      <wsdl:output message="tns:PlaceOrderResponse"/>
      <wsdl:fault name="rejected" message="tns:Rejected"/>
    </wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="OrderBinding" type="tns:OrderPort">
    <soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="placeOrder">
      <soap12:operation soapAction="urn:placeOrder"/>
      <wsdl:input><soap12:header message="tns:Auth" part="token" use="literal"/><soap12:body use="literal"/></wsdl:input>
      <wsdl:output><soap12:body use="literal"/></wsdl:output>
      <wsdl:fault name="rejected"><soap12:fault name="rejected" use="literal"/></wsdl:fault>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="OrderService">
    <wsdl:port name="OrderPortSoap12" binding="tns:OrderBinding">
      <soap12:address location="https://example.com/orders"/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
)";

constexpr const char* kXsd = R"(<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:orders:types"
    targetNamespace="urn:orders:types" elementFormDefault="qualified">
  <xs:element name="PlaceOrder" type="tns:Order"/>
  <xs:element name="OrderId" type="xs:long"/>
  <xs:element name="Token" type="tns:Code"/>
  <xs:complexType name="Party">
    <xs:sequence><xs:element name="name" type="xs:string"/></xs:sequence>
    <xs:attribute name="id" type="xs:int" use="required"/>
  </xs:complexType>
  <xs:complexType name="Customer">
    <xs:complexContent>
      <xs:extension base="tns:Party">
        <xs:sequence><xs:element name="vip" type="xs:boolean" minOccurs="0"/></xs:sequence>
      </xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:complexType name="Order">
    <xs:sequence>
      <xs:element name="customer" type="tns:Customer"/>
      <xs:element name="line" maxOccurs="unbounded" minOccurs="1">
        <xs:complexType>
          <xs:sequence>
            <xs:element name="sku" type="tns:Code"/>
            <xs:element name="quantity" type="tns:Quantity"/>
            <xs:element name="note" type="xs:string" minOccurs="0" nillable="true"/>
          </xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element name="priority" type="tns:Priority" minOccurs="0"/>
      <xs:choice>
        <xs:element name="pickup" type="xs:date"/>
        <xs:element name="delivery" type="xs:dateTime"/>
      </xs:choice>
      <xs:element ref="tns:Order" minOccurs="0" maxOccurs="3"/>
    </xs:sequence>
  </xs:complexType>
  <xs:element name="Order" type="tns:Order"/>
  <xs:simpleType name="Code">
    <xs:restriction base="xs:string"><xs:pattern value="[A-Z]{3}"/><xs:maxLength value="3"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Quantity">
    <xs:restriction base="xs:int"><xs:minInclusive value="1"/><xs:maxExclusive value="100"/><xs:totalDigits value="2"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Priority">
    <xs:restriction base="xs:string"><xs:enumeration value="LOW"/><xs:enumeration value="HIGH"/></xs:restriction>
  </xs:simpleType>
</xs:schema>
)";

SpecReport ReadOrders() {
  return ReadWsdl(InMemorySpecSource({{"orders.wsdl", kWsdl}, {"types/orders.xsd", kXsd}}), "orders.wsdl");
}

const Property* Find(const Shape& shape, const std::string& name) {
  for (const Property& property : shape.properties)
    if (property.name == name) return &property;
  return nullptr;
}

TEST(WsdlModelTest, PortTypesAreResourcesWithOperationsMessagesAndSoapActions) {
  const SpecReport report = ReadOrders();
  for (const auto& problem : report.problems) ADD_FAILURE() << problem.ToString();
  const ApiModel& model = report.model;
  EXPECT_EQ(model.title, "Orders");
  EXPECT_EQ(model.description, "Order taking");
  ASSERT_EQ(model.resources.size(), 1u);
  EXPECT_EQ(model.resources[0].path, "OrderPort");
  ASSERT_EQ(model.resources[0].operations.size(), 1u);
  const Operation& place = model.resources[0].operations[0];
  EXPECT_EQ(place.method, "post");
  EXPECT_EQ(place.operation_id, "placeOrder");
  EXPECT_EQ(place.description, "Places an order");
  EXPECT_EQ(place.soap_action, "urn:placeOrder");
  EXPECT_EQ(place.location, (SourceLocation{"orders.wsdl", 16, 6}));  // at the element name
  // The SOAP header part is a header parameter; the body lists the other parts.
  ASSERT_EQ(place.parameters.size(), 1u);
  EXPECT_EQ(place.parameters[0].name, "token");
  EXPECT_EQ(place.parameters[0].in, "header");
  EXPECT_TRUE(place.parameters[0].required);
  ASSERT_EQ(place.parameters[0].shape.size(), 1u);
  EXPECT_EQ(place.parameters[0].shape[0].ref, "o:Token");
  ASSERT_EQ(place.request_bodies.size(), 1u);
  EXPECT_EQ(place.request_bodies[0].media_type, "application/soap+xml");
  const Shape& input = place.request_bodies[0].shape.at(0);
  ASSERT_EQ(input.properties.size(), 1u);
  EXPECT_EQ(input.properties[0].name, "order");
  EXPECT_EQ(input.properties[0].shape.at(0).ref, "o:PlaceOrder");
  ASSERT_EQ(place.responses.size(), 2u);
  EXPECT_EQ(place.responses[0].status, "output");
  EXPECT_EQ(place.responses[0].bodies.at(0).shape.at(0).properties.at(0).shape.at(0).ref, "o:OrderId");
  EXPECT_EQ(place.responses[1].status, "fault:rejected");
  EXPECT_EQ(place.responses[1].bodies.at(0).shape.at(0).properties.at(0).shape.at(0).type, "string");
  ASSERT_EQ(model.services.size(), 1u);
  ASSERT_EQ(model.services[0].ports.size(), 1u);
  const ServicePort& port = model.services[0].ports[0];
  EXPECT_EQ(port.name, "OrderPortSoap12");
  EXPECT_EQ(port.binding, "tns:OrderBinding");
  EXPECT_EQ(port.port_type, "OrderPort");
  EXPECT_EQ(port.address, "https://example.com/orders");
  EXPECT_EQ(port.protocol, "soap12");
  EXPECT_EQ(model.files, (std::vector<std::string>{"orders.wsdl", "types/orders.xsd"}));
}

// An rpc/encoded WSDL imports SOAP encoding's schema from its public address, as toolkits
// generate them: no copy in the archive is needed, nothing is fetched, and its types count as
// declared. Any other remote import is still refused: agora reads only the archive.
TEST(WsdlModelTest, WellKnownSchemasNeedNoCopyInTheArchive) {
  constexpr const char* kEncoded = R"(<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"
    xmlns:tns="urn:legacy" name="Legacy" targetNamespace="urn:legacy">
  <types>
    <xsd:schema targetNamespace="urn:legacy">
      <xsd:import namespace="http://schemas.xmlsoap.org/soap/encoding/" schemaLocation="http://schemas.xmlsoap.org/soap/encoding/"/>
      <xsd:import namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="http://www.w3.org/2001/xml.xsd"/>
      %IMPORT%
    </xsd:schema>
  </types>
  <message name="List"><part name="items" type="soapenc:Array"/></message>
  <portType name="LegacyPort"><operation name="list"><input message="tns:List"/></operation></portType>
  <binding name="LegacyBinding" type="tns:LegacyPort"/>
  <service name="LegacyService"><port name="p" binding="tns:LegacyBinding"/></service>
</definitions>
)";
  std::string wsdl = kEncoded;
  const std::string placeholder = "%IMPORT%";
  const std::string plain = std::string(wsdl).replace(wsdl.find(placeholder), placeholder.size(), "");
  const SpecReport report = ReadWsdl(InMemorySpecSource({{"legacy.wsdl", plain}}), "legacy.wsdl");
  EXPECT_TRUE(report.valid()) << (report.problems.empty() ? "" : report.problems.front().message);
  const std::string remote = wsdl.replace(
      wsdl.find(placeholder), placeholder.size(),
      R"(<xsd:import namespace="urn:other" schemaLocation="http://example.com/other.xsd"/>)");
  const SpecReport refused = ReadWsdl(InMemorySpecSource({{"legacy.wsdl", remote}}), "legacy.wsdl");
  ASSERT_FALSE(refused.valid());
  EXPECT_NE(refused.problems.front().message.find("is not a file of the archive"), std::string::npos)
      << refused.problems.front().message;
}

TEST(WsdlModelTest, XsdDeclarationsAreShapesAcrossImports) {
  const ApiModel model = ReadOrders().model;
  // Elements and types share a name space in the model: a type named like an element is "(type)".
  ASSERT_TRUE(model.types.count("o:Order"));
  ASSERT_TRUE(model.types.count("o:Order (type)"));
  EXPECT_EQ(model.types.at("o:Order").ref, "o:Order (type)");
  EXPECT_EQ(model.types.at("o:PlaceOrder").ref, "o:Order (type)");
  EXPECT_EQ(model.types.at("o:OrderId").type, "integer");
  EXPECT_EQ(model.types.at("o:OrderId").format, "int64");

  const Shape& order = model.types.at("o:Order (type)");
  EXPECT_EQ(order.type, "object");
  EXPECT_EQ(order.location, (SourceLocation{"types/orders.xsd", 17, 4}));
  const Property* customer = Find(order, "customer");
  ASSERT_TRUE(customer);
  EXPECT_TRUE(customer->required);
  EXPECT_EQ(customer->shape.at(0).ref, "o:Customer");
  // maxOccurs > 1: an array; minOccurs 1: required, at least one.
  const Property* line = Find(order, "line");
  ASSERT_TRUE(line);
  EXPECT_TRUE(line->required);
  const Shape& lines = line->shape.at(0);
  EXPECT_EQ(lines.type, "array");
  EXPECT_EQ(lines.min_items, 1u);
  EXPECT_FALSE(lines.max_items);
  const Shape& item = lines.items.at(0);
  EXPECT_EQ(Find(item, "sku")->shape.at(0).ref, "o:Code");
  const Property* note = Find(item, "note");
  EXPECT_FALSE(note->required);
  EXPECT_TRUE(note->shape.at(0).nullable);
  EXPECT_FALSE(Find(order, "priority")->required);
  // A choice is oneOf; an element reference keeps its name and points at the element.
  ASSERT_EQ(order.one_of.size(), 1u);
  ASSERT_EQ(order.one_of[0].one_of.size(), 2u);
  EXPECT_EQ(order.one_of[0].one_of[0].properties.at(0).name, "pickup");
  EXPECT_EQ(order.one_of[0].one_of[1].properties.at(0).shape.at(0).format, "date-time");
  const Property* nested = Find(order, "Order");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->shape.at(0).type, "array");
  EXPECT_EQ(nested->shape.at(0).max_items, 3u);
  EXPECT_EQ(nested->shape.at(0).items.at(0).ref, "o:Order");

  // An extension is allOf its base plus its own particles; attributes are properties.
  const Shape& vip = model.types.at("o:Customer");
  ASSERT_EQ(vip.all_of.size(), 1u);
  EXPECT_EQ(vip.all_of[0].ref, "o:Party");
  EXPECT_FALSE(Find(vip, "vip")->required);
  const Property* id = Find(model.types.at("o:Party"), "id");
  ASSERT_TRUE(id);
  EXPECT_TRUE(id->required);
  EXPECT_EQ(id->shape.at(0).facets.at("xmlAttribute"), "true");

  // Restrictions: enumerations, patterns, lengths, bounds and the other facets.
  const Shape& code = model.types.at("o:Code");
  EXPECT_EQ(code.type, "string");
  EXPECT_EQ(code.pattern, "[A-Z]{3}");
  EXPECT_EQ(code.max_length, 3u);
  const Shape& quantity = model.types.at("o:Quantity");
  EXPECT_EQ(quantity.type, "integer");
  EXPECT_EQ(quantity.minimum, 1);
  EXPECT_EQ(quantity.exclusive_maximum_value, 100);
  EXPECT_EQ(quantity.facets.at("totalDigits"), "\"2\"");
  EXPECT_EQ(model.types.at("o:Priority").enum_values, (std::vector<std::string>{"\"LOW\"", "\"HIGH\""}));
}

TEST(WsdlModelTest, CorpusWsdlsHaveTheirOperationsServicesAndTypes) {
  struct Case {
    std::string folder, main;
    size_t operations, types;
    std::string port, protocol;
  };
  for (const Case& c : std::vector<Case>{
           {"wsdl", "cxf-CustomerService.wsdl", 2, 10, "CustomerServicePort", "soap11"},
           {"wsdl", "cxf-hello_world_soap12.wsdl", 4, 9, "SoapPort", "soap12"},
           {"wsdl/osgp-tariffswitching-adhoc", "TariffSwitchingAdHocManagement.wsdl", 3, 26,
            "TariffSwitchingAdHocManagementPortSoap11", "soap11"},
           {"wsdl/osgp-secret-management", "wsdl/SecretManagement.wsdl", 5, 24, "SecretManagementPortSoap11", "soap11"}}) {
    SCOPED_TRACE(c.main);
    ASSERT_TRUE(std::filesystem::exists(Corpus(c.folder))) << "corpus missing";
    const SpecReport report = ReadWsdl(DirectorySpecSource(Corpus(c.folder)), c.main);
    for (const auto& problem : report.problems) ADD_FAILURE() << problem.ToString();
    size_t operations = 0;
    for (const auto& resource : report.model.resources) operations += resource.operations.size();
    EXPECT_EQ(operations, c.operations);
    EXPECT_EQ(report.model.types.size(), c.types);
    ASSERT_EQ(report.model.services.size(), 1u);
    EXPECT_EQ(report.model.services[0].ports.at(0).name, c.port);
    EXPECT_EQ(report.model.services[0].ports.at(0).protocol, c.protocol);
    // Every reference points at a declared type.
    std::function<void(const Shape&)> check = [&](const Shape& shape) {
      if (!shape.ref.empty()) {
        EXPECT_TRUE(report.model.types.count(shape.ref)) << shape.ref;
      }
      for (const auto& p : shape.properties)
        for (const auto& s : p.shape) check(s);
      for (const auto* list : {&shape.items, &shape.all_of, &shape.any_of, &shape.one_of})
        for (const auto& s : *list) check(s);
    };
    for (const auto& [name, shape] : report.model.types) check(shape);
    for (const auto& resource : report.model.resources)
      for (const auto& operation : resource.operations)
        for (const auto& body : operation.request_bodies)
          for (const auto& shape : body.shape) check(shape);
  }
}

}  // namespace
}  // namespace agora::specs
