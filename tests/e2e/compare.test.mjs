// Compare with…: the open model against another version of it, as `flowmap diff` compares two
// files. The canvas colours what was added and changed and draws what was removed as ghosts;
// the findings panel lists what the change introduces and resolves; it follows edits, compares
// with the last saved version, refuses a broken baseline with a located error, and stops.
//
//   node --test tests/e2e/compare.test.mjs      (after `trunk build --release --offline`)
//   FLOWMAP_SCREENSHOTS=1 …                     also saves artifacts/compare-view.png

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS,
  DEPLOY_CSP,
  DIST,
  ROOT,
  assertBuilt,
  launchChromium,
  startStaticServer,
  stepper,
  watchProblems,
} from "./support.mjs";

const TIMEOUT = 90_000;
let browser, server, context, page;
const problems = [];
const step = stepper(() => page, { timeout: TIMEOUT, prefix: "compare-" });

before(async () => {
  assertBuilt();
  browser = await launchChromium();
  server = await startStaticServer({ root: DIST, prefix: "/compare/", csp: DEPLOY_CSP });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  watchProblems(page, problems);
});
after(async () => {
  await context?.close();
  await server?.close();
  await browser?.close();
});

/**
 * The worked example as it was before the change under review: no SendGrid node (nor its
 * flow), a legacy CRM that the change removed, the checkout call not yet encrypted, and the
 * payment webhook authenticated.
 */
function baseline() {
  const model = JSON.parse(readFileSync(join(ROOT, "examples/serverless-shop.flowmap.json"), "utf8"));
  model.nodes = model.nodes.filter((n) => n.id !== "email-vendor");
  model.nodes.push({ id: "legacy-crm", name: "Legacy CRM", kind: "external" });
  model.flows = model.flows.filter((f) => f.to !== "email-vendor");
  model.flows.push({ id: "crm-sync", from: "customer", to: "legacy-crm", name: "CRM sync", data: ["personal"] });
  model.flows.find((f) => f.id === "checkout-call").encrypted = false;
  model.flows.find((f) => f.id === "payment-webhook").authenticated = true;
  delete model.layout.nodes["email-vendor"];
  model.layout.nodes["legacy-crm"] = { x: 60, y: 560 };
  return JSON.stringify(model, null, 2);
}

const marks = () =>
  page.locator("[data-change]").evaluateAll((els) =>
    els.map((e) => `${e.dataset.node ?? e.dataset.flow ?? e.dataset.boundary}=${e.dataset.change}`).sort(),
  );

async function compareWith(name, text) {
  await page.locator('button[data-action="compare"]').click();
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.locator('[data-compare="file"]').click(),
  ]);
  await chooser.setFiles({ name, mimeType: "application/json", buffer: Buffer.from(text) });
  assert.equal(await page.locator('[data-compare="file"]').count(), 0, "the menu closed");
}

step("opens the worked example", async () => {
  await page.goto(server.url);
  await page.locator('button[data-action="templates"]').click();
  await page.locator('[data-template="serverless-shop"]').click();
  await page.locator('section[data-findings] [data-finding^="AUTH-003:"]').first().waitFor();
  assert.equal(await page.locator("[data-compare-banner]").count(), 0, "not comparing at first");
});

step("comparing with a file colours added and changed elements and ghosts removed ones", async () => {
  await compareWith("shop-before.flowmap.json", baseline());
  const banner = page.locator("[data-compare-banner]");
  await banner.waitFor();
  await page.locator('[data-removed="legacy-crm"]').waitFor();
  assert.match(await banner.innerText(), /shop-before\.flowmap\.json/);
  const counts = await page.locator("[data-compare-counts]").innerText();
  assert.match(counts, /2 added · 2 removed · 2 changed · 0 moved/, counts);
  assert.deepEqual(await marks(), [
    "checkout-call=changed",
    "email-vendor=added",
    "payment-webhook=changed",
    "send-receipt=added",
  ]);
  const ghosts = await page.locator("[data-removed]").evaluateAll((els) => els.map((e) => e.dataset.removed).sort());
  assert.deepEqual(ghosts, ["crm-sync", "legacy-crm"]);
  assert.match(await page.locator('[data-removed="legacy-crm"] text').textContent(), /Legacy CRM/);
  // A ghost is drawn where the baseline had it, below the customer browser.
  const ghost = await page.locator('[data-removed="legacy-crm"] path').boundingBox();
  const customer = await page.locator('g[data-node="customer"] .shape').first().boundingBox();
  assert.ok(ghost.y > customer.y + customer.height, `ghost at ${JSON.stringify(ghost)}`);
  // The colours are the legend's: green for added, amber for changed.
  const stroke = (sel) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).stroke);
  assert.equal(await stroke('g[data-node="email-vendor"] .shape'), "rgb(47, 158, 68)");
  assert.equal(await stroke('g[data-flow="checkout-call"] .flow-line'), "rgb(232, 162, 0)");
});

