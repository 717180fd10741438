// The catalogue the browser tests read: two organisations (Acme with a business group, and
// Globex), a newcomer who may read Acme's, a curator who administers it, an outsider of Globex,
// and assets of every kind the portal renders: a RAML API in three versions with documentation,
// categories, custom fields and dependencies (one deprecated, one in development), an OAS API in
// the business group, a WSDL API, a custom asset that depends on the RAML API, and one asset
// whose every field is hostile.
"use strict";
const { corpusFile } = require("./harness");

const NEWCOMER = { username: "newcomer", password: "correct horse battery" };
const OUTSIDER = { username: "outsider", password: "another staple" };
const CURATOR = { username: "curator", password: "looks after things" };

const ORDERS_RAML = `#%RAML 1.0
title: Customer Orders API
version: v2
baseUri: https://orders.example.com/api/{version}
description: Places and tracks **customer orders**.
securitySchemes:
  basic:
    type: Basic Authentication
    description: Basic authentication with the portal's credentials.
securedBy: [basic]
types:
  Order:
    type: object
    properties:
      id: string
      status:
        enum: [open, shipped, cancelled]
      total:
        type: number
        minimum: 0
    example:
      id: o-1001
      status: open
      total: 42.5
/orders:
  get:
    description: Lists the orders, newest first.
    queryParameters:
      status?:
        enum: [open, shipped, cancelled]
      limit?:
        type: integer
        maximum: 100
    responses:
      200:
        body:
          application/json:
            type: Order[]
  post:
    description: Places an order.
    body:
      application/json:
        type: Order
    responses:
      201:
        body:
          application/json:
            type: Order
  /{orderId}:
    get:
      description: One order.
      responses:
        200:
          body:
            application/json:
              type: Order
        404:
          description: No such order.
`;

const DATA_TYPE = `#%RAML 1.0 DataType
type: object
properties:
  id: string
  amount: number
`;

// A 1x1 PNG, the documentation's image.
const PNG = Buffer.from(
  "89504e470d0a1a0a0000000d4948445200000001000000010806000000" +
  "1f15c4890000000d49444154789c6360f80f00000101000518d84d0000000049454e44ae426082", "hex");

const HOME_PAGE = (paths) => `# Customer Orders API

Use it to place and track orders.

| Operation | Path |
| --- | :-: |
| List orders | \`GET /orders\` |
| Place an order | \`POST /orders\` |

- [x] Sign in to agora
- [ ] Read the getting started guide

\`\`\`json
{"status": "open"}
\`\`\`

![Architecture](${paths["architecture.png"]})

~~Old endpoints~~ are gone. See [getting started](guides/getting-started).
`;

const GETTING_STARTED = `# Getting started

1. Ask for a token.
2. Call \`GET /orders\`.
`;

const HOSTILE = "<script>window.__pwned = 1; alert(1)</script>";
const HOSTILE_MARKDOWN = (paths) => `# Hostile page

<script>window.__pwned = 2; alert(2)</script>

<img src="x" onerror="window.__pwned = 3; alert(3)">

<svg onload="window.__pwned = 4"><script>window.__pwned = 5</script></svg>

[click me](javascript:window.__pwned=6)
[click me too](JaVaScRiPt:window.__pwned=7)
[tabbed](java	script:window.__pwned=8)
[entity](javascript&colon;window.__pwned=9)
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

![svg with script](${paths["evil.svg"]})
![outside image](http://203.0.113.1/tracker.png)
![script image](javascript:window.__pwned=10)

<a href="javascript:window.__pwned=11">raw link</a> <iframe src="http://203.0.113.1/"></iframe>
`;

