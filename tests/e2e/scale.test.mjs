// The editor with a model too large to draw element by element (docs/benchmarks.md, "Editor at
// scale"): zoomed out it is an overview sketch that can still be edited, wheel zoom moves the
// drawing by compositing and then redraws it, and zoomed in only what is near the view is
// drawn. Runs against the release build in dist/ under the deployed CSP.

import { after, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ARTIFACTS,
  DEPLOY_CSP,
  DIST,
  assertBuilt,
  drag,
  launchChromium,
  startStaticServer,
  stepper,
  watchProblems,
} from "./support.mjs";

const TIMEOUT = 60_000;
const COLUMNS = 30;
const ROWS = 20;
const NODES = COLUMNS * ROWS;

let server;
let browser;
let page;
const problems = [];

// A grid of services and stores, each sending personal data to the next (every third flow
// unencrypted, so that findings colour the sketch).
function gridModel() {
  const nodes = [];
  const flows = [];
  const layout = { nodes: {} };
  for (let i = 0; i < NODES; i++) {
    const id = `n-${i}`;
    nodes.push({ id, name: `Component ${i}`, kind: i % 2 ? "store" : "service" });
    layout.nodes[id] = { x: (i % COLUMNS) * 240, y: Math.floor(i / COLUMNS) * 128 };
    if (i + 1 < NODES) {
      flows.push({
        id: `f-${i}`,
        name: `step ${i}`,
        from: id,
        to: `n-${i + 1}`,
        data: ["personal"],
        encrypted: i % 3 !== 0,
      });
    }
  }
  return { format: "flowmap/1", name: "Grid estate", nodes, flows, layout };
}

before(async () => {
  assertBuilt();
  server = await startStaticServer({ root: DIST, prefix: "/scale/", csp: DEPLOY_CSP });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(20_000);
  watchProblems(page, problems);
  await page.goto(server.url);
  await page.locator("svg[data-canvas] g[data-node]").first().waitFor();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const step = stepper(() => page, { timeout: TIMEOUT });

// The drawn view: the canvas group's `translate(x y) scale(z)`.
const drawnView = () =>
  page.evaluate(() => {
    const g = document.querySelector("svg[data-canvas] > g[transform]");
    const [, x, y, zoom] = g
      .getAttribute("transform")
      .match(/translate\(([-\d.]+) ([-\d.]+)\) scale\(([-\d.]+)\)/)
      .map(Number);
    return { x, y, zoom };
  });

// Where a node's centre is on screen (nodes are 160 × 64, placed by their top-left corner).
async function screenCentre(model, id) {
  const view = await drawnView();
  const board = await page.locator(".board").boundingBox();
  const at = model.layout.nodes[id];
  return {
    x: board.x + view.x + (at.x + 80) * view.zoom,
    y: board.y + view.y + (at.y + 32) * view.zoom,
  };
}

const sketchColours = () =>
  page.locator("svg[data-canvas] .node-sketch path").evaluateAll((ps) => ps.map((p) => p.dataset.flag));
const paneTransforms = () =>
  page.locator(".pane").evaluateAll((panes) => panes.map((p) => getComputedStyle(p).transform));

const model = gridModel();

step("a large model opens zoomed out as an overview sketch", async () => {
  await page.locator("input[type=file][data-open]").setInputFiles({
    name: "grid.flowmap.json",
    mimeType: "application/json",
    buffer: Buffer.from(JSON.stringify(model)),
  });
  await page.locator(".model-title", { hasText: "Grid estate" }).waitFor();
  await page.locator("[data-finding]").first().waitFor();
  const view = await drawnView();
  assert.ok(view.zoom < 0.4, `fit zoom ${view.zoom} is an overview`);
  assert.equal(await page.locator("svg[data-canvas] g[data-node]").count(), 0, "no element per node");
  assert.equal(await page.locator("svg[data-canvas] g[data-flow]").count(), 0, "no element per flow");
  const colours = await sketchColours();
  assert.ok(colours.length >= 2, `nodes sketched by kind and colour: ${colours}`);
  assert.ok(colours.some((c) => c !== "plain"), "findings colour the sketch");
  assert.ok((await page.locator("svg[data-canvas] .flow-sketch path").count()) >= 1);
  await page.screenshot({ path: join(ARTIFACTS, "scale-overview.png") });
});

step("a press on a sketched node selects it and a drag moves it", async () => {
  const id = "n-45";
  const from = await screenCentre(model, id);
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 30, from.y + 10, { steps: 4 });
  // While it moves, the node is an element on the live layer, not in the sketch.
  await page.locator(`.live-canvas g[data-node="${id}"]`).waitFor();
  await page.mouse.move(from.x + 60, from.y + 20, { steps: 4 });
  await page.mouse.up();
  await page.locator(".live-canvas g[data-node]").first().waitFor({ state: "detached" });
  assert.match(await page.locator("aside[data-inspector]").innerText(), new RegExp(`\\b${id}\\b`));
  assert.ok((await sketchColours()).includes("selected"), "the selection has a colour of its own");
  // Saved, the node is where it was dropped.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('button[data-action="save"]').click(),
  ]);
  const saved = JSON.parse(readFileSync(await download.path(), "utf8"));
  const zoom = (await drawnView()).zoom;
  const moved = saved.layout.nodes[id].x - model.layout.nodes[id].x;
  assert.ok(Math.abs(moved - 60 / zoom) <= 16 + 1, `moved ${moved} canvas units for 60 px at ${zoom}`);
  // One undo step puts it back.
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelector('button[data-action="redo"]').disabled === false);
});

