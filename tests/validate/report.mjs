// The HTML report in headless Chromium (system Chromium, driven by playwright-core):
//
// 1. the report of the hostile model (every user string an injection payload) runs no script
//    (no dialog, no console message, no page error), makes no request (nothing but the file
//    itself is loaded), and shows the payloads as text;
// 2. the report of the example runs clean too (a wrong style hash would show up as a CSP
//    console error), and is rendered to report-example.png (full page) and report-example.pdf
//    (printed as A4 through the report's print styles): into tests/validate/artifacts/, or,
//    with UPDATE_GENERATED=1, into docs/ (the committed pictures of the README);
// 3. docs/diagram-example.svg is rendered to tests/validate/artifacts/diagram-example.png for
//    a person to look at.
//
//   node --test tests/validate/report.mjs
//   UPDATE_GENERATED=1 node --test tests/validate/report.mjs     (rewrites docs/report-example.*)
//
// The HTML comes from the committed snapshots (tests/snapshots/exports/report-*-html.snap).

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { ROOT, readSnapshot } from "./snapshots.mjs";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
const DOCS = join(ROOT, "docs");
const ARTIFACTS = join(ROOT, "tests", "validate", "artifacts");
const RENDERS = process.env.UPDATE_GENERATED ? DOCS : ARTIFACTS;

let browser;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "flowmap-report-"));
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
  });
});

after(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/// Opens a report from a file:// URL and records everything that happens on the page.
async function open(name, html, viewport = { width: 1280, height: 900 }) {
  const file = join(scratch, `${name}.html`);
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const page = await browser.newPage({ viewport });
  // Generous: full-page screenshots of a long report on a busy 2-core machine take a while.
  page.setDefaultTimeout(120_000);
  const events = [];
  page.on("dialog", async (dialog) => {
    events.push(`dialog: ${dialog.type()} ${dialog.message()}`);
    await dialog.dismiss();
  });
  page.on("console", (message) => events.push(`console ${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => events.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    if (request.url() !== url) events.push(`request: ${request.url()}`);
  });
  page.on("popup", (popup) => events.push(`popup: ${popup.url()}`));
  await page.goto(url, { waitUntil: "load" });
  // Give anything that might run late (an onload, a timer) the chance to show itself.
  await page.waitForTimeout(300);
  return { page, events };
}

test("the listeners catch a script and a request when there are some", async () => {
  const { page, events } = await open(
    "control",
    '<!DOCTYPE html><p onmouseover="x">x</p><script>console.log("ran"); alert(1)</script><img src="https://example.invalid/x.png">',
  );
  await page.close();
  assert.ok(events.some((e) => e.startsWith("dialog:")), events.join("\n"));
  assert.ok(events.some((e) => e.startsWith("console log: ran")), events.join("\n"));
  assert.ok(events.some((e) => e.startsWith("request: https://example.invalid/")), events.join("\n"));
});

test("the hostile model's report runs no script and makes no request", async () => {
  const { page, events } = await open("hostile", readSnapshot("report-hostile-html"));
  // Move the mouse over every cell, so that an injected onmouseover would fire.
  for (const cell of (await page.locator("td").all()).slice(0, 60)) {
    await cell.hover({ timeout: 2000 }).catch(() => {});
  }
  await page.waitForTimeout(200);
  assert.deepEqual(events, [], events.join("\n"));
  const counts = await page.evaluate(() => ({
    scripts: document.querySelectorAll("script").length,
    images: document.querySelectorAll("img, image, iframe, object, embed").length,
    handlers: [...document.querySelectorAll("*")].filter((e) =>
      [...e.attributes].some((a) => a.name.startsWith("on")),
    ).length,
    links: [...document.querySelectorAll("a")].filter((a) => !a.getAttribute("href").startsWith("#")).length,
    styles: document.querySelectorAll("style").length,
    svgs: document.querySelectorAll("svg").length,
  }));
  assert.deepEqual(counts, { scripts: 0, images: 0, handlers: 0, links: 0, styles: 1, svgs: 1 });
  // The payloads are there, as text.
  const text = await page.locator("body").innerText();
  for (const payload of [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</style><script>alert(2)</script>",
    "javascript:alert(1)",
    "[U+202E]gnp.exe",
    "<!-- flowmap:body:end -->",
  ]) {
    assert.ok(text.includes(payload), `payload not shown as text: ${payload}`);
  }
  await page.screenshot({ path: join(ARTIFACTS, "report-hostile.png"), fullPage: true });
  await page.close();
});

test("the example's report renders clean to report-example.png and .pdf", async () => {
  const { page, events } = await open("example", readSnapshot("report-example-html"));
  assert.deepEqual(events, [], events.join("\n"));
  // Styles applied: the CSP's style hash matches the <style> element.
  const cover = await page.locator("header.cover").evaluate((e) => getComputedStyle(e).backgroundImage);
  assert.match(cover, /gradient/, "the report's styles did not apply");
  mkdirSync(RENDERS, { recursive: true });
  await page.screenshot({ path: join(RENDERS, "report-example.png"), fullPage: true });
  await page.emulateMedia({ media: "print" });
  await page.pdf({
    path: join(RENDERS, "report-example.pdf"),
    printBackground: true,
    preferCSSPageSize: true,
  });
  await page.close();
});

test("the example diagram renders", async () => {
  const svg = readFileSync(join(DOCS, "diagram-example.svg"), "utf8");
  const { page, events } = await open(
    "diagram",
    `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">${svg}</body></html>`,
    { width: 1600, height: 1000 },
  );
  assert.deepEqual(events, [], events.join("\n"));
  const box = await page.locator("svg").first().boundingBox();
  assert.ok(box.width > 800 && box.height > 500, `diagram is ${box.width}×${box.height}`);
  await page.locator("svg").first().screenshot({ path: join(ARTIFACTS, "diagram-example.png") });
  await page.close();
});
