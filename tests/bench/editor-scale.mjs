// The editor at scale, in headless Chromium: figures, not a pass/fail test (docs/benchmarks.md,
// "Editor at scale"). Opens the release build in dist/ with generated models and measures:
//
// - open: from the file being chosen (the input's change event) to the first frame painted with
//   the model drawn and its findings listed;
// - drag (1,000 nodes): one node dragged over ~120 frames with the mouse; requestAnimationFrame
//   deltas during the drag (median, p95, mean, max), then the mouse-up cost: pointerup → the next
//   frame (end of the gesture: history, re-render), and the longest task in the second after it
//   (autosave: serialising and storing the model, 400 ms after the change);
// - edit + check: Delete on the selected node → the next frame (the edit drawn), and → the
//   frame after the findings panel changed (the check after the edit has run);
// - pan and zoom (wheel, Ctrl+wheel): requestAnimationFrame deltas while wheeling.
//
//   cargo build --release -p flowmap-core --example generate_model   (once)
//   trunk build --release --offline
//   node tests/bench/editor-scale.mjs [--dist DIR] [--sizes 1000,10000] [--frames 120] [--json]
//
// Models come from `target/release/examples/generate_model N` (built if missing), ~2 flows per
// node, cached in $TMPDIR/flowmap-bench/. The page is served with the deployed CSP: the
// recorders below are injected with page.evaluate, which the CSP does not govern (it blocks the
// page's own inline scripts, not the DevTools protocol's evaluation; checked at start).

import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEPLOY_CSP, DIST, ROOT, launchChromium, startStaticServer } from "../e2e/support.mjs";

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const dist = opt("dist", DIST);
const sizes = opt("sizes", "1000,10000").split(",").map(Number);
const FRAMES = Number(opt("frames", "120"));
const asJson = args.includes("--json");
const traceFile = opt("trace", null); // a Chromium trace of the 1k drag, summarised below
const log = (...a) => (asJson ? console.error(...a) : console.log(...a));

function model(nodes) {
  const dir = join(tmpdir(), "flowmap-bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `m${nodes}.flowmap.json`);
  if (!existsSync(file)) {
    const bin = join(ROOT, "target", "release", "examples", "generate_model");
    if (!existsSync(bin)) {
      execFileSync("cargo", ["build", "--release", "--offline", "-p", "flowmap-core", "--example", "generate_model"], {
        cwd: ROOT,
        stdio: "inherit",
      });
    }
    writeFileSync(file, execFileSync(bin, [String(nodes)], { maxBuffer: 1 << 30 }));
  }
  return file;
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return {
    n: s.length,
    median: q(0.5),
    p95: q(0.95),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    max: s[s.length - 1],
  };
};
const ms = (x) => `${x.toFixed(1)} ms`;
const fmt = (s) => `median ${ms(s.median)}, p95 ${ms(s.p95)}, mean ${ms(s.mean)}, max ${ms(s.max)} (${s.n} frames)`;

// In-page instruments: rAF deltas between start/stop, long tasks, and event timestamps.
function instrument() {
  const b = (window.__bench = { deltas: [], recording: false, longtasks: [], marks: {} });
  let last = 0;
  const tick = (t) => {
    if (b.recording && last) b.deltas.push(t - last);
    last = t;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) b.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: false });
  // The first frame callback after `name` happened (frame presented ≈ that callback's time).
  b.nextFrameAfter = (name) =>
    new Promise((resolve) =>
      // performance.now(), not the callback's argument: that is the frame's start (vsync), which
      // can be earlier than the end of the work that delayed the frame.
      requestAnimationFrame(() => {
        const t = performance.now();
        b.marks[`${name}:frame`] = t;
        resolve(t);
      }),
    );
}

