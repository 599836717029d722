// The editor, end to end, driven like a person would: mouse and keyboard on the real UI of the
// release build in dist/ (run `trunk build --release` first; scripts/test does), served under a
// path prefix with a strict Content-Security-Policy, in the system Chromium (playwright-core).
//
//   node --test tests/e2e/editor.test.mjs
//   FLOWMAP_SCREENSHOTS=1 node --test tests/e2e/editor.test.mjs   # also rewrites docs/editor-*.png
//
// The steps share one browser profile (IndexedDB survives reloads) and run in order. On failure,
// a screenshot of the page goes to tests/e2e/artifacts/.
//
// Selectors are the contract between the editor and this test (see the README of the issue):
// data-palette, data-canvas, data-node, data-flow, data-handle, data-inspector, data-class-option,
// data-findings, data-finding="RULE:subject", data-summary, data-count, data-action, data-open,
// data-template, data-load-errors, data-help; autosave: data-autosave-status, data-recovery.

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, readFileSync } from "node:fs";
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
const PREFIX = "/a/path/prefix/";
const TIMEOUT = 45_000;


// Where the app keeps its autosave (app/src/platform.rs: AUTOSAVE_DB, AUTOSAVE_STORE; persist.rs:
// CURRENT_KEY).
const DB = "flowmap";
const STORE = "autosave";
// The key of the document this tab edits: the URL names it (`#doc=KEY`, persist.rs).
const currentKey = () => new URL(page.url()).hash.replace(/^#doc=/, "");

let server;
let browser;
let context;
let page;
const problems = [];

function watch(p) {
  watchProblems(p, problems);
  p.on("request", (req) => {
    const url = req.url();
    if (!url.startsWith(server.url) && !url.startsWith("blob:") && !url.startsWith("data:")) {
      problems.push(`request to another origin: ${url}`);
    }
  });
}

async function newPage(ctx) {
  const p = await ctx.newPage();
  p.setDefaultTimeout(15_000);
  watch(p);
  return p;
}

before(async () => {
  assertBuilt();
  server = await startStaticServer({ root: DIST, prefix: PREFIX, csp: STRICT_CSP });
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    colorScheme: "light",
  });
  page = await newPage(context);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const step = stepper(() => page, { timeout: TIMEOUT, prefix: "editor-" });

// ---- helpers -----------------------------------------------------------------------------------

const canvas = () => page.locator("svg[data-canvas]");
const node = (id) => page.locator(`g[data-node="${id}"]`);
const flow = (id) => page.locator(`g[data-flow="${id}"]`);
const finding = (rule, subject) => page.locator(`[data-finding="${rule}:${subject}"]`);
const inspector = () => page.locator("aside[data-inspector]");
const action = (name) => page.locator(`button[data-action="${name}"]`);
const autosaveStatus = () => page.locator("[data-autosave-status]");

const ids = (selector, attribute) =>
  page.locator(selector).evaluateAll(
    (els, attr) => els.map((e) => e.getAttribute(attr)).sort(),
    attribute,
  );
const nodeIds = () => ids("g[data-node]", "data-node");
const flowIds = () => ids("g[data-flow]", "data-flow");
const findingKeys = () => ids("[data-finding]", "data-finding");

async function centreOf(locator) {
  const box = await locator.boundingBox();
  assert.ok(box, "element has no box (not visible?)");
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

// A mouse drag in small steps, as a hand would do it.
async function drag(from, to) {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

// Drags a palette item onto the canvas at (fx, fy), fractions of the canvas box; returns the new
// node's id.
async function placeNode(kind, fx, fy) {
  const before = await nodeIds();
  const box = await canvas().boundingBox();
  const target = { x: box.x + box.width * fx, y: box.y + box.height * fy };
  await drag(await centreOf(page.locator(`button[data-palette="${kind}"]`)), target);
  await page.waitForFunction(
    (n) => document.querySelectorAll("g[data-node]").length === n,
    before.length + 1,
  );
  const added = (await nodeIds()).filter((id) => !before.includes(id));
  assert.equal(added.length, 1, `one node added by dragging ${kind}`);
  return added[0];
}

// Drags from a node's connect handle onto another node; returns the new flow's id.
async function connect(from, to) {
  const before = await flowIds();
  await node(from).hover();
  const handle = page.locator(`[data-handle="${from}"]`).first();
  await handle.waitFor({ state: "visible" });
  await drag(await centreOf(handle), await centreOf(node(to)));
  await page.waitForFunction(
    (n) => document.querySelectorAll("g[data-flow]").length === n,
    before.length + 1,
  );
  const added = (await flowIds()).filter((id) => !before.includes(id));
  assert.equal(added.length, 1, `one flow added from ${from} to ${to}`);
  return added[0];
}

// Clicks the middle of a flow's line (its group's box centre can miss a bent line: walk the path).
async function clickFlow(id) {
  const point = await flow(id).evaluate((g) => {
    const path = g.querySelector("path");
    const svg = g.ownerSVGElement;
    const p = path.getPointAtLength(path.getTotalLength() / 2);
    const screen = new DOMPoint(p.x, p.y).matrixTransform(path.getScreenCTM());
    return { x: screen.x, y: screen.y, svg: !!svg };
  });
  await page.mouse.click(point.x, point.y);
}

// Waits until the autosave holds what is shown (status "Saved", or "Restored" after a reload
// with no change since).
async function autosaved() {
  await page
    .locator('[data-autosave-status="saved"], [data-autosave-status="restored"]')
    .waitFor();
}

// Clicks Save and returns the downloaded file's name and parsed JSON.
async function saveFile() {
  const [download] = await Promise.all([page.waitForEvent("download"), action("save").click()]);
  const path = await download.path();
  const text = readFileSync(path, "utf8");
  return { name: download.suggestedFilename(), text, json: JSON.parse(text) };
}

// Opens bytes as a file through the toolbar's file input.
async function openFile(name, buffer) {
  await page.locator("input[type=file][data-open]").setInputFiles({
    name,
    mimeType: "application/json",
    buffer: Buffer.from(buffer),
  });
}

// What the canvas shows, to compare with a saved file.
async function screenState() {
  return { nodes: await nodeIds(), flows: await flowIds() };
}

function fileState(json) {
  return {
    nodes: json.nodes.map((n) => n.id).sort(),
    flows: (json.flows ?? []).map((f) => f.id).sort(),
  };
}

// Writes a value straight into the app's IndexedDB store (as a corrupt autosave would be).
function writeAutosave(key, value) {
  return page.evaluate(
    ({ db, store, key, value }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction(store, "readwrite");
          tx.objectStore(store).put(value, key);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { db: DB, store: STORE, key, value },
  );
}

function readAutosaveKeys() {
  return page.evaluate(
    ({ db, store }) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction(store).objectStore(store).getAllKeys();
          request.onsuccess = () => {
            open.result.close();
            resolve(request.result.map(String).sort());
          };
          request.onerror = () => reject(request.error);
        };
      }),
    { db: DB, store: STORE },
  );
}

const snapshot = (name) => page.screenshot({ path: join(ARTIFACTS, name), animations: "disabled" });

// ---- the steps ---------------------------------------------------------------------------------

let drawn; // ids of what the drawing step created
let savedBeforeReload;

step("the editor starts under a path prefix and New empties the canvas", async () => {
  await page.goto(server.url);
  await canvas().waitFor();
  await action("new").click();
  await page.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 0);
  assert.deepEqual(await flowIds(), []);
});

