// Open imports other tools' models: a Threat Dragon file (written by Threat Dragon's authors,
// tests/fixtures/import/SOURCES.md) shows its import report in a dialog before the model
// replaces the current one; Cancel keeps the current work, Open is one undo step, and a file
// that is not a model of any known tool gets a located error and loses nothing.
//
//   node --test tests/e2e/import.test.mjs      (after `trunk build --release --offline`)
//   FLOWMAP_SCREENSHOTS=1 …                    also saves artifacts/import-dialog.png

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
const FIXTURES = join(ROOT, "tests/fixtures/import");
let browser, server, context, page;
const problems = [];
const step = stepper(() => page, { timeout: TIMEOUT, prefix: "import-" });

before(async () => {
  assertBuilt();
  browser = await launchChromium();
  server = await startStaticServer({ root: DIST, prefix: "/import/", csp: DEPLOY_CSP });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  watchProblems(page, problems);
});
after(async () => {
  await context?.close();
  await server?.close();
  await browser?.close();
});

const nodeCount = () => page.locator("g[data-node]").count();
const title = () => page.locator(".model-title").innerText();

async function open(name, buffer) {
  const [chooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.locator('button[data-action="open"]').click(),
  ]);
  await chooser.setFiles({ name, mimeType: "application/octet-stream", buffer });
}

step("starts with the worked example", async () => {
  await page.goto(server.url);
  await page.locator('section[data-findings] [data-finding^="AUTH-003:"]').first().waitFor();
  assert.equal(await title(), "Serverless shop");
});

step("a Threat Dragon model shows its import report; Cancel keeps the current model", async () => {
  const nodes = await nodeCount();
  await open("v2-model.json", readFileSync(join(FIXTURES, "td/v2-model.json")));
  const dialog = page.locator("[data-import-dialog]");
  await dialog.waitFor();
  assert.match(await dialog.locator("h2").innerText(), /Import from OWASP Threat Dragon/);
  const headline = await dialog.locator("[data-import-headline]").innerText();
  assert.match(headline, /^Imported v2-model\.json .* 2 nodes, 2 flows, 1 boundary/, headline);
  const rows = await dialog.locator("[data-import-report] tbody tr").count();
  assert.ok(rows >= 6, `every source element has a row (${rows})`);
  assert.ok((await dialog.locator("[data-import-threats] li").count()) > 0, "the source's threats are carried");
  if (process.env.FLOWMAP_SCREENSHOTS) {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "import-dialog.png") });
  }
  await dialog.locator('[data-import="cancel"]').click();
  await dialog.waitFor({ state: "detached" });
  assert.equal(await nodeCount(), nodes);
  assert.equal(await title(), "Serverless shop");
});

step("Open the imported model replaces the current one, one undo away", async () => {
  await open("enter-the-dragon-2.json", readFileSync(join(FIXTURES, "td/enter-the-dragon-2.json")));
  const dialog = page.locator("[data-import-dialog]");
  await dialog.locator('[data-import="open"]').click();
  await dialog.waitFor({ state: "detached" });
  await page.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 3);
  assert.equal(await page.locator("g[data-flow]").count(), 4);
  assert.equal(await page.locator("g[data-boundary]").count(), 2);
  assert.notEqual(await title(), "Serverless shop");
  // The imported model is checked live like any other.
  await page.locator("section[data-findings] [data-finding]").first().waitFor();
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelector(".model-title")?.innerText === "Serverless shop");
});

step("an OTM YAML file imports through Open too", async () => {
  await open("manual_threat_model.yaml", readFileSync(join(FIXTURES, "otm/manual_threat_model.yaml")));
  const dialog = page.locator("[data-import-dialog]");
  await dialog.waitFor();
  assert.match(await dialog.locator("h2").innerText(), /Open Threat Model/);
  await dialog.locator('[data-import="open"]').click();
  await page.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 3);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelector(".model-title")?.innerText === "Serverless shop");
});

// Every other importer runs through Open the same way: the dialog's headline counts what the
// canvas then draws.
for (const [file, title] of [
  ["threagile/stub.yaml", /Threagile/],
  ["pytm/output.json", /pytm/],
  ["calm/api-gateway-architecture.json", /FINOS CALM/],
  ["cfn/sns-sqs-fanout.yaml", /CloudFormation/],
  ["terraform/checkov-plan.tfplan.json", /Terraform/],
]) {
  step(`${file} imports through Open`, async () => {
    await open(file.split("/")[1], readFileSync(join(FIXTURES, file)));
    const dialog = page.locator("[data-import-dialog]");
    await dialog.waitFor();
    assert.match(await dialog.locator("h2").innerText(), title);
    const headline = await dialog.locator("[data-import-headline]").innerText();
    const [, nodes, flows] = headline.match(/: (\d+) nodes?, (\d+) flows?/) ?? [];
    assert.ok(Number(nodes) > 0, headline);
    await dialog.locator('[data-import="open"]').click();
    await page.waitForFunction((n) => document.querySelectorAll("g[data-node]").length === n, Number(nodes));
    assert.equal(await page.locator("g[data-flow]").count(), Number(flows), headline);
    await page.keyboard.press("Control+z");
    await page.waitForFunction(() => document.querySelector(".model-title")?.innerText === "Serverless shop");
  });
}

step("a file of no known format gets a located error and nothing is lost", async () => {
  const nodes = await nodeCount();
  await open("broken-dragon.json", Buffer.from('{\n  "summary": { "title": "x" },\n  "detail": { "diagrams": [7] }\n}'));
  const panel = page.locator("[data-load-errors]");
  await panel.waitFor();
  assert.match(await panel.innerText(), /broken-dragon\.json/);
  assert.match(await panel.innerText(), /line 3/);
  assert.equal(await page.locator("[data-import-dialog]").count(), 0);
  assert.equal(await nodeCount(), nodes);
  await open("notes.json", Buffer.from('{"hello": "world"}'));
  await page.waitForFunction(() => /Threat Dragon/.test(document.querySelector("[data-load-errors]")?.innerText ?? ""));
  assert.equal(await nodeCount(), nodes);
});

step("no console errors, page errors or failed requests", async () => {
  assert.deepEqual(problems, []);
});