async function open(page, file, nodes) {
  const name = JSON.parse(readFileSync(file, "utf8")).name;
  await page.evaluate(
    ({ name, nodes }) => {
      const b = window.__bench;
      b.opened = null;
      document.addEventListener(
        "change",
        (e) => {
          if (!e.target.matches?.("input[type=file][data-open]")) return;
          const chosen = performance.now();
          const poll = () => {
            const title = document.querySelector(".model-title")?.textContent ?? "";
            // Nodes drawn as elements, or (zoomed out, thousands in view) as a sketch.
            const elements = document.querySelectorAll("svg[data-canvas] g[data-node]").length;
            const sketched = document.querySelectorAll("svg[data-canvas] .node-sketch path").length;
            const drawn = elements + sketched;
            const findings = document.querySelector("section[data-findings] [data-finding]");
            if (title.includes(name) && drawn > 0 && findings) {
              // The frame after the one whose callback saw it all: that one has painted it.
              requestAnimationFrame(() => (b.opened = { ms: performance.now() - chosen, elements, sketched, of: nodes }));
            } else {
              requestAnimationFrame(poll);
            }
          };
          requestAnimationFrame(poll);
        },
        { capture: true, once: true },
      );
    },
    { name, nodes },
  );
  await page.locator("input[type=file][data-open]").setInputFiles(file);
  await page.waitForFunction(() => window.__bench.opened, null, { timeout: 180_000, polling: 100 });
  return page.evaluate(() => window.__bench.opened);
}

// The node nearest the canvas centre whose box is fully visible, and its centre on screen:
// from the model's layout (nodes are 160 × 64, placed by their top-left corner) and the canvas
// transform, since zoomed out the canvas sketches nodes instead of drawing an element each.
async function visibleNode(page, layout) {
  return page.evaluate((layout) => {
    const board = document.querySelector(".board").getBoundingClientRect();
    const g = document.querySelector("svg[data-canvas] > g[transform]");
    const [, tx, ty, z] = g
      .getAttribute("transform")
      .match(/translate\(([-\d.]+) ([-\d.]+)\) scale\(([-\d.]+)\)/)
      .map(Number);
    const cx = board.x + board.width / 2;
    const cy = board.y + board.height / 2;
    let best = null;
    for (const [id, at] of Object.entries(layout)) {
      const r = { left: board.x + tx + at.x * z, top: board.y + ty + at.y * z, width: 160 * z, height: 64 * z };
      r.right = r.left + r.width;
      r.bottom = r.top + r.height;
      if (r.width < 4 || r.left < board.left + 40 || r.right > board.right - 200) continue;
      if (r.top < board.top + 40 || r.bottom > board.bottom - 200) continue;
      const x = r.left + r.width / 2;
      const y = r.top + r.height / 2;
      const d = Math.hypot(x - cx, y - cy);
      if (!best || d < best.d) best = { id, x, y, d, w: r.width };
    }
    return best;
  }, layout);
}

const startRecording = (page) =>
  page.evaluate(() => {
    window.__bench.deltas = [];
    window.__bench.recording = true;
    window.__bench.longtasks = [];
  });
const stopRecording = (page) =>
  page.evaluate(() => {
    window.__bench.recording = false;
    return { deltas: window.__bench.deltas, longtasks: window.__bench.longtasks };
  });
const settle = (page, ms = 800) => page.waitForTimeout(ms);

async function idleBaseline(page) {
  await startRecording(page);
  await page.waitForTimeout(1000);
  return stats((await stopRecording(page)).deltas);
}

