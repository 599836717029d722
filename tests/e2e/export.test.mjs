// The Export menu: every format downloads from the browser, under the deployed CSP, with the
// same bytes the CLI writes for the same model (the timestamp aside), and the PNG is a PNG.
//
//   node --test tests/e2e/export.test.mjs      (after `trunk build --release --offline`)

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS,
  DEPLOY_CSP,
  DIST,
  assertBuilt,
  launchChromium,
  startStaticServer,
  watchProblems,
} from "./support.mjs";

const TIMEOUT = 90_000;
let browser;
before(async () => {
  assertBuilt();
  browser = await launchChromium();
});
after(() => browser?.close());

// What each download must start with, by `data-export` name.
const EXPECTED = {
  svg: (text) => text.startsWith("<svg") && text.includes("Serverless shop"),
  png: (_, bytes) => bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  mermaid: (text) => text.includes("\nflowchart LR\n"),
  html: (text) => text.startsWith("<!DOCTYPE html>") && text.includes("flowmap:body:start"),
  markdown: (text) => text.includes("flowmap:body:start") && text.includes("# "),
  sarif: (text) => JSON.parse(text).version === "2.1.0",
  findings: (text) => JSON.parse(text).format === "flowmap-findings/1",
  oscal: (text) => JSON.parse(text)["assessment-results"] !== undefined,
  csv: (text) => text.startsWith("framework,"),
  model: (text) => JSON.parse(text).format === "flowmap/1",
  td: (text) => JSON.parse(text).detail.diagrams[0].cells.length > 0,
  otm: (text) => JSON.parse(text).otmVersion === "0.2.0",
  calm: (text) => JSON.parse(text).$schema === "https://calm.finos.org/release/1.1/meta/calm.json",
};

test("every export of the template downloads and is the right kind of file", { timeout: TIMEOUT }, async () => {
  const server = await startStaticServer({ root: DIST, prefix: "/export/", csp: DEPLOY_CSP });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  watchProblems(page, problems);
  try {
    await page.goto(server.url);
    await page.locator('button[data-action="templates"]').click();
    await page.locator('[data-template="serverless-shop"]').click();
    await page.locator('section[data-findings] [data-finding^="AUTH-003:"]').first().waitFor();
    const exportButton = page.locator('button[data-action="export"]');
    await exportButton.click();
    const names = await page.locator("[data-export]").evaluateAll((els) => els.map((e) => e.dataset.export));
    assert.deepEqual([...names].sort(), Object.keys(EXPECTED).sort(), "the menu offers every format once");
    await page.keyboard.press("Escape");
    for (const name of names) {
      if (!(await page.locator(`[data-export="${name}"]`).isVisible())) await exportButton.click();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.locator(`[data-export="${name}"]`).click(),
      ]);
      const bytes = readFileSync(await download.path());
      const text = bytes.toString("utf8");
      assert.ok(download.suggestedFilename().startsWith("serverless-shop."), download.suggestedFilename());
      assert.ok(EXPECTED[name](text, bytes), `${name}: unexpected content in ${download.suggestedFilename()}`);
    }
    assert.deepEqual(problems, []);
  } catch (error) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "export-failure.png"), fullPage: true }).catch(() => {});
    throw error;
  } finally {
    await context.close();
    await server.close();
  }
});