step("draw three nodes and two flows with the mouse", async () => {
  const actor = await placeNode("actor", 0.2, 0.35);
  const service = await placeNode("service", 0.5, 0.35);
  const store = await placeNode("store", 0.8, 0.35);
  const request = await connect(actor, service);
  const write = await connect(service, store);
  drawn = { actor, service, store, request, write };
  assert.deepEqual(await nodeIds(), [actor, service, store].sort());
  assert.deepEqual(await flowIds(), [request, write].sort());
  await snapshot("editor-drawn.png");
});

step("personal data on an unencrypted flow raises ENC-001", async () => {
  await clickFlow(drawn.write);
  await inspector().locator('[name="encrypted"]').waitFor();
  assert.equal(await inspector().locator('[name="encrypted"]').isChecked(), false);
  await inspector().locator('[data-class-option="personal"]').click();
  await finding("ENC-001", drawn.write).waitFor();
  const high = Number(await page.locator('[data-summary] [data-count="high"]').innerText());
  assert.ok(high >= 1, `ENC-001 is high; summary says ${high}`);
});

step("marking the flow encrypted clears ENC-001", async () => {
  await inspector().locator('[name="encrypted"]').check();
  await finding("ENC-001", drawn.write).waitFor({ state: "detached" });
});

step("undo brings ENC-001 back, redo clears it, undo again (keyboard)", async () => {
  await action("undo").click();
  await finding("ENC-001", drawn.write).waitFor();
  // Keyboard shortcuts act when the focus is not in a text field.
  await page.locator("body").click({ position: { x: 2, y: 2 } }).catch(() => {});
  await page.keyboard.press("Control+Shift+Z");
  await finding("ENC-001", drawn.write).waitFor({ state: "detached" });
  await page.keyboard.press("Control+z");
  await finding("ENC-001", drawn.write).waitFor();
});

