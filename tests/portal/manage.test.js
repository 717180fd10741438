// Looking after assets in the portal, in Chromium: an administrator promotes a development version
// (after being told why its dependent cannot be promoted first), deprecates and undeprecates a
// version by keyboard, edits its details (after a refused value), is shown why a version with
// dependents cannot be deleted, deletes a leaf, and deletes a whole asset for good once its id is
// typed; a publisher publishes a RAML API from the form after reading and fixing its error; a
// viewer sees no management control and a forged post is refused. After each step the
// test checks agora's state through the Exchange API, not only the page.
"use strict";
const assert = require("node:assert/strict");
const { describe, it, before, after } = require("node:test");
const { Agora, launchBrowser, offlineContext, signIn } = require("./harness");
const { seed, NEWCOMER, CURATOR } = require("./catalogue");

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

const versionPath = (asset, version) => `/exchange/${catalogue.acme}/${asset}/${version}/`;

async function apiStatus(asset, version) {
  const r = await agora.api("GET", `/exchange/api/v2/assets/${catalogue.acme}/${asset}/${version}`);
  return r.status === 200 ? r.json().status : r.status;
}

// Clicks a button that submits a form and waits for the page it leads to.
async function submit(page, button) {
  const [response] = await Promise.all([page.waitForNavigation(), button.click()]);
  return response;
}

async function signedIn(user) {
  const context = await offlineContext(browser, agora);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await signIn(page, user.username, user.password);
  return { context, page, errors };
}

