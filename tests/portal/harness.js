// Starts the real agora binary on a free port with a temporary data directory, talks to its API
// to seed a catalogue, and launches Debian's Chromium (never a downloaded browser) through
// playwright-core. A missing binary or browser fails the tests: nothing here skips.
"use strict";
const assert = require("node:assert/strict");
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const os = require("node:os");
const path = require("node:path");
const { chromium } = require("playwright-core");

const HERE = __dirname;
const AGORA_BIN = path.resolve(process.env.AGORA_BIN || path.join(HERE, "..", "..", "build", "agora"));
const CORPUS = path.resolve(process.env.AGORA_CORPUS_DIR || path.join(HERE, "..", "..", "..", "shared", "corpus"));
const CHROMIUM = process.env.AGORA_CHROMIUM || "/usr/bin/chromium";
// Flags that keep Chromium from reaching for outside hosts (updates, sync, QUIC probes).
const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
  "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter"];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

class Agora {
  constructor(extraArgs = []) {
    this.extraArgs = extraArgs;
    this.dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "agora-portal-"));
    this.output = "";
  }

  async start() {
    assert.ok(fs.existsSync(AGORA_BIN), `no agora binary at ${AGORA_BIN}: build it, or set AGORA_BIN`);
    for (let attempt = 0; attempt < 3; attempt++) {
      this.port = await freePort();
      this.base = `http://127.0.0.1:${this.port}`;
      this.process = spawn(AGORA_BIN, ["serve", "--data", this.dataDir, "--listen", `127.0.0.1:${this.port}`,
        ...this.extraArgs], { stdio: ["ignore", "pipe", "pipe"] });
      this.process.stdout.on("data", (d) => { this.output += d; });
      this.process.stderr.on("data", (d) => { this.output += d; });
      if (await this.waitReady()) break;
      if (!/in use/i.test(this.output) || attempt === 2) throw new Error(`agora did not start:\n${this.output}`);
    }
    this.org = /organization id: (\S+)/.exec(this.output)[1];
    this.token = /admin token: (\S+)/.exec(this.output)[1];
    return this;
  }

  async waitReady() {
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      if (this.process.exitCode !== null) return false;
      if (this.output.includes(`agora listening on ${this.base}`)) {
        try {
          if ((await fetch(this.base + "/")).ok) return true;
        } catch (_) { /* not yet */ }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.on("exit", resolve));
    this.process.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r("timeout"), 15000))]);
    if (code === "timeout") this.process.kill("SIGKILL");
    fs.rmSync(this.dataDir, { recursive: true, force: true });
    assert.equal(code, 0, `agora did not stop cleanly (${code}):\n${this.output.slice(-4000)}`);
  }

  admin(...args) {
    const input = args.length && typeof args[args.length - 1] === "object" ? args.pop().input : undefined;
    const out = execFileSync(AGORA_BIN, ["admin", ...args, "--data", this.dataDir], { input, encoding: "utf8" });
    return out.trim().split("\n").pop().trim();
  }

  createOrg(name, parent) {
    return parent ? this.admin("create-org", "--parent", parent, name) : this.admin("create-org", name);
  }

  createUser(org, username, password, role = "viewer") {
    this.admin("create-user", "--org", org, "--username", username, "--password-stdin", "--role", role,
      { input: password + "\n" });
  }

  createToken(org, role = "admin") {
    return this.admin("create-token", "--org", org, "--role", role);
  }

  async api(method, urlPath, { token = this.token, body, type, headers = {} } = {}) {
    const h = { Authorization: `bearer ${token}`, ...headers };
    if (type) h["Content-Type"] = type;
    const response = await fetch(this.base + urlPath, { method, headers: h, body });
    const text = await response.text();
    return { status: response.status, text, json: () => JSON.parse(text) };
  }

  // Publishes synchronously; `fields` are form fields, `files` {"files.raml.zip": {name, data}}.
  async publish(org, group, asset, version, fields, files = {}, { token, validate = true } = {}) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const [k, f] of Object.entries(files)) form.append(k, new Blob([f.data]), f.name);
    const headers = { "x-sync-publication": "true" };
    if (!validate) headers["x-file-validation"] = "false";
    const r = await this.api("POST", `/exchange/api/v2/organizations/${org}/assets/${group}/${asset}/${version}`,
      { token, body: form, headers });
    assert.equal(r.status, 201, `publishing ${group}:${asset}:${version}: ${r.text}`);
    return r.json();
  }

  // Writes the documentation (pages in order, images first so pages may show them) and publishes it.
  async document(group, asset, version, pages, images = {}, { token } = {}) {
    const portal = `/exchange/api/v2/assets/${group}/${asset}/${version}/portal`;
    const paths = {};
    for (const [name, data] of Object.entries(images)) {
      const form = new FormData();
      form.append(`files.${name.split(".").pop()}`, new Blob([data]), name);
      const r = await this.api("POST", `${portal}/draft/resources`, { token, body: form });
      assert.equal(r.status, 201, r.text);
      paths[name] = r.json().path;
    }
    const draft = await this.api("GET", `${portal}/draft`, { token });
    assert.equal(draft.status, 200, draft.text);
    for (const page of (await this.api("GET", `${portal}/draft/pages`, { token })).json()) {
      const r = await this.api("DELETE", `${portal}/draft/pages/${page.path}`, { token });
      assert.equal(r.status, 204, r.text);
    }
    for (const [name, markdown] of pages) {
      const text = typeof markdown === "function" ? markdown(paths) : markdown;
      const r = await this.api("PUT", `${portal}/draft/pages/${name.split("/").map(encodeURIComponent).join("/")}`,
        { token, body: text, type: "text/markdown" });
      assert.ok(r.status === 204 || r.status === 200 || r.status === 201, `page ${name}: ${r.status} ${r.text}`);
    }
    const published = await this.api("PUT", `${portal}/draft`, { token });
    assert.equal(published.status, 204, published.text);
    return paths;
  }
}

async function launchBrowser() {
  assert.ok(fs.existsSync(CHROMIUM),
    `Debian's Chromium is not at ${CHROMIUM}: run scripts/setup.sh (the browser tests need it and do not skip)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

// A browser context that may talk only to agora: every other request is aborted and recorded,
// and `foreign` must stay empty (checked by the tests).
async function offlineContext(browser, agora, options = {}) {
  const context = await browser.newContext({ baseURL: agora.base, ...options });
  context.setDefaultTimeout(10000);
  context.foreign = [];
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.origin === agora.base) return route.continue();
    context.foreign.push(route.request().url());
    return route.abort("blockedbyclient");
  });
  return context;
}

async function signIn(page, username, password) {
  await page.goto("/exchange/");
  assert.match(new URL(page.url()).pathname, /^\/exchange\/-\/login$/, "an anonymous visitor gets the sign-in page");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname === "/exchange/");
}

function corpusFile(...parts) {
  return fs.readFileSync(path.join(CORPUS, ...parts));
}

module.exports = { Agora, launchBrowser, offlineContext, signIn, corpusFile, CORPUS };
