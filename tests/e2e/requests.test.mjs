// No request leaves: the architecture a user draws never goes anywhere but their own browser.
// Records EVERY request the page (and its service worker) makes while a user draws with the
// mouse, opens the template, reads the findings, saves and exports, and fails on any request to
// another origin than the static server's (data: and blob: URLs are fine: they never leave).
//
//   node --test tests/e2e/requests.test.mjs      (after `trunk build --release --offline`)
//
// The scenario runs twice: under the CSP of a deployment (docs/deploy.md) — a violation is a
// console error and fails the test — and with no CSP at all, because the CSP would block a
// foreign fetch before it is ever a request: without it, what the code *tries* to reach shows.

import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS,
  DEPLOY_CSP,
  DIST,
  ROOT,
  assertBuilt,
  connect,
  launchChromium,
  placeNode,
  startStaticServer,
  watchProblems,
} from "./support.mjs";

const PREFIX = "/no/request/leaves/";
const TIMEOUT = 90_000;
const EXAMPLE = join(ROOT, "examples", "serverless-shop.flowmap.json");

let browser;
before(async () => {
  assertBuilt();
  browser = await launchChromium();
});
after(() => browser?.close());

// Same origin as the server, or a URL that never leaves the browser.
function local(url, origin) {
  return url.startsWith("data:") || url.startsWith("blob:") || new URL(url).origin === origin;
}

async function scenario(t, csp) {
  const server = await startStaticServer({ root: DIST, prefix: PREFIX, csp });
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  const requests = [];
  // The context sees the page's requests and those of its workers, service worker included.
  context.on("request", (req) => requests.push({ url: req.url(), type: req.resourceType() }));
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems = [];
  watchProblems(page, problems);
  // Every CSP violation, also those a console message might not name.
  await page.exposeBinding("__flowmapViolation", (_source, text) =>
    problems.push(`CSP violation: ${text}`),
  );
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__flowmapViolation(`${e.violatedDirective} blocked ${e.blockedURI}`),
    );
  });

  try {
    // Load the app.
    await page.goto(server.url);
    await page.locator("svg[data-canvas]").waitFor();
    await page.locator('button[data-action="new"]').click();
    await page.waitForFunction(() => document.querySelectorAll("g[data-node]").length === 0);

    // Draw: palette, drag, connect.
    const actor = await placeNode(page, "actor", 0.2, 0.35);
    const service = await placeNode(page, "service", 0.5, 0.35);
    const store = await placeNode(page, "store", 0.8, 0.35);
    await connect(page, actor, service);
    await connect(page, service, store);
    // Drag the store a little (a move, not only creation).
    const box = await page.locator(`g[data-node="${store}"]`).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 60, { steps: 8 });
    await page.mouse.up();

    // Open the template and check it: the findings are computed in the page.
    await page.locator('button[data-action="templates"]').click();
    await page.locator('[data-template="serverless-shop"]').click();
    await page.locator('section[data-findings] [data-finding="AUTH-003:orders-cache"]').waitFor();
    const example = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    assert.equal(await page.locator("g[data-node]").count(), example.nodes.length);

    // Save (a blob: download).
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.locator('button[data-action="save"]').click(),
    ]);
    assert.equal(JSON.parse(readFileSync(await download.path(), "utf8")).format, "flowmap/1");

    // Export, when the editor has an Export menu: every format it offers.
    const exportButton = page.locator('button[data-action="export"]');
    if ((await exportButton.count()) > 0) {
      await exportButton.click();
      const formats = page.locator("[data-export]");
      const n = await formats.count();
      assert.ok(n > 0, "the Export menu offers formats ([data-export])");
      for (let i = 0; i < n; i++) {
        if (i > 0) await exportButton.click();
        // Downloads themselves are export.test.mjs's to check (strictly); here only the requests
        // made while exporting matter, so a slow or missing download is reported, not fatal.
        const name = await formats.nth(i).getAttribute("data-export");
        await Promise.all([
          page
            .waitForEvent("download", { timeout: 30_000 })
            .catch(() => t.diagnostic(`export ${name}: no download within 30 s`)),
          formats.nth(i).click(),
        ]);
      }
    } else {
      t.diagnostic("no Export menu in the editor yet (button[data-action=export]): export not exercised");
    }

    // Let anything deferred (autosave, a service worker's precache) happen, then reload once.
    await page.waitForTimeout(1500);
    await page.reload();
    await page.locator('[data-finding="AUTH-003:orders-cache"]').waitFor();
    await page.waitForTimeout(500);
  } catch (err) {
    const file = join(ARTIFACTS, `requests-failure-${csp ? "csp" : "no-csp"}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`screenshot of the failure: ${file}`);
    throw err;
  } finally {
    await context.close();
    await server.close();
  }

  const foreign = requests.filter((r) => !local(r.url, origin));
  assert.deepEqual(foreign, [], "requests to another origin");
  assert.ok(requests.length >= 4, `the page's own files were requested: ${JSON.stringify(requests)}`);
  assert.deepEqual(problems, [], "console errors, CSP violations, failed requests");
  return requests;
}

test("docs/deploy.md deploys the CSP these tests use", () => {
  const doc = readFileSync(join(ROOT, "docs", "deploy.md"), "utf8");
  const given = [...doc.matchAll(/"ContentSecurityPolicy": "([^"]+)"|Content-Security-Policy "([^"]+)"/g)]
    .map((m) => m[1] ?? m[2]);
  assert.equal(given.length, 2, "the CloudFront policy and the nginx header");
  for (const csp of given) assert.equal(csp, DEPLOY_CSP);
});

test("no request leaves the origin under the deployed CSP", { timeout: TIMEOUT }, async (t) => {
  const requests = await scenario(t, DEPLOY_CSP);
  t.diagnostic(`${requests.length} requests, all to the static server or data:/blob:`);
});

test("no request leaves the origin without a CSP either", { timeout: TIMEOUT }, async (t) => {
  const requests = await scenario(t, null);
  t.diagnostic(`${requests.length} requests, all to the static server or data:/blob:`);
});