describe("an administrator", () => {
  it("promotes, deprecates, undeprecates and deletes, and is told why when the API refuses", async () => {
    const { context, page, errors } = await signedIn(CURATOR);
    const manage = page.getByRole("region", { name: "Manage this version" });

    // Order reports depends on a library still in development: promoting it first is refused.
    await page.goto(versionPath("order-reports", "1.0.0"));
    const refused = await submit(page, manage.getByRole("button", { name: "Promote to stable" }));
    assert.equal(refused.status(), 400);
    const alert = await page.getByRole("alert").textContent();
    assert.match(alert, /Promoting version 1\.0\.0 was refused/);
    assert.match(alert, new RegExp(`${catalogue.acme}:customer-library:0\\.9\\.0`), "the API names the dependency");
    assert.match(alert, /promote those dependencies first/, "and the rule is explained");
    assert.equal(await apiStatus("order-reports", "1.0.0"), "development", "a refusal changes nothing");

    // So the library goes first, then the reports.
    await page.goto(versionPath("customer-library", "0.9.0"));
    await submit(page, manage.getByRole("button", { name: "Promote to stable" }));
    assert.equal(await page.getByRole("status").filter({ hasText: "now stable" }).textContent(), "Version 0.9.0 is now stable.");
    assert.equal(await apiStatus("customer-library", "0.9.0"), "published");
    await page.goto(versionPath("order-reports", "1.0.0"));
    await submit(page, manage.getByRole("button", { name: "Promote to stable" }));
    assert.equal(await apiStatus("order-reports", "1.0.0"), "published");

    // Deprecate and undeprecate, by keyboard.
    await page.goto(versionPath("order-data-types", "1.0.0"));
    await manage.getByRole("button", { name: "Deprecate", exact: true }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.match(await page.getByRole("status").filter({ hasText: "deprecated" }).textContent(), /now deprecated/);
    assert.equal(await apiStatus("order-data-types", "1.0.0"), "deprecated");
    assert.equal(await manage.getByRole("button", { name: "Deprecate", exact: true }).count(), 0);
    await manage.getByRole("button", { name: "Undeprecate" }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.equal(await apiStatus("order-data-types", "1.0.0"), "published");

    // Edit the details: a refused value comes back next to its input, what was entered is kept.
    await manage.getByRole("link", { name: "Edit details…" }).click();
    await page.getByLabel("Description").fill("d".repeat(256));
    await page.getByLabel("Tags").fill("orders, shared");
    await page.getByRole("group", { name: "Business domain" }).getByLabel("Finance").check();
    const invalid = await submit(page, page.getByRole("button", { name: "Save changes" }));
    assert.equal(invalid.status(), 400);
    assert.match(await page.getByRole("alert").textContent(), /not saved.*description must be a string of 0 to 255/s);
    assert.equal(await page.getByLabel("Description").getAttribute("aria-invalid"), "true");
    assert.equal(await page.getByLabel("Tags").inputValue(), "orders, shared", "what was entered is kept");
    assert.ok(await page.getByRole("group", { name: "Business domain" }).getByLabel("Finance").isChecked());
    await page.getByLabel("Description").fill("Order types shared by the order APIs.");
    await submit(page, page.getByRole("button", { name: "Save changes" }));
    assert.equal(await page.getByRole("status").filter({ hasText: "saved" }).textContent(), "The changes were saved.");
    const edited = (await agora.api("GET", `/exchange/api/v2/assets/${catalogue.acme}/order-data-types/1.0.0`)).json();
    assert.equal(edited.description, "Order types shared by the order APIs.");
    assert.deepEqual(edited.labels.sort(), ["orders", "shared"]);
    assert.deepEqual(edited.categories.map((c) => [c.key, c.value]), [["domain", ["Finance"]]]);

    // Define a category on the organisation's page, then set it on a version.
    await page.getByRole("link", { name: "Organization", exact: true }).click();
    await page.getByLabel("Kind", { exact: true }).selectOption("category");
    await page.getByLabel("Key", { exact: true }).fill("tier");
    await page.getByLabel("Display name").fill("Support tier");
    await page.getByLabel("Data type").selectOption("enum");
    await page.getByLabel("Accepted values").fill("Gold, Silver");
    await submit(page, page.getByRole("button", { name: "Define" }));
    assert.equal(await page.getByRole("status").filter({ hasText: "saved" }).textContent(), "The definition was saved.");
    assert.ok(await page.getByRole("table", { name: "Categories" }).getByRole("cell", { name: "Support tier" }).isVisible());
    await page.goto(`${versionPath("order-data-types", "1.0.0")}edit`);
    await page.getByRole("group", { name: "Support tier" }).getByLabel("Gold").check();
    await submit(page, page.getByRole("button", { name: "Save changes" }));
    const tiered = (await agora.api("GET", `/exchange/api/v2/assets/${catalogue.acme}/order-data-types/1.0.0`)).json();
    assert.deepEqual(tiered.categories.map((c) => [c.key, c.value]).sort(), [["domain", ["Finance"]], ["tier", ["Gold"]]]);

    // An API token for CI: its secret shown once, working at once, and revoked from the list.
    await page.getByRole("link", { name: "Organization", exact: true }).click();
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByLabel("Name", { exact: true }).fill("release pipeline");
    await page.getByLabel("Role").selectOption("viewer");
    await submit(page, page.getByRole("button", { name: "Issue the token" }));
    const secret = (await page.getByLabel("New token", { exact: true }).textContent()).trim();
    assert.match(secret, /^agora_[0-9a-f]{64}$/);
    assert.equal((await agora.api("GET", "/exchange/api/v2/assets?limit=1", { token: secret })).status, 200);
    const refusedByRole = await agora.api("PATCH", `/exchange/api/v2/assets/${catalogue.acme}/order-data-types`,
      { token: secret, body: JSON.stringify({ name: "x" }), type: "application/json" });
    assert.equal(refusedByRole.status, 403, "a viewer's token");
    await page.goto("/exchange/-/organization/tokens");
    assert.equal(await page.getByText(secret).count(), 0, "the secret is never shown again");
    await submit(page, page.getByRole("button", { name: "Revoke release pipeline" }));
    assert.equal(await page.getByRole("status").filter({ hasText: "revoked" }).textContent(), "The token was revoked.");
    assert.equal((await agora.api("GET", "/exchange/api/v2/assets?limit=1", { token: secret })).status, 401);

    // A version others depend on: its dependents are listed, with why it cannot go.
    await page.goto(versionPath("customer-orders-api", "2.0.0"));
    await manage.getByRole("link", { name: "Delete version 2.0.0…" }).click();
    await page.getByRole("heading", { level: 1, name: "Delete version 2.0.0" }).waitFor();
    assert.deepEqual(await page.getByRole("list", { name: "What depends on it" }).getByRole("link").allTextContents(),
      [`${catalogue.acme}:order-reports:1.0.0`]);
    assert.match(await page.locator(".warnings").first().textContent(), /cannot be deleted.*delete those versions first/s);
    assert.equal(await page.getByRole("button", { name: /Delete version/ }).count(), 0, "no delete button");
    assert.equal(await apiStatus("customer-orders-api", "2.0.0"), "published");

    // A leaf goes, and the asset's page says so.
    await page.goto(versionPath("customer-orders-api", "1.0.0"));
    await manage.getByRole("link", { name: "Delete version 1.0.0…" }).click();
    assert.ok(await page.getByText("No asset depends on this version.").isVisible());
    await submit(page, page.getByRole("button", { name: "Delete version 1.0.0" }));
    assert.equal(new URL(page.url()).pathname, `/exchange/${catalogue.acme}/customer-orders-api/`);
    assert.equal(await page.getByRole("status").filter({ hasText: "deleted" }).textContent(), "Version 1.0.0 was deleted.");
    assert.equal(await page.getByRole("navigation", { name: "Versions" }).getByRole("link", { name: "1.0.0" }).count(), 0);
    assert.equal(await apiStatus("customer-orders-api", "1.0.0"), 404, "the API no longer has it");
    assert.equal(await apiStatus("customer-orders-api", "1.1.0"), "published", "its other versions stay");

    // A whole asset goes, for good, once its id is typed.
    await page.goto(`${versionPath("hostile-asset", "1.0.0")}delete`);
    const assetForm = page.locator("form").filter({ has: page.getByLabel(/^To confirm, type the asset's id/) });
    await assetForm.getByLabel(/^To confirm/).fill("hostile");
    const mistyped = await submit(page, assetForm.getByRole("button", { name: "Delete the asset hostile-asset" }));
    assert.equal(mistyped.status(), 400);
    assert.match(await page.getByRole("alert").textContent(), /type its id, hostile-asset, to confirm/);
    assert.equal(await apiStatus("hostile-asset", "1.0.0"), "published", "a mistyped id deletes nothing");
    await assetForm.getByLabel(/^Hard delete/).check();
    await assetForm.getByLabel(/^To confirm/).fill("hostile-asset");
    await submit(page, assetForm.getByRole("button", { name: "Delete the asset hostile-asset" }));
    assert.equal(new URL(page.url()).pathname, "/exchange/");
    assert.match(await page.getByRole("status").filter({ hasText: "was deleted" }).textContent(), /hostile-asset was deleted/);
    assert.equal(await apiStatus("hostile-asset", "1.0.0"), 404);

    assert.deepEqual(context.foreign, [], "no request to any host but agora");
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("a publisher", () => {
  it("publishes a RAML API from the form, after reading and fixing its error, and promotes it", async () => {
    const { context, page, errors } = await signedIn(CURATOR);
    const raml = (type) => ({ name: "shipping.raml", mimeType: "application/raml+yaml", buffer: Buffer.from(
      `#%RAML 1.0\ntitle: Shipping\n/shipments:\n  get:\n    responses:\n      200:\n        body:\n          application/json:\n            type: ${type}\n`) });
    await page.goto("/exchange/");
    await page.getByRole("link", { name: "Publish", exact: true }).click();
    await page.getByLabel("Asset id").fill("shipping-api");
    await page.getByLabel("Version", { exact: true }).fill("1.0.0");
    await page.getByLabel("Kind of asset").selectOption("raml");
    await page.getByLabel("Name", { exact: true }).fill("Shipping API");
    await page.getByLabel("API version").fill("v1");
    // A dependency picked by searching, not typed.
    await page.getByLabel("Find an asset to depend on").fill("order data");
    await page.getByRole("button", { name: "Add Order data types 1.0.0" }).click();
    assert.equal(await page.getByLabel("Dependencies", { exact: true }).inputValue(), `${catalogue.acme}:order-data-types:1.0.0`);
    assert.match(await page.locator("#dependency-added").textContent(), /^Added .*:order-data-types:1\.0\.0 to the dependencies\.$/);
    await page.getByRole("group", { name: "Business domain" }).getByLabel("Sales").check();
    await page.getByRole("group", { name: "Business domain" }).getByLabel("Finance").check();
    await page.getByLabel("Owner team").fill("Logistics");
    await page.getByLabel("Specification or package").setInputFiles(raml("Parcel"));
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor({ timeout: 30000 });  // uploaded, then the publication's steps, then its refusal
    assert.match(await alert.textContent(), /The publication was refused\..*shipping\.raml:\d+:\d+: /s);
    assert.equal(await page.getByLabel("Name", { exact: true }).inputValue(), "Shipping API", "what was entered is kept");
    assert.ok(await page.getByRole("group", { name: "Business domain" }).getByLabel("Finance").isChecked(), "the categories too");
    assert.equal(await apiStatus("shipping-api", "1.0.0"), 404);
    await page.getByLabel("Specification or package").setInputFiles(raml("object"));
    await page.getByLabel(/^In development/).check();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "was published" }).waitFor({ timeout: 30000 });
    assert.equal(new URL(page.url()).pathname, versionPath("shipping-api", "1.0.0"));
    const published = (await agora.api("GET", `/exchange/api/v2/assets/${catalogue.acme}/shipping-api/1.0.0`)).json();
    assert.deepEqual([published.name, published.type, published.status], ["Shipping API", "rest-api", "development"]);
    // Then promoted to stable from its page.
    await submit(page, page.getByRole("region", { name: "Manage this version" }).getByRole("button", { name: "Promote to stable" }));
    assert.equal(await apiStatus("shipping-api", "1.0.0"), "published");
    assert.deepEqual(published.categories.map((c) => [c.key, c.value]), [["domain", ["Sales", "Finance"]]]);
    assert.deepEqual(published.dependencies.map((d) => `${d.assetId}:${d.version}`), ["order-data-types:1.0.0"]);
    assert.deepEqual(published.customFields.map((f) => [f.key, f.value]), [["owner", "Logistics"]]);
    assert.deepEqual(context.foreign, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("a viewer", () => {
  it("sees no management control, and a forged post changes nothing", async () => {
    const { context, page } = await signedIn(NEWCOMER);
    await page.goto(versionPath("customer-soap-service", "1.0.0"));
    assert.equal(await page.getByRole("region", { name: "Manage this version" }).count(), 0);
    assert.equal(await page.locator("form[action$='/status'], form[action$='/delete'], a[href$='/delete'], a[href$='/edit']").count(), 0);
    assert.equal(await page.getByRole("link", { name: /^Publish/ }).count(), 0);

    // A form another page could have made, without the session's CSRF token.
    const forge = (fields) => page.evaluate(({ action, fields }) => {
      const form = document.createElement("form");
      form.method = "post";
      form.action = action;
      for (const [name, value] of Object.entries(fields)) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
      form.submit();
    }, { action: `${versionPath("customer-soap-service", "1.0.0")}status`, fields });
    let [response] = await Promise.all([page.waitForNavigation(), forge({ status: "deprecated" })]);
    assert.equal(response.status(), 403);
    assert.match(await page.locator("main").textContent(), /Nothing was changed/);
    assert.equal(await apiStatus("customer-soap-service", "1.0.0"), "published");

    // With the viewer's own token the form is genuine, and the API's role check refuses it.
    await page.goto(versionPath("customer-soap-service", "1.0.0"));
    const csrf = await page.locator("input[name=csrf]").first().inputValue();
    [response] = await Promise.all([page.waitForNavigation(), forge({ status: "deprecated", csrf })]);
    assert.equal(response.status(), 403);
    assert.match(await page.getByRole("alert").textContent(), /Deprecating version 1\.0\.0 was refused.*may not/s);
    assert.equal(await apiStatus("customer-soap-service", "1.0.0"), "published");
    assert.equal((await page.goto(`${versionPath("customer-soap-service", "1.0.0")}delete`)).status(), 403);
    assert.equal((await page.goto(`${versionPath("customer-soap-service", "1.0.0")}edit`)).status(), 403);
    assert.equal((await page.goto("/exchange/-/publish")).status(), 403);
    assert.deepEqual(context.foreign, []);
    await context.close();
  });
});