async function drag(page, frames, layout) {
  const node = await visibleNode(page, layout);
  if (!node) throw new Error("no fully visible node to drag");
  await page.mouse.move(node.x, node.y);
  await page.mouse.down();
  await startRecording(page);
  const start = Date.now();
  for (let i = 1; i <= frames; i++) {
    await page.mouse.move(node.x + i * 1.5, node.y + Math.sin(i / 10) * 30);
    // One move per frame, as a pointer delivers them (coalesced to the frame rate).
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  const elapsed = Date.now() - start;
  const during = await stopRecording(page);
  // The drag must have picked a node up (it is drawn on the live layer while it moves).
  const lifted = await page.evaluate(() => document.querySelectorAll(".live-canvas g[data-node]").length);
  const nodesInDom = await page.evaluate(() => document.querySelectorAll("g[data-node]").length);
  if (lifted === 0) throw new Error(`the drag at (${node.x}, ${node.y}) moved no node`);
  // Mouse-up: pointerup → next frame; then the longest task in the following second (autosave).
  await page.evaluate(() => {
    const b = window.__bench;
    b.longtasks = [];
    document.addEventListener(
      "pointerup",
      () => {
        b.marks.up = performance.now();
        b.nextFrameAfter("up");
      },
      { capture: true, once: true },
    );
  });
  await page.mouse.up();
  await page.waitForFunction(() => window.__bench.marks["up:frame"]);
  await page.waitForTimeout(1200);
  const up = await page.evaluate(() => {
    const b = window.__bench;
    const after = b.longtasks.filter((t) => t.start >= b.marks.up);
    return {
      frame: b.marks["up:frame"] - b.marks.up,
      longest: Math.max(0, ...after.map((t) => t.duration)),
      tasks: after.length,
    };
  });
  const tasks = during.longtasks.map((t) => t.duration);
  return { node, lifted, nodesInDom, frames: stats(during.deltas), elapsed, up, longtasks: tasks.length, tasks: tasks.length ? stats(tasks) : null };
}

// Delete the selected node: an edit that changes the findings.
async function editAndCheck(page, node, nodes) {
  await page.mouse.click(node.x + FRAMES * 1.5, node.y + Math.sin(FRAMES / 10) * 30);
  await page.evaluate(() => {
    const b = window.__bench;
    document.addEventListener(
      "keydown",
      (e) => {
        if (e.key !== "Delete") return;
        b.marks.del = performance.now();
        b.nextFrameAfter("del");
        // The findings panel changes once the check after the edit has run.
        const panel = document.querySelector("section[data-findings]");
        const seen = new MutationObserver(() => {
          seen.disconnect();
          b.marks.findings = performance.now();
          b.nextFrameAfter("findings");
        });
        seen.observe(panel, { childList: true, subtree: true, characterData: true });
      },
      { capture: true, once: true },
    );
  });
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => window.__bench.marks["del:frame"] && window.__bench.marks["findings:frame"]);
  const marks = await page.evaluate(() => window.__bench.marks);
  // With nothing selected, the inspector sums the model up: "999 nodes · …".
  const summary = await page.locator("aside[data-inspector]").innerText();
  const left = Number(/([\d,]+) nodes/.exec(summary)?.[1].replace(/,/g, ""));
  await settle(page, 1200);
  return { frame: marks["del:frame"] - marks.del, findings: marks["findings:frame"] - marks.del, deleted: nodes - left };
}

async function wheel(page, { zoom, events = 60 }) {
  const box = await page.locator("svg[data-canvas]").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  if (zoom) await page.keyboard.down("Control");
  await startRecording(page);
  for (let i = 0; i < events; i++) {
    const dir = i < events / 2 ? 1 : -1;
    await page.mouse.wheel(zoom ? 0 : 40 * dir, zoom ? -40 * dir : 25 * dir);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  const rec = await stopRecording(page);
  if (zoom) await page.keyboard.up("Control");
  await settle(page, 500);
  return stats(rec.deltas);
}

// A wheel gesture in one direction, then the redraw once it rests: the longest task from the
// last wheel event until the canvas is drawn at the new view (no CSS transform left), and the
// time to the frame after that (which includes the 150 ms rest).
async function redraw(page, { zoom, events = 20 }) {
  const box = await page.locator("svg[data-canvas]").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  if (zoom) await page.keyboard.down("Control");
  for (let i = 0; i < events; i++) {
    await page.mouse.wheel(zoom ? 0 : 40, zoom ? -40 : 0);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
  }
  if (zoom) await page.keyboard.up("Control");
  const result = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const b = window.__bench;
        b.longtasks = [];
        const start = performance.now();
        const poll = () => {
          const still = [...document.querySelectorAll(".pane")].every((p) => getComputedStyle(p).transform === "none");
          if (!still) return requestAnimationFrame(poll);
          requestAnimationFrame(() =>
            resolve({
              frame: performance.now() - start,
              longest: Math.max(0, ...b.longtasks.map((t) => t.duration)),
            }),
          );
        };
        requestAnimationFrame(poll);
      }),
  );
  await settle(page, 500);
  return result;
}