step("a reload restores everything from the autosave", async () => {
  await autosaved();
  savedBeforeReload = await saveFile();
  const findingsBefore = await findingKeys();
  await page.reload();
  await canvas().waitFor();
  await node(drawn.store).waitFor();
  assert.deepEqual(await screenState(), fileState(savedBeforeReload.json));
  await finding("ENC-001", drawn.write).waitFor();
  assert.deepEqual(await findingKeys(), findingsBefore);
  const after = await saveFile();
  assert.deepEqual(after.json, savedBeforeReload.json, "the restored model equals the saved one");
});

step("a saved file loads back equal", async () => {
  const saved = savedBeforeReload;
  assert.match(saved.name, /\.json$/);
  assert.equal(saved.json.format, "flowmap/1");
  assert.deepEqual(fileState(saved.json), await screenState(), "the file holds what is drawn");
  const written = saved.json.flows.find((f) => f.id === drawn.write);
  assert.deepEqual(written.data, ["personal"]);
  assert.ok(!written.encrypted, "the undone encryption is not in the file");

  await action("new").click();
  await page.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 0);
  await openFile(saved.name, saved.text);
  await node(drawn.store).waitFor();
  assert.deepEqual(await screenState(), fileState(saved.json));
  const again = await saveFile();
  assert.deepEqual(again.json, saved.json, "open then save gives the same document");
});

step("a change made just before leaving the page is saved (pagehide)", async () => {
  const added = await placeNode("queue", 0.5, 0.75);
  await page.reload(); // no wait: the debounce has not fired, the page-hide flush must save it
  await node(added).waitFor();
  await node(drawn.store).waitFor();
});

step("the serverless template shows its expected findings", async () => {
  await action("templates").click();
  await page.locator('[data-template="serverless-shop"]').click();
  await finding("AUTH-003", "orders-cache").waitFor();
  await finding("ENC-001", "cache-update").waitFor();
  await finding("TP-002", "log-vendor").waitFor();
  const example = JSON.parse(readFileSync(EXAMPLE, "utf8"));
  assert.equal((await nodeIds()).length, example.nodes.length);
  assert.equal((await flowIds()).length, example.flows.length);
  const counts = await page.locator("[data-summary] [data-count]").allInnerTexts();
  assert.equal(counts.length, 4, "one counter per severity");
  assert.equal(await page.locator('[data-summary] [data-count="critical"]').innerText(), "1");
});

step("a broken file shows a located error and keeps the work", async () => {
  const before = await screenState();
  const findingsBefore = await findingKeys();
  await openFile("broken.flowmap.json", readFileSync(EXAMPLE).subarray(0, 400));
  const panel = page.locator("[data-load-errors]");
  await panel.waitFor();
  const text = await panel.innerText();
  assert.match(text, /broken\.flowmap\.json/);
  assert.match(text, /line \d+, column \d+/);
  assert.deepEqual(await screenState(), before, "the previous work is intact");
  assert.deepEqual(await findingKeys(), findingsBefore);
  await snapshot("editor-broken-file.png");
});

step("the help overlay opens with ? and closes with Escape", async () => {
  await page.locator("body").click({ position: { x: 2, y: 2 } }).catch(() => {});
  await page.keyboard.press("?");
  await page.locator("[data-help]").waitFor();
  await page.keyboard.press("Escape");
  await page.locator("[data-help]").waitFor({ state: "detached" });
});