step("wheel zoom composites at once and redraws when it rests", async () => {
  const before = await drawnView();
  const board = await page.locator(".board").boundingBox();
  await page.mouse.move(board.x + board.width / 2, board.y + board.height / 2);
  await page.keyboard.down("Control");
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -120);
  await page.keyboard.up("Control");
  // The zoom shown follows the wheel at once.
  const shown = Number((await page.locator(".zoom-level").innerText()).replace("%", ""));
  assert.ok(shown > Math.round(before.zoom * 100), `zoom shown ${shown}% after zooming in`);
  // Once the gesture rests, the canvas is drawn at the new view and no longer transformed.
  await page.waitForFunction(
    (z) => {
      const g = document.querySelector("svg[data-canvas] > g[transform]");
      return Number(/scale\(([-\d.]+)\)/.exec(g.getAttribute("transform"))[1]) > z;
    },
    before.zoom,
  );
  await page.waitForFunction(() =>
    [...document.querySelectorAll(".pane")].every((p) => getComputedStyle(p).transform === "none"),
  );
  assert.deepEqual(await paneTransforms(), ["none", "none"]);
});

step("zoomed in, every element near the view is drawn in full, and only those", async () => {
  for (let i = 0; i < 12; i++) await page.keyboard.press("+");
  await page.locator("svg[data-canvas] g[data-node] .node-name").first().waitFor();
  const drawn = await page.locator("svg[data-canvas] g[data-node]").count();
  assert.ok(drawn > 0 && drawn < NODES / 2, `${drawn} of ${NODES} nodes drawn near the view`);
  assert.equal(await page.locator("svg[data-canvas] .node-sketch path").count(), 0);
  assert.ok((await page.locator("svg[data-canvas] g[data-flow] .flow-label").count()) > 0, "labels drawn");
  // Fit shows the whole model again as a sketch.
  await page.locator('button[data-action="zoom-fit"]').click();
  await page.locator("svg[data-canvas] .node-sketch path").first().waitFor();
  assert.equal(await page.locator("svg[data-canvas] g[data-node]").count(), 0);
});

step("no console errors, page errors or failed requests", () => {
  assert.deepEqual(problems, []);
});
