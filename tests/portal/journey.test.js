// A newcomer's journey through the portal in Chromium, with JavaScript and without it: sign in,
// search, filter by a facet, open an asset, read a documentation page and an operation of the
// API reference, follow a dependency, download a file and check its bytes. And a viewer of
// another organisation sees none of it. No request may leave agora.
"use strict";
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const { describe, it, before, after } = require("node:test");
const { Agora, launchBrowser, offlineContext, signIn } = require("./harness");
const { seed, NEWCOMER, OUTSIDER } = require("./catalogue");

let agora, browser, catalogue;

before(async () => {
  agora = await new Agora().start();
  catalogue = await seed(agora);
  browser = await launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (agora) await agora.stop();
});

async function journey(javaScriptEnabled) {
  const context = await offlineContext(browser, agora, { javaScriptEnabled, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page, NEWCOMER.username, NEWCOMER.password);

  // Search: typed (as you type with JavaScript; by submitting the form without).
  const box = page.getByRole("searchbox", { name: "Search assets" });
  if (javaScriptEnabled) {
    await page.keyboard.press("/");
    assert.equal(await page.evaluate(() => document.activeElement.id), "q", "/ focuses the search box");
    await page.keyboard.type("orde");
    await page.waitForFunction(() => location.search.includes("q=orde"));
    await page.getByRole("heading", { level: 1, name: "Results for “orde”" }).waitFor();
  } else {
    await box.fill("orde");
    await box.press("Enter");
    await page.waitForURL(/q=orde/);
  }
  const firstResult = page.locator(".result .result-link").first();
  assert.equal(await page.locator(".result mark").first().textContent(), "Orde", "the match is highlighted");
  const names = await page.locator(".result .result-link").allTextContents();
  assert.ok(names.includes("Customer Orders API"), names.join(", "));
  assert.ok(names.includes("Order reports"), names.join(", "));
  assert.ok(!names.some((n) => n.includes("Globex")), "another organisation's asset is never found");

  // Filter by a facet: REST APIs only.
  await page.getByRole("list", { name: "Type" }).getByRole("link", { name: /REST API/ }).click();
  await page.waitForURL(/type=rest-api/);
  await page.waitForFunction(() => document.querySelectorAll(".result").length === 1);
  assert.deepEqual(await page.locator(".result .result-link").allTextContents(), ["Customer Orders API"]);
  if (javaScriptEnabled) {
    // Keyboard: the arrow key moves from the search box into the results.
    await box.focus();
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Customer Orders API");
    // The back button returns to the unfiltered search.
    await page.goBack();
    await page.waitForFunction(() => !location.search.includes("type="));
    await page.waitForFunction(() => document.querySelectorAll(".result").length > 1);
    await page.goForward();
    await page.waitForFunction(() => document.querySelectorAll(".result").length === 1);
  }
  await firstResult.click();
  await page.waitForURL((url) => url.pathname === `/exchange/${catalogue.acme}/customer-orders-api/`);
  await page.getByRole("heading", { level: 1, name: "Customer Orders API" }).waitFor();
  assert.ok(await page.getByText("Use it to place and track orders.").isVisible(), "the home page is rendered");

  // The version picker, grouped by major and minor version.
  const versions = page.getByRole("navigation", { name: "Versions" });
  assert.equal(await versions.getByRole("link", { name: "2.0.0" }).getAttribute("aria-current"), "page");
  assert.ok(await versions.getByText("1.x").count() === 1 && await versions.getByText("1.1 (1)").count() === 1);

  // A documentation page.
  await page.getByRole("navigation", { name: "Asset" }).getByRole("link", { name: "Getting started" }).click();
  await page.getByRole("heading", { level: 1, name: "Getting started" }).waitFor();
  assert.ok(await page.getByText("Ask for a token.").isVisible());

  // An operation of the API reference.
  await page.getByRole("navigation", { name: "Asset" }).getByRole("link", { name: "API reference" }).click();
  await page.getByRole("heading", { level: 1, name: "API reference" }).waitFor();
  await page.locator("a", { hasText: "/orders/{orderId}" }).first().click();
  await page.getByRole("heading", { level: 1, name: /GET.*\/orders\/\{orderId\}/ }).waitFor();
  assert.ok(await page.getByText("One order.").first().isVisible(), "the operation's description");

  // Follow a dependency.
  await page.goto(`/exchange/${catalogue.acme}/customer-orders-api/`);
  const warnings = page.getByRole("region", { name: "Dependency warnings" });
  assert.match(await warnings.textContent(), /order-data-types:1\.1\.0: deprecated/);
  await page.getByRole("link", { name: "Order data types" }).click();
  await page.getByRole("heading", { level: 1, name: "Order data types" }).waitFor();
  assert.match(page.url(), /order-data-types\/1\.1\.0\/$/);
  await page.getByRole("navigation", { name: "Asset" }).getByRole("link", { name: "Dependencies" }).click();
  assert.ok(await page.getByRole("cell", { name: "Customer Orders API" }).isVisible(), "dependents are listed");
  assert.ok(await page.getByRole("cell", { name: "Order reports" }).isVisible(), "transitive dependents too");

  // Before upgrading: what 2.0.0 changed since 1.1.0, then since 1.0.0 (the same API).
  await page.goto(`/exchange/${catalogue.acme}/customer-orders-api/2.0.0/`);
  await page.getByRole("navigation", { name: "Asset" }).getByRole("link", { name: "Compare versions" }).click();
  await page.getByRole("heading", { level: 1, name: "Compare versions" }).waitFor();
  const base = page.getByLabel("Compare 2.0.0 with");
  assert.equal(await base.inputValue(), "1.1.0", "the previous version is the base");
  assert.ok(await page.getByText("This version breaks clients of the base version.").isVisible());
  const breaking = page.locator("tr", { hasText: "request-property-enum-value-removed" });
  assert.equal(await breaking.count(), 1);
  assert.match(await breaking.textContent(), /ERR.*POST \/orders.*orders\.raml:\d+:\d+/s);
  await base.selectOption("1.0.0");
  await page.getByRole("button", { name: "Compare" }).click();
  await page.waitForURL(/compare\?base=1\.0\.0/);
  assert.ok(await page.getByText("No changes to the API.").isVisible());

  // Download a file and check its bytes against what was published and the SHA-1 shown.
  await page.goto(`/exchange/${catalogue.acme}/customer-orders-api/2.0.0/`);
  const row = page.locator("tr", { hasText: "customer-orders-api-2.0.0-raml.raml" });
  const shownSha1 = (await row.locator("td.digest").first().textContent()).trim();
  const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("link").click()]);
  const bytes = require("node:fs").readFileSync(await download.path());
  assert.equal(crypto.createHash("sha1").update(bytes).digest("hex"), shownSha1);
  assert.ok(bytes.toString("utf8").includes("title: Customer Orders API"));
  assert.deepEqual(context.foreign, [], "no request to any host but agora");
  assert.deepEqual(errors, []);
  await context.close();
}