step("screenshots of the template in light and dark", async () => {
  await page.locator("[data-load-errors]").getByRole("button", { name: /dismiss/i }).click()
    .catch(() => {});
  // A first visit in a fresh profile per color scheme: the app opens the template, and its
  // theme follows the system's.
  const previous = page;
  try {
    for (const scheme of ["light", "dark"]) {
      const ctx = await browser.newContext({
        viewport: { width: 1440, height: 900 },
        colorScheme: scheme,
      });
      page = await newPage(ctx);
      await page.goto(server.url);
      await finding("AUTH-003", "orders-cache").waitFor();
      await action("zoom-fit").click();
      // Look at the critical finding: its subject is selected and its witness path highlighted.
      await finding("AUTH-003", "orders-cache").click();
      await page.mouse.move(0, 0);
      await page.waitForTimeout(300);
      const file = join(ARTIFACTS, `editor-${scheme}.png`);
      await page.screenshot({ path: file, animations: "disabled" });
      if (process.env.FLOWMAP_SCREENSHOTS) {
        copyFileSync(file, join(ROOT, "docs", `editor-${scheme}.png`));
      }
      await ctx.close();
    }
  } finally {
    page = previous;
  }
});

step("a corrupt autosave is offered for download and kept until dismissed", async () => {
  await autosaved();
  // Valid JSON, not a valid model: the loader locates the error (line 3).
  const garbage = '{\n  "format": "flowmap/1",\n  "name": 42\n}\n';
  await writeAutosave(currentKey(), {
    format: "flowmap-autosave/1",
    model: garbage,
    savedAt: Date.now(),
    source: "Hand-edited",
  });
  await page.reload();
  const notice = page.locator("[data-recovery]");
  await notice.waitFor();
  assert.match(await notice.innerText(), /line 3, column \d+/);
  await snapshot("editor-recovery.png");
  // The editor starts without the unreadable model.
  assert.deepEqual(await nodeIds(), []);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    notice.locator("[data-recovery-download]").click(),
  ]);
  assert.equal(readFileSync(await download.path(), "utf8"), garbage, "the raw text, unchanged");

  // New work is saved separately and the unreadable autosave survives a reload.
  const kept = await placeNode("queue", 0.5, 0.5);
  await autosaved();
  await page.reload();
  await node(kept).waitFor();
  await page.locator("[data-recovery]").waitFor();
  assert.ok((await readAutosaveKeys()).some((k) => k.startsWith("recovery-")));

  // Dismiss deletes it; the work stays.
  await page.locator("[data-recovery] [data-recovery-dismiss]").click();
  await page.locator("[data-recovery]").waitFor({ state: "detached" });
  await page.waitForFunction(
    async ({ db, store }) => {
      const keys = await new Promise((resolve) => {
        const open = indexedDB.open(db);
        open.onsuccess = () => {
          const r = open.result.transaction(store).objectStore(store).getAllKeys();
          r.onsuccess = () => {
            open.result.close();
            resolve(r.result.map(String));
          };
        };
      });
      return !keys.some((k) => k.startsWith("recovery-"));
    },
    { db: DB, store: STORE },
  );
  await page.reload();
  await node(kept).waitFor();
  assert.equal(await page.locator("[data-recovery]").count(), 0);
});

step("a storage failure is shown, never silent", async () => {
  // A separate profile whose IndexedDB refuses every write, as a full quota does.
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await ctx.addInitScript(() => {
    IDBObjectStore.prototype.put = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  const previous = page;
  page = await newPage(ctx);
  try {
    await page.goto(server.url);
    await canvas().waitFor();
    await placeNode("service", 0.5, 0.5);
    const status = page.locator('[data-autosave-status="failed"]');
    await status.waitFor();
    assert.match(await status.innerText(), /^Autosave failed: .*(full|quota)/i);
    assert.ok(await status.isVisible());
    await snapshot("editor-autosave-failed.png");
  } finally {
    await ctx.close();
    page = previous;
  }
});

step("no console errors, page errors, failed or foreign requests", () => {
  assert.deepEqual(problems, []);
});
