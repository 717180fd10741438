// What users feel of the portal, checked in Chromium on every page template and form (the
// management forms as an administrator sees them, and a refused action's alert): accessibility
// (axe-core, WCAG 2.1 A and AA, in light and dark colour schemes, with a screenshot of each), the
// security headers, page weight on a cold load, no request to any host but agora, and hostile
// input rendered inert.
"use strict";
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { describe, it, before, after } = require("node:test");
const { AxeBuilder } = require("@axe-core/playwright");
const { Agora, launchBrowser, offlineContext, signIn } = require("./harness");
const { seed, NEWCOMER, CURATOR } = require("./catalogue");

const SCREENSHOTS = process.env.PORTAL_SCREENSHOTS || path.join(__dirname, "screenshots");
let agora, browser, catalogue, session, curatorSession, refusedRun;

before(async () => {
  agora = await new Agora().start();
  catalogue = await seed(agora);
  browser = await launchBrowser();
  for (const user of [NEWCOMER, CURATOR]) {
    const context = await offlineContext(browser, agora);
    await signIn(await context.newPage(), user.username, user.password);
    if (user === NEWCOMER) session = await context.storageState();
    else curatorSession = await context.storageState();
    await context.close();
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  refusedRun = await refusedPublication();
});

// The run id of an asynchronous publication the API refused (a RAML type that does not exist),
// for the publish form's refused state.
async function refusedPublication() {
  const form = new FormData();
  for (const [k, v] of Object.entries({ name: "Broken", type: "rest-api", "properties.apiVersion": "v1" })) form.append(k, v);
  form.append("files.raml.raml", new Blob(["#%RAML 1.0\ntitle: Broken\n/x:\n  get:\n    body:\n      application/json:\n        type: Missing\n"]), "broken.raml");
  const r = await agora.api("POST", `/exchange/api/v2/organizations/${catalogue.acme}/assets/${catalogue.acme}/broken/1.0.0`, { body: form });
  assert.equal(r.status, 202, r.text);
  const link = new URL(r.json().publicationStatusLink);
  for (let i = 0; i < 300; i++) {
    if ((await agora.api("GET", link.pathname)).json().status === "error") return link.pathname.split("/").pop();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the broken publication never ended");
}

after(async () => {
  if (browser) await browser.close();
  if (agora) await agora.stop();
});

function templates() {
  const orders = `/exchange/${catalogue.acme}/customer-orders-api`;
  return {
    "sign-in": { path: "/exchange/-/login", signedIn: false },
    home: { path: "/exchange/" },
    search: { path: "/exchange/?q=orders&type=rest-api" },
    asset: { path: `${orders}/` },
    "documentation-page": { path: `${orders}/2.0.0/pages/home` },
    "api-reference": { path: `${orders}/2.0.0/api/` },
    operation: { path: `${orders}/2.0.0/api/operations/get/orders/%7BorderId%7D` },
    "data-type": { path: `${orders}/2.0.0/api/types/Order` },
    "webhook-operation": { path: `/exchange/${catalogue.payments}/pet-webhooks/1.0.0/api/operations/webhooks/newPet/post` },
    "soap-reference": { path: `/exchange/${catalogue.acme}/customer-soap-service/1.0.0/api/` },
    dependencies: { path: `${orders}/2.0.0/dependencies` },
    compare: { path: `${orders}/2.0.0/compare` },
    "not-found": { path: `/exchange/${catalogue.acme}/no-such-asset/`, status: 404 },
    // An administrator's forms: the lifecycle buttons, the delete page with dependents and with
    // its button, and the alert of a refused promotion (its dependency is still in development).
    "asset-managed": { path: `${orders}/2.0.0/`, as: "curator" },
    "delete-with-dependents": { path: `${orders}/2.0.0/delete`, as: "curator" },
    "delete-confirm": { path: `/exchange/${catalogue.acme}/customer-soap-service/1.0.0/delete`, as: "curator" },
    "action-refused": { path: `/exchange/${catalogue.acme}/order-reports/1.0.0/`, as: "curator",
      submit: "Promote to stable", status: 400 },
    "delete-refused": { path: `/exchange/${catalogue.acme}/customer-soap-service/1.0.0/delete`, as: "curator",
      fill: { "To confirm, type the asset's id, customer-soap-service": "customer" },
      submit: "Delete the asset customer-soap-service", status: 400 },
    "publish-form": { path: `/exchange/-/publish?group=${catalogue.acme}&asset=customer-orders-api`, as: "curator" },
    "publish-refused": { path: `/exchange/-/publish/${refusedRun}`, as: "curator", status: 400 },
    organization: { path: "/exchange/-/organization", as: "curator" },
    tokens: { path: "/exchange/-/organization/tokens", as: "curator" },
    "token-issued": { path: "/exchange/-/organization/tokens", as: "curator", fill: { Name: "quality check" },
      submit: "Issue the token", status: 201 },
    "edit-form": { path: `${orders}/2.0.0/edit`, as: "curator" },
    "edit-refused": { path: `${orders}/2.0.0/edit`, as: "curator", fill: { Description: "d".repeat(256) },
      submit: "Save changes", status: 400 },
  };
}

async function open(template, colorScheme = "light") {
  const storageState = template.signedIn === false ? undefined : template.as === "curator" ? curatorSession : session;
  const context = await offlineContext(browser, agora, { colorScheme, storageState, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  let response = await page.goto(template.path);
  for (const [label, value] of Object.entries(template.fill || {})) await page.getByLabel(label, { exact: true }).fill(value);
  if (template.submit) {
    [response] = await Promise.all([page.waitForNavigation(),
      page.getByRole("button", { name: template.submit }).click()]);
  }
  assert.equal(response.status(), template.status || 200, template.path);
  return { context, page, response };
}

describe("every page template", () => {
  it("has no WCAG 2.1 AA violation in light and dark, and is photographed", async () => {
    const failures = [];
    for (const [name, template] of Object.entries(templates())) {
      for (const scheme of ["light", "dark"]) {
        const { context, page } = await open(template, scheme);
        const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
        for (const v of result.violations)
          failures.push(`${name} (${scheme}): ${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${scheme}.png`), fullPage: true });
        assert.deepEqual(context.foreign, [], `${name}: no request to any host but agora`);
        await context.close();
      }
    }
    assert.deepEqual(failures, []);
  });

  it("sends a Content-Security-Policy without inline script, frame-ancestors 'none' and nosniff", async () => {
    for (const [name, template] of Object.entries(templates())) {
      const { context, page, response } = await open(template);
      const headers = response.headers();
      const csp = headers["content-security-policy"] || "";
      assert.match(csp, /frame-ancestors 'none'/, name);
      assert.match(csp, /script-src 'self'(;|$)/, name);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, name);
      assert.equal(headers["x-content-type-options"], "nosniff", name);
      assert.equal(await page.locator("script:not([src])").count(), 0, `${name}: no inline script`);
      assert.equal(await page.locator("[style]").count(), 0, `${name}: no inline style`);
      for (const asset of await page.evaluate(() => [...document.querySelectorAll("link[href], script[src]")]
        .map((e) => e.href || e.src))) {
        const r = await fetch(asset);
        assert.equal(r.headers.get("x-content-type-options"), "nosniff", asset);
        assert.match(r.headers.get("cache-control"), /immutable/, `${asset} is cached by its content hash`);
      }
      await context.close();
    }
  });
});

// The bytes of a cold load (empty cache) as the network sent them, all and JavaScript only.
async function weigh(template) {
  const context = await offlineContext(browser, agora, { storageState: session });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const types = new Map();
  let total = 0, script = 0;
  cdp.on("Network.responseReceived", (e) => types.set(e.requestId, e.type));
  cdp.on("Network.loadingFinished", (e) => {
    total += e.encodedDataLength;
    if (types.get(e.requestId) === "Script") script += e.encodedDataLength;
  });
  await page.goto(template.path, { waitUntil: "networkidle" });
  assert.deepEqual(context.foreign, []);
  await context.close();
  return { total, script };
}

describe("page weight on a cold load", () => {
  it("is at most 60 KB for home, of which at most 20 KB JavaScript", async () => {
    const { total, script } = await weigh(templates().home);
    console.log(`home: ${total} bytes, ${script} of JavaScript`);
    assert.ok(script > 0, "the script is loaded");
    assert.ok(total <= 60 * 1024, `home weighs ${total} bytes`);
    assert.ok(script <= 20 * 1024, `home's JavaScript weighs ${script} bytes`);
  });

  it("is at most 120 KB for an asset page", async () => {
    const { total } = await weigh(templates().asset);
    console.log(`asset page: ${total} bytes`);
    assert.ok(total <= 120 * 1024, `the asset page weighs ${total} bytes`);
  });
});

describe("hostile input", () => {
  it("renders inert: no script runs, no handler, no javascript: link, no outside image", async () => {
    const hostile = `/exchange/${catalogue.acme}/hostile-asset`;
    for (const target of ["/exchange/?q=hostile", "/exchange/?q=script", `${hostile}/`, `${hostile}/1.0.0/pages/home`,
      `${hostile}/1.0.0/dependencies`, "/exchange/?tag=javascript%3Aalert(1)"]) {
      const { context, page } = await open({ path: target });
      const dialogs = [];
      page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
      // Give anything that might run (onload, onerror, lazy images) its chance.
      await page.mouse.move(300, 300);
      await page.waitForLoadState("networkidle");
      await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
      assert.equal(await page.evaluate(() => window.__pwned), undefined, `${target}: a hostile script ran`);
      assert.deepEqual(dialogs, [], target);
      const findings = await page.evaluate(() => {
        const bad = [];
        for (const element of document.querySelectorAll("*")) {
          for (const attribute of element.attributes)
            if (/^on/i.test(attribute.name)) bad.push(`${element.tagName} ${attribute.name}`);
          const url = element.getAttribute("href") || element.getAttribute("src") || "";
          if (/^\s*(javascript|data|vbscript):/i.test(url)) bad.push(`${element.tagName} ${url}`);
        }
        for (const script of document.querySelectorAll("script"))
          if (!script.src.includes("/exchange/-/static/")) bad.push("script " + script.outerHTML.slice(0, 80));
        for (const tag of ["iframe", "object", "embed", "svg script", "foreignObject"])
          if (document.querySelector(tag)) bad.push(tag);
        return bad;
      });
      assert.deepEqual(findings, [], target);
      assert.deepEqual(context.foreign, [], `${target}: no request to any host but agora`);
      if (target.endsWith("pages/home")) {
        assert.ok(await page.getByText("<script>window.__pwned = 2; alert(2)</script>").count() > 0,
          "raw HTML shows as text");
        assert.ok(await page.locator("img[alt='svg with script']").count() === 1, "the portal's own image is shown");
        assert.equal(await page.locator("img[alt='outside image']").count(), 0, "an image from elsewhere is not");
      }
      await context.close();
    }
  });

  it("serves the documentation's SVG as inert data", async () => {
    const { context, page } = await open({ path: `/exchange/${catalogue.acme}/hostile-asset/1.0.0/pages/home` });
    const src = await page.locator("img[alt='svg with script']").getAttribute("src");
    const dialogs = [];
    page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
    const response = await page.goto(src);
    assert.match(response.headers()["content-security-policy"], /sandbox/);
    assert.equal(response.headers()["x-content-type-options"], "nosniff");
    await page.waitForLoadState("load");
    assert.deepEqual(dialogs, []);
    await context.close();
  });
});