step("the findings panel lists the findings introduced and resolved", async () => {
  const panel = page.locator("[data-compared-findings]");
  await panel.waitFor();
  const listed = (which) =>
    panel.locator(`[data-compared="${which}"]`).evaluateAll((els) => els.map((e) => e.innerText));
  const introduced = await listed("introduced");
  const resolved = await listed("resolved");
  assert.ok(introduced.some((t) => /AUTH-003/.test(t) && /Order status cache/.test(t)), introduced.join("\n"));
  assert.ok(resolved.some((t) => /ENC-001/.test(t) && /Checkout API call/.test(t)), resolved.join("\n"));
  assert.ok(resolved.some((t) => /Legacy CRM/.test(t)), "findings of the removed vendor are resolved");
  // A click looks at the introduced finding's subject.
  await panel.locator('[data-compared="introduced"]', { hasText: "AUTH-003" }).first().locator("button").click();
  await page.locator('g[data-node="orders-cache"].selected').waitFor();
  if (process.env.FLOWMAP_SCREENSHOTS) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "compare-view.png") });
  }
});

step("an edit while comparing is compared again", async () => {
  await page.locator('g[data-node="cdn"]').click();
  await page.keyboard.press("Delete");
  await page.locator('[data-removed="cdn"]').waitFor();
  await page.locator('[data-removed="page-loads"]').waitFor();
  await page.locator('[data-removed="asset-fetch"]').waitFor();
  assert.match(await page.locator("[data-compare-counts]").innerText(), /5 removed/);
  await page.keyboard.press("Control+z");
  await page.locator('[data-removed="cdn"]').waitFor({ state: "detached" });
});

step("stop comparing clears the colours, the ghosts and the panel", async () => {
  await page.locator('button[data-action="stop-compare"]').click();
  await page.locator("[data-compare-banner]").waitFor({ state: "detached" });
  assert.equal(await page.locator("[data-removed]").count(), 0);
  assert.equal(await page.locator("[data-compared-findings]").count(), 0);
  await page.waitForFunction(() => document.querySelectorAll("[data-change]").length === 0);
});

step("compares with the last saved version", async () => {
  await page.locator('button[data-action="compare"]').click();
  assert.ok(await page.locator('[data-compare="saved"]').isDisabled(), "nothing saved yet");
  await page.locator('button[data-action="compare"]').click();
  await page.locator('[data-compare="saved"]').waitFor({ state: "detached" });
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('button[data-action="save"]').click(),
  ]);
  await download.path();
  await page.locator('g[data-node="assets"]').click();
  await page.keyboard.press("Delete");
  await page.locator('g[data-node="assets"]').waitFor({ state: "detached" });
  await page.locator('button[data-action="compare"]').click();
  await page.locator('[data-compare="saved"]').click();
  await page.locator('[data-removed="assets"]').waitFor();
  assert.match(await page.locator("[data-compare-banner]").innerText(), /serverless-shop\.flowmap\.json/);
  assert.match(await page.locator("[data-compare-counts]").innerText(), /0 added · 2 removed · 0 changed/);
  await page.locator('button[data-action="stop-compare"]').click();
});

step("a broken baseline is refused with a located error, and nothing is lost", async () => {
  const before = await page.locator("g[data-node]").count();
  await compareWith("broken.flowmap.json", '{\n  "format": "flowmap/1",\n  "nodes": 3\n}');
  const problem = page.locator("[data-compare-problem]");
  await problem.waitFor();
  assert.match(await problem.innerText(), /line 3, column \d+/);
  assert.equal(await page.locator("[data-compare-banner]").count(), 0);
  assert.equal(await page.locator("g[data-node]").count(), before);
});

step("no console errors, page errors or failed requests", async () => {
  assert.deepEqual(problems, []);
});
