// Works offline after the first visit, and tells a returning visitor about a new version
// (public/sw.js, public/boot.js, scripts/sw-manifest.mjs; docs/deploy.md, "Updates").
//
//   node --test tests/e2e/offline.test.mjs      (after `trunk build --release --offline`)
//
// Serves a copy of dist/ (the test changes files in it to simulate a deploy) under a path
// prefix with the deployed CSP. "Offline" is both Playwright's network emulation and the server
// actually stopped, so nothing can come from the network however the emulation treats workers.

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import {
  ARTIFACTS,
  DEPLOY_CSP,
  DIST,
  ROOT,
  assertBuilt,
  launchChromium,
  placeNode,
  startStaticServer,
  stepper,
} from "./support.mjs";

const PREFIX = "/offline/prefix/";
const TIMEOUT = 60_000;

let copy;
let server;
let port;
let browser;
let context;
let page;
const problems = [];

const serve = async () => {
  server = await startStaticServer({ root: copy, prefix: PREFIX, csp: DEPLOY_CSP, port: port ?? 0 });
  port = server.server.address().port;
};

before(async () => {
  assertBuilt();
  copy = mkdtempSync(join(tmpdir(), "flowmap-offline-"));
  cpSync(DIST, copy, { recursive: true });
  await serve();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
});

after(async () => {
  await browser?.close();
  await server?.close();
  if (copy) rmSync(copy, { recursive: true, force: true });
});

const step = stepper(() => page, { timeout: TIMEOUT, prefix: "offline-", fullPage: false });

const builtWith = () => readFileSync(join(copy, "index.html"), "utf8").match(/data-flowmap-build="([0-9a-f]+)"/)?.[1];
const badge = () => page.locator(".fm-build[data-build]");

let firstBuild;

step("the first visit shows the version and installs the service worker", async () => {
  firstBuild = builtWith();
  assert.match(firstBuild ?? "", /^[0-9a-f]{16}$/, "dist/index.html carries the build hash");
  await page.goto(server.url);
  await page.locator("svg[data-canvas]").waitFor();
  assert.equal(await badge().getAttribute("data-build"), firstBuild);
  assert.match(await badge().innerText(), /^Flowmap \d+\.\d+\.\d+\S* · build [0-9a-f]{8}$/);
  // Installed (precache complete), activated, and controlling this page (clients.claim).
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === "activated");
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  assert.equal(scope, server.url, "the worker's scope is the app's folder");
  const cached = await page.evaluate(async () => {
    const names = await caches.keys();
    const cache = await caches.open(names.find((n) => n.startsWith("flowmap:")));
    return (await cache.keys()).map((r) => new URL(r.url).pathname.split("/").pop()).sort();
  });
  for (const f of ["index.html", "boot.js", "sw-banner.css"]) assert.ok(cached.includes(f), `${f} precached`);
  assert.ok(cached.some((f) => f.endsWith("_bg.wasm")), "the wasm is precached");
});

step("offline, a reload still opens the editor and it works", async () => {
  await context.setOffline(true);
  await server.close();
  await page.reload();
  await page.locator("svg[data-canvas]").waitFor();
  await page.locator('button[data-palette="service"]').waitFor();
  assert.equal(await badge().getAttribute("data-build"), firstBuild);
  // The palette works: a node is drawn and checked (findings come from the wasm, offline).
  await page.locator('button[data-action="new"]').click();
  await page.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 0);
  await placeNode(page, "service", 0.5, 0.5);
  await page.locator("section[data-findings]").waitFor();
  await page.screenshot({ path: join(ARTIFACTS, "offline.png") });
});

step("a new deploy shows the update banner; Reload switches to it", async () => {
  // The deploy: a changed file, and the post-build hook run again (new file hashes → new build
  // hash → a new sw.js, which is what the browser compares).
  appendFileSync(join(copy, "sw-banner.css"), "\n/* deploy 2 */\n");
  execFileSync(process.execPath, [join(ROOT, "scripts", "sw-manifest.mjs"), copy], { stdio: "pipe" });
  const secondBuild = builtWith();
  assert.notEqual(secondBuild, firstBuild);

  await serve();
  await context.setOffline(false);
  // A visit (reload) makes the browser check sw.js; the new worker installs and waits.
  await page.reload();
  await page.locator("svg[data-canvas]").waitFor();
  const banner = page.locator("[data-update]");
  await banner.waitFor();
  assert.match(
    (await banner.textContent()).replace(/\s+/g, " "),
    /A new version of Flowmap is available — Reload/,
  );
  await page.screenshot({ path: join(ARTIFACTS, "update-banner.png") });

  await banner.locator("[data-update-reload]").click();
  await page.waitForFunction(
    (build) => document.querySelector(".fm-build")?.dataset.build === build,
    secondBuild,
  );
  await page.locator("svg[data-canvas]").waitFor();
  assert.equal(await page.locator("[data-update]").count(), 0, "no banner once up to date");
  const caches = await page.evaluate(() => caches.keys());
  assert.equal(caches.filter((n) => n.startsWith("flowmap:")).length, 1, "the old precache is gone");
  assert.ok(caches[0].endsWith(secondBuild));
});

step("no console or page errors", () => {
  // Offline, nothing may be fetched from the network: every file came from the precache.
  assert.deepEqual(problems, []);
});
