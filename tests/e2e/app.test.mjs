// Browser end-to-end test of the release build in dist/ (run `trunk build --release` first;
// scripts/test does). Serves dist/ under a path prefix with a strict Content-Security-Policy and
// drives the system Chromium with playwright-core.
//
//   node --test tests/e2e/
//
// Screenshots go to tests/e2e/artifacts/ (always the happy path; on failure, the failing page).

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS,
  DIST,
  ROOT,
  STRICT_CSP,
  assertBuilt,
  launchChromium,
  startStaticServer,
  stepper,
  watchProblems,
} from "./support.mjs";

const EXAMPLE = join(ROOT, "examples", "serverless-shop.flowmap.json");
const PREFIX = "/some/prefix/";
const TIMEOUT = 60_000;


let server;
let browser;
let page;
const problems = [];

before(async () => {
  assertBuilt();
  server = await startStaticServer({ root: DIST, prefix: PREFIX, csp: STRICT_CSP });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
  watchProblems(page, problems);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const step = stepper(() => page, { timeout: TIMEOUT });

// A full-page screenshot in tests/e2e/artifacts/ (transitions finished, so colors are final).
const snapshot = (name) =>
  page.screenshot({ path: join(ARTIFACTS, name), fullPage: true, animations: "disabled" });

const findingsText = () =>
  page.locator("section[data-findings] [data-finding]").allInnerTexts().then((t) => t.join("\n"));
const nodeCount = () => page.locator("svg[data-canvas] g[data-node]").count();

step("dist/index.html uses relative URLs and no inline script or style", () => {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  assert.doesNotMatch(html, /\b(?:src|href)="\/(?!\/)/, "absolute URL in index.html");
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
    assert.match(tag, /\bsrc=/, `inline script in index.html: ${tag}`);
  }
  assert.doesNotMatch(html, /<style\b|\sstyle=/, "inline style in index.html");
});

step("the editor starts under a path prefix", async () => {
  await page.goto(server.url);
  await page.locator("svg[data-canvas]").waitFor();
  for (const action of ["new", "open", "save", "templates", "undo", "redo", "auto-layout", "zoom-fit", "help", "theme"]) {
    await page.locator(`button[data-action="${action}"]`).waitFor();
  }
  for (const item of ["actor", "service", "store", "queue", "external", "boundary"]) {
    await page.locator(`button[data-palette="${item}"]`).waitFor();
  }
  assert.equal(await page.locator(".brand-name").innerText(), "Flowmap");
  await snapshot("start.png");
});

step("the serverless template shows live findings", async () => {
  await page.locator('button[data-action="templates"]').click();
  await page.locator('[data-template="serverless-shop"]').click();
  await page.locator("section[data-findings] [data-finding]").first().waitFor();
  assert.ok((await nodeCount()) > 5, "the template's nodes are drawn");

  const text = await findingsText();
  assert.match(text, /ENC-001/);
  assert.match(text, /AUTH-003/);

  const counts = await page.locator("[data-summary] [data-count]").allInnerTexts();
  assert.equal(counts.length, 4, "one counter per severity");
  assert.ok(counts.map(Number).reduce((a, b) => a + b, 0) > 0, `summary counts are all zero: ${counts}`);

  const titles = await page.locator(".group-name").allInnerTexts();
  const order = ["critical", "high", "medium", "low"];
  const seen = titles.map((t) => order.indexOf(t.trim().toLowerCase()));
  assert.ok(seen.every((i) => i >= 0), `unexpected group titles ${titles}`);
  assert.deepEqual(seen, [...seen].sort(), "groups go from critical to low");

  await snapshot("example-light.png");
  await page.locator('button[data-action="theme"]').click();
  await snapshot("example-dark.png");
  await page.locator('button[data-action="theme"]').click();
});

step("a broken file shows located errors and keeps the current work", async () => {
  const before = await findingsText();
  const nodes = await nodeCount();
  const truncated = readFileSync(EXAMPLE).subarray(0, 300);

  await page.locator("input[type=file][data-open]").setInputFiles({
    name: "broken.flowmap.json",
    mimeType: "application/json",
    buffer: truncated,
  });

  const panel = page.locator("[data-load-errors]");
  await panel.waitFor();
  assert.match(await panel.innerText(), /broken\.flowmap\.json/);
  assert.match(await panel.locator(".problem-location").first().innerText(), /^line \d+, column \d+$/);
  assert.equal(await nodeCount(), nodes, "the current model is still drawn");
  assert.equal(await findingsText(), before, "the previous findings are still listed");
  await snapshot("broken-file.png");
});

step("dropping a valid file opens it and clears the error", async () => {
  const model = JSON.parse(readFileSync(EXAMPLE, "utf8"));
  model.name = "Dropped shop";
  delete model.layout;
  await page.evaluate(
    ({ text, name }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([text], name, { type: "application/json" }));
      const target = document.querySelector("svg[data-canvas]");
      for (const type of ["dragenter", "dragover", "drop"]) {
        target.dispatchEvent(
          new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }),
        );
      }
    },
    { text: JSON.stringify(model, null, 2), name: "dropped.flowmap.json" },
  );
  await page.locator(".model-title", { hasText: "Dropped shop" }).waitFor();
  await page.locator("[data-load-errors]").waitFor({ state: "detached" });
  assert.ok((await nodeCount()) > 5, "a model without layout is laid out and drawn");
  assert.match(await findingsText(), /ENC-001/);
});

step("no console errors, page errors or failed requests", () => {
  assert.deepEqual(problems, []);
});