const EVIL_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="window.__pwned=12">
<script>window.__pwned = 13</script><rect width="10" height="10"/></svg>`;

async function seed(agora) {
  const acme = agora.org;
  const payments = agora.createOrg("Acme Payments", acme);
  const globex = agora.createOrg("Globex");
  const globexToken = agora.createToken(globex, "admin");
  agora.createUser(acme, NEWCOMER.username, NEWCOMER.password, "viewer");
  agora.createUser(acme, CURATOR.username, CURATOR.password, "admin");
  agora.createUser(globex, OUTSIDER.username, OUTSIDER.password, "viewer");

  for (const [kind, body] of [
    ["categories", { tagKey: "domain", displayName: "Business domain", dataType: "enum", acceptedValues: ["Sales", "Finance"] }],
    ["fields", { tagKey: "owner", displayName: "Owner team", dataType: "text" }]]) {
    const r = await agora.api("POST", `/exchange/api/v2/organizations/${acme}/${kind}`,
      { body: JSON.stringify(body), type: "application/json" });
    if (r.status !== 201) throw new Error(`defining ${kind}: ${r.text}`);
  }

  // Dependencies of the orders API: a data type whose newest version is deprecated, and a library
  // still in development.
  const dataType = { "files.raml-fragment.raml": { name: "order-type.raml", data: DATA_TYPE } };
  await agora.publish(acme, acme, "order-data-types", "1.0.0",
    { name: "Order data types", type: "raml-fragment", "properties.mainFile": "order-type.raml" }, dataType);
  await agora.publish(acme, acme, "order-data-types", "1.1.0",
    { name: "Order data types", type: "raml-fragment", "properties.mainFile": "order-type.raml" }, dataType);
  let r = await agora.api("PUT", `/exchange/api/v2/assets/${acme}/order-data-types/1.1.0/status`,
    { body: JSON.stringify({ status: "deprecated" }), type: "application/json" });
  if (r.status !== 204) throw new Error(`deprecating: ${r.text}`);
  await agora.publish(acme, acme, "customer-library", "0.9.0",
    { name: "Customer library", type: "custom", status: "development", description: "Shared customer code." },
    { "files.custom.jar": { name: "customer.jar", data: "customer library bytes" } });

  // 1.1.0 accepted returned orders, which 2.0.0 no longer does: the compare page has a breaking change.
  const withReturns = ORDERS_RAML.replace("enum: [open, shipped, cancelled]", "enum: [open, shipped, cancelled, returned]");
  for (const version of ["1.0.0", "1.1.0", "2.0.0"]) {
    const orders = { "files.raml.raml": { name: "orders.raml", data: version === "1.1.0" ? withReturns : ORDERS_RAML } };
    const major = version.split(".")[0];
    const fields = {
      name: "Customer Orders API", type: "rest-api",
      description: "Places and tracks customer orders for the web shop and the stores.",
      tags: "orders,sales", "properties.mainFile": "orders.raml", "properties.apiVersion": `v${major}`,
      contactName: "Orders team", contactEmail: "orders@example.com",
      "categories.domain": "Sales", "fields.owner": "Checkout",
    };
    if (version === "2.0.0") fields.dependencies = `${acme}:order-data-types:1.1.0`;
    await agora.publish(acme, acme, "customer-orders-api", version, fields, orders);
  }
  await agora.document(acme, "customer-orders-api", "2.0.0",
    [["home", HOME_PAGE], ["guides/getting-started", GETTING_STARTED], ["terms", "# Terms\n\nUse it kindly."]],
    { "architecture.png": PNG });

  // In development itself, so that it may depend on the library in development.
  await agora.publish(acme, acme, "order-reports", "1.0.0",
    { name: "Order reports", type: "custom", description: "Monthly order reports.", tags: "reporting",
      status: "development", dependencies: `${acme}:customer-orders-api:2.0.0,${acme}:customer-library:0.9.0` },
    { "files.custom.jar": { name: "reports.jar", data: "reports bytes" } });

  await agora.publish(payments, payments, "pet-payments", "1.0.0",
    { name: "Pet payments API", type: "rest-api", description: "Payments for the pet store.",
      "properties.mainFile": "petstore.yaml", "properties.apiVersion": "v1", tags: "payments" },
    { "files.oas.yaml": { name: "petstore.yaml", data: corpusFile("oas", "petstore-oas3.0.yaml") } });

  await agora.publish(payments, payments, "pet-webhooks", "1.0.0",
    { name: "Pet webhooks", type: "rest-api", description: "What the pet store calls back (OpenAPI 3.1 webhooks).",
      "properties.mainFile": "webhooks.json", "properties.apiVersion": "v1" },
    { "files.oas.json": { name: "webhooks.json", data: corpusFile("oas", "webhook-example-oas3.1.json") } });

  await agora.publish(acme, acme, "customer-soap-service", "1.0.0",
    { name: "Customer SOAP service", type: "soap-api", description: "Customers over SOAP.",
      "properties.mainFile": "CustomerService.wsdl", "properties.apiVersion": "v1" },
    { "files.wsdl.wsdl": { name: "CustomerService.wsdl", data: corpusFile("wsdl", "cxf-CustomerService.wsdl") } });

  await agora.publish(acme, acme, "hostile-asset", "1.0.0",
    { name: `${HOSTILE} Hostile`, type: "custom",
      description: `<img src=x onerror="window.__pwned=20"> javascript:alert(1) ${HOSTILE}`,
      tags: `<svg onload=window.__pwned=21>,javascript:alert(1),"><script>window.__pwned=22</script>`,
      contactName: `<b onmouseover=alert(1)>Mallory</b>`, contactEmail: `x"onmouseover="alert(1)@example.com`,
      "fields.owner": `<script>window.__pwned=23</script>` },
    { "files.custom.jar": { name: "hostile.jar", data: "hostile" } });
  await agora.document(acme, "hostile-asset", "1.0.0", [["home", HOSTILE_MARKDOWN]], { "evil.svg": EVIL_SVG });

  await agora.publish(globex, globex, "globex-secret-api", "1.0.0",
    { name: "Globex secret API", type: "custom", description: "Only Globex may see this.", tags: "secret" },
    { "files.custom.jar": { name: "secret.jar", data: "secret" } }, { token: globexToken });

  return { acme, payments, globex, ordersRaml: ORDERS_RAML };
}

module.exports = { seed, NEWCOMER, OUTSIDER, CURATOR };
