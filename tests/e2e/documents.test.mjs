// Each document autosaves under its own key: two tabs with two models never overwrite each
// other, two tabs on the same model are told (and one can go on as a copy), a reload restores
// the tab's own document, and no template flashes before the autosave is restored.
//
//   node --test tests/e2e/documents.test.mjs      (after `trunk build --release --offline`)

import { after, before } from "node:test";
import assert from "node:assert/strict";
import {
  DEPLOY_CSP,
  DIST,
  assertBuilt,
  launchChromium,
  nodeIds,
  placeNode,
  startStaticServer,
  stepper,
  watchProblems,
} from "./support.mjs";

const TIMEOUT = 90_000;
let browser, server, context, a, b, current;
const problems = [];
const step = stepper(() => current, { timeout: TIMEOUT, prefix: "documents-" });

before(async () => {
  assertBuilt();
  browser = await launchChromium();
  server = await startStaticServer({ root: DIST, prefix: "/documents/", csp: DEPLOY_CSP });
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // Every page records whether the worked example's CloudFront node was ever drawn.
  await context.addInitScript(() => {
    window.__exampleSeen = false;
    new MutationObserver(() => {
      if (document.querySelector('g[data-node="cdn"]')) window.__exampleSeen = true;
    }).observe(document, { childList: true, subtree: true });
  });
});
after(async () => {
  await context?.close();
  await server?.close();
  await browser?.close();
});

async function newPage(url) {
  const page = await context.newPage();
  watchProblems(page, problems);
  current = page;
  await page.goto(url);
  await page.locator('[data-autosave-status]:not([data-autosave-status="starting"])').waitFor();
  return page;
}

const saved = (page) => page.locator('[data-autosave-status="saved"]').waitFor();
const docOf = (page) => new URL(page.url()).hash;

step("a first visit starts with the worked example, and the URL names its document", async () => {
  a = await newPage(server.url);
  await a.locator('g[data-node="cdn"]').waitFor();
  assert.match(docOf(a), /^#doc=doc-[0-9a-z]+$/);
});

step("a new model is a new document; a reload restores it without the example flashing", async () => {
  const example = docOf(a);
  await a.locator('button[data-action="new"]').click();
  await a.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 0);
  assert.notEqual(docOf(a), example, "New starts a document of its own");
  const queue = await placeNode(a, "queue", 0.5, 0.5);
  await saved(a);
  await a.reload();
  await a.locator(`g[data-node="${queue}"]`).waitFor();
  assert.deepEqual(await nodeIds(a), [queue]);
  assert.equal(await a.evaluate(() => window.__exampleSeen), false, "the example never showed");
});

step("a second tab on the same document is told, and so is the first", async () => {
  // Opened without a document in its URL: it restores the document saved last (the first tab's).
  b = await newPage(server.url);
  assert.deepEqual(await nodeIds(b), await nodeIds(a));
  assert.equal(docOf(b), docOf(a));
  await b.locator("[data-shared-document]").waitFor();
  await a.locator("[data-shared-document]").waitFor();
});

step("continuing as a copy separates them: two models, two autosaves", async () => {
  const first = docOf(a);
  await b.locator('[data-action="continue-as-copy"]').click();
  await b.locator("[data-shared-document]").waitFor({ state: "detached" });
  assert.notEqual(docOf(b), first);
  const second = await placeNode(b, "store", 0.3, 0.3);
  await saved(b);
  const onlyA = await nodeIds(a);
  assert.ok(!onlyA.includes(second));
  // Work in the first tab is saved to its own document, not over the copy.
  current = a;
  const third = await placeNode(a, "service", 0.7, 0.3);
  await saved(a);
  await a.reload();
  await a.locator(`g[data-node="${third}"]`).waitFor();
  assert.ok(!(await nodeIds(a)).includes(second), "the copy's node is not in the first document");
  current = b;
  await b.reload();
  await b.locator(`g[data-node="${second}"]`).waitFor();
  assert.ok(!(await nodeIds(b)).includes(third), "the first document's node is not in the copy");
  assert.equal(await b.locator("[data-shared-document]").count(), 0, "different documents: no notice");
});

step("an autosave of an older version (one key for all work) is restored too", async () => {
  const model = { format: "flowmap/1", name: "Older work", nodes: [{ id: "legacy", name: "Legacy", kind: "service" }] };
  await b.evaluate(
    (record) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open("flowmap");
        open.onsuccess = () => {
          const tx = open.result.transaction("autosave", "readwrite");
          tx.objectStore("autosave").put(record, "current");
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    { format: "flowmap-autosave/1", model: JSON.stringify(model), savedAt: Date.now() + 60_000, source: "Older work" },
  );
  const c = await newPage(server.url);
  await c.locator('g[data-node="legacy"]').waitFor();
  assert.equal(docOf(c), "#doc=current");
});

step("no console errors, page errors or failed requests", async () => {
  assert.deepEqual(problems, []);
});