describe("the newcomer's journey", () => {
  it("works with JavaScript", () => journey(true));
  it("works without JavaScript", () => journey(false));

  it("signs out, and the session's token no longer works", async () => {
    const context = await offlineContext(browser, agora);
    const page = await context.newPage();
    await signIn(page, NEWCOMER.username, NEWCOMER.password);
    const [cookie] = (await context.cookies()).filter((c) => c.name === "agora_session");
    assert.ok(cookie.httpOnly, "the session cookie is HttpOnly");
    assert.equal(cookie.sameSite, "Lax");
    assert.ok(cookie.expires > Date.now() / 1000 + 3000 && cookie.expires < Date.now() / 1000 + 3700,
      "the cookie expires with the token (--token-ttl 3600)");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/exchange\/-\/login/);
    const me = await fetch(agora.base + "/accounts/api/users/me", { headers: { Authorization: `bearer ${cookie.value}` } });
    assert.equal(me.status, 401, "signing out revokes the token");
    await context.close();
  });

  it("refuses a wrong password on the sign-in page", async () => {
    const context = await offlineContext(browser, agora);
    const page = await context.newPage();
    await page.goto("/exchange/-/login");
    await page.getByLabel("Username").fill(NEWCOMER.username);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    assert.match(await page.getByRole("alert").textContent(), /not right/);
    assert.equal(await page.getByLabel("Username").inputValue(), NEWCOMER.username);
    await context.close();
  });
});

describe("another organisation's viewer", () => {
  it("sees none of Acme's catalogue", async () => {
    const context = await offlineContext(browser, agora);
    const page = await context.newPage();
    await signIn(page, OUTSIDER.username, OUTSIDER.password);
    assert.deepEqual(await page.locator(".result .result-link").allTextContents(), ["Globex secret API"]);
    await page.goto("/exchange/?q=orders");
    assert.equal(await page.locator(".result").count(), 0);
    assert.ok(!(await page.content()).includes("Acme"), "not even an organisation name");
    for (const path of [`/exchange/${catalogue.acme}/customer-orders-api/`,
      `/exchange/${catalogue.acme}/customer-orders-api/2.0.0/pages/home`,
      `/exchange/${catalogue.acme}/customer-orders-api/2.0.0/api/`,
      `/exchange/${catalogue.acme}/customer-orders-api/2.0.0/dependencies`,
      `/exchange/${catalogue.acme}/customer-orders-api/2.0.0/files/raml/raml`,
      `/exchange/${catalogue.payments}/pet-payments/`]) {
      const response = await page.goto(path);
      assert.equal(response.status(), 404, path);
      assert.ok(!(await page.content()).includes("Customer Orders"), path);
    }
    // Filtering by an organisation it may not read selects nothing, and reveals nothing.
    await page.goto(`/exchange/?org=${catalogue.acme}`);
    assert.equal(await page.locator(".result").count(), 0);
    assert.deepEqual(context.foreign, []);
    await context.close();
  });

  it("an anonymous visitor sees only the sign-in page", async () => {
    for (const path of ["/exchange/", `/exchange/${catalogue.acme}/customer-orders-api/`, "/exchange/-/results?q=orders"]) {
      const response = await fetch(agora.base + path, { redirect: "manual" });
      assert.ok(response.status === 303 || response.status === 401, `${path}: ${response.status}`);
      const text = await response.text();
      assert.ok(!text.includes("Customer Orders"), path);
    }
  });
});