// Total duration per event name on the renderer's main thread (nested events counted in both).
function summariseTrace(file) {
  const { traceEvents } = JSON.parse(readFileSync(file, "utf8"));
  const main = traceEvents.find((e) => e.name === "thread_name" && e.args?.name === "CrRendererMain");
  const totals = new Map();
  for (const e of traceEvents) {
    if (e.ph !== "X" || !main || e.pid !== main.pid || e.tid !== main.tid) continue;
    totals.set(e.name, (totals.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
  }
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, 14);
}

const server = await startStaticServer({ root: dist, prefix: "/bench/", csp: DEPLOY_CSP });
const browser = await launchChromium();
const results = { dist, when: new Date().toISOString(), sizes: {} };
try {
  for (const nodes of sizes) {
    const file = model(nodes);
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(server.url);
    await page.locator("svg[data-canvas]").waitFor();
    await page.evaluate(instrument);
    if (!(await page.evaluate(() => typeof window.__bench.nextFrameAfter === "function"))) {
      throw new Error("page.evaluate did not run under the CSP");
    }
    await page.locator('button[data-action="new"]').click();
    await settle(page);
    const r = { nodes, baseline: await idleBaseline(page) };
    log(`\n${nodes} nodes (${file})`);
    log(`  idle frames:        ${fmt(r.baseline)}`);
    r.open = await open(page, file, nodes);
    log(`  open:               ${ms(r.open.ms)} (${r.open.elements} node elements, ${r.open.sketched} sketch paths)`);
    await settle(page, 1500);
    if (nodes <= 2000) {
      if (traceFile) {
        await browser.startTracing(page, {
          path: traceFile,
          categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing"],
        });
      }
      r.drag = await drag(page, FRAMES, JSON.parse(readFileSync(file, "utf8")).layout.nodes);
      if (traceFile) {
        await browser.stopTracing();
        r.trace = summariseTrace(traceFile);
        log(`  trace (${traceFile}), main thread by event, total ms:`);
        for (const [name, total] of r.trace) log(`    ${name.padEnd(28)} ${total.toFixed(0)}`);
      }
      log(`  drag frames:        ${fmt(r.drag.frames)}; ${FRAMES} moves of ${r.drag.lifted} node(s) in ${r.drag.elapsed} ms`);
      if (r.drag.tasks) log(`  drag long tasks:    ${r.drag.longtasks}, ${fmt(r.drag.tasks).replace("frames", "tasks")}`);
      log(`  mouse-up → frame:   ${ms(r.drag.up.frame)}; longest task in the next second ${ms(r.drag.up.longest)}`);
      await settle(page, 1000);
      r.edit = await editAndCheck(page, r.drag.node, nodes);
      log(`  delete → frame:     ${ms(r.edit.frame)} (${r.edit.deleted} node deleted)`);
      log(`  delete → findings:  ${ms(r.edit.findings)} (the frame after the findings panel changed)`);
      // The same at 100 % zoom, where every element near the view is drawn in full.
      await page.keyboard.press("0");
      await settle(page, 1500);
      r.dragFull = await drag(page, FRAMES, JSON.parse(readFileSync(file, "utf8")).layout.nodes);
      log(`  drag at 100 %:      ${fmt(r.dragFull.frames)}; ${r.dragFull.lifted} node(s), ${r.dragFull.nodesInDom} node elements drawn`);
      log(`  mouse-up at 100 %:  ${ms(r.dragFull.up.frame)}; longest task in the next second ${ms(r.dragFull.up.longest)}`);
      await page.locator('button[data-action="zoom-fit"]').click();
      await settle(page, 1500);
    }
    r.pan = await wheel(page, { zoom: false });
    log(`  pan (wheel):        ${fmt(r.pan)}`);
    r.zoom = await wheel(page, { zoom: true });
    log(`  zoom (Ctrl+wheel):  ${fmt(r.zoom)}`);
    r.panRedraw = await redraw(page, { zoom: false });
    log(`  pan 800 px, redraw: ${ms(r.panRedraw.frame)} to the redrawn frame (150 ms rest included); longest task ${ms(r.panRedraw.longest)}`);
    r.zoomRedraw = await redraw(page, { zoom: true });
    log(`  zoom in, redraw:    ${ms(r.zoomRedraw.frame)} to the redrawn frame (150 ms rest included); longest task ${ms(r.zoomRedraw.longest)}`);
    r.errors = errors;
    if (errors.length) log(`  page errors: ${errors.join(" | ")}`);
    results.sizes[nodes] = r;
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
if (asJson) console.log(JSON.stringify(results, null, 2));
