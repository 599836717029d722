// Shared by every end-to-end test: serving dist/ under a path prefix with the strict CSP,
// launching the system Chromium, collecting problems, and the mouse gestures of the editor.

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { STRICT_CSP, startStaticServer } from "../../scripts/static-server.mjs";

export { STRICT_CSP, startStaticServer };

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DIST = process.env.FLOWMAP_DIST ?? join(ROOT, "dist");
export const ARTIFACTS = join(ROOT, "tests", "e2e", "artifacts");

// The Content-Security-Policy of a deployment, exactly as docs/deploy.md gives it to CloudFront
// and nginx (requests.test.mjs checks that the page says the same). Stricter than STRICT_CSP in
// one place: base-uri 'none'.
export const DEPLOY_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Fails early, with the command to run, when dist/ holds no build. */
export function assertBuilt(dist = DIST) {
  assert.ok(
    existsSync(join(dist, "index.html")),
    `${dist}/index.html is missing: run \`trunk build --release --offline\` first`,
  );
  mkdirSync(ARTIFACTS, { recursive: true });
}

/** The system Chromium, headless. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * Pushes onto `problems` what should never happen on a page: console errors (a CSP violation is
 * one), uncaught exceptions, failed requests (except blob: downloads, aborted once saved) and
 * HTTP errors.
 */
export function watchProblems(page, problems) {
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("requestfailed", (req) => {
    if (!req.url().startsWith("blob:")) {
      problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
    }
  });
  page.on("response", (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
}

// ---- gestures ----------------------------------------------------------------------------------

export async function centreOf(locator) {
  const box = await locator.boundingBox();
  assert.ok(box, "element has no box (not visible?)");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** A mouse drag in small steps, as a hand would do it. */
export async function drag(page, from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

const ids = (page, selector, attribute) =>
  page.locator(selector).evaluateAll(
    (els, attr) => els.map((e) => e.getAttribute(attr)).sort(),
    attribute,
  );
export const nodeIds = (page) => ids(page, "g[data-node]", "data-node");
export const flowIds = (page) => ids(page, "g[data-flow]", "data-flow");

/** Drags a palette item onto the canvas at (fx, fy), fractions of its box; the new node's id. */
export async function placeNode(page, kind, fx, fy) {
  const before = await nodeIds(page);
  const box = await page.locator("svg[data-canvas]").boundingBox();
  const target = { x: box.x + box.width * fx, y: box.y + box.height * fy };
  await drag(page, await centreOf(page.locator(`button[data-palette="${kind}"]`)), target);
  await page.waitForFunction(
    (n) => document.querySelectorAll("g[data-node]").length === n,
    before.length + 1,
  );
  const added = (await nodeIds(page)).filter((id) => !before.includes(id));
  assert.equal(added.length, 1, `one node added by dragging ${kind}`);
  return added[0];
}

/** Drags from a node's connect handle onto another node; the new flow's id. */
export async function connect(page, from, to) {
  const before = await flowIds(page);
  await page.locator(`g[data-node="${from}"]`).hover();
  const handle = page.locator(`[data-handle="${from}"]`).first();
  await handle.waitFor({ state: "visible" });
  await drag(page, await centreOf(handle), await centreOf(page.locator(`g[data-node="${to}"]`)));
  await page.waitForFunction(
    (n) => document.querySelectorAll("g[data-flow]").length === n,
    before.length + 1,
  );
  const added = (await flowIds(page)).filter((id) => !before.includes(id));
  assert.equal(added.length, 1, `one flow added from ${from} to ${to}`);
  return added[0];
}

/**
 * `step(name, fn)`: a test that saves a screenshot of the page when it fails, as
 * `ARTIFACTS/<prefix>failure-<name>.png`. `currentPage` returns the page of the moment.
 */
export function stepper(currentPage, { timeout, prefix = "", fullPage = true }) {
  return (name, fn) =>
    test(name, { timeout }, async () => {
      try {
        await fn();
      } catch (err) {
        const file = join(ARTIFACTS, `${prefix}failure-${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
        await currentPage()?.screenshot({ path: file, fullPage }).catch(() => {});
        console.error(`screenshot of the failure: ${file}`);
        throw err;
      }
    });
}
