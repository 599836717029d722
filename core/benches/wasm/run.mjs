// Times the engine compiled to WebAssembly (core/benches/wasm/src/lib.rs) in Node:
//   node core/benches/wasm/run.mjs PATH.wasm [NODES] [REPS]
// Prints the median and fastest of REPS runs (default 5) of load, Analysis::new and check,
// in the same layout as the native example check_generated. See docs/benchmarks.md.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

const [path, nodesArg = "10000", repsArg = "5"] = process.argv.slice(2);
if (!path) {
  console.error("usage: node wasm_bench.mjs PATH.wasm [NODES] [REPS]");
  process.exit(2);
}
const nodes = Number(nodesArg);
const reps = Math.max(1, Number(repsArg));
const { instance } = await WebAssembly.instantiate(readFileSync(path), {});
const e = instance.exports;

const ms = (x) => `${x.toFixed(2).padStart(9)} ms`;
function time(label, f, setup = () => {}) {
  const times = [];
  let result;
  for (let i = 0; i < reps; i++) {
    setup();
    const start = performance.now();
    result = f();
    times.push(performance.now() - start);
    e.fm_release();
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(22)} ${ms(times[Math.floor(times.length / 2)])} ${ms(times[0])}`);
  return result;
}

let start = performance.now();
const bytes = e.fm_generate(nodes);
console.log(
  `wasm: ${nodes} nodes, ${(bytes / 2 ** 20).toFixed(1)} MiB of JSON; generated in ` +
    `${(performance.now() - start).toFixed(2)} ms; node ${process.version}`,
);
const at = e.fm_model_sha256(); // may grow the memory: read the buffer after the call
const hash = new TextDecoder().decode(new Uint8Array(e.memory.buffer, at, 64));
console.log(`model sha256: ${hash}`);
console.log(`${"step".padEnd(22)} ${"median".padStart(12)} ${"fastest".padStart(12)}`);
time("load (bytes → Model)", () => e.fm_load());
time("Analysis::new", () => e.fm_analysis());
const findings = time("check (all rules)", () => e.fm_check());
time("check, today (app)", () => e.fm_check_today());
time("session::checked", () => e.fm_session_checked(), () => e.fm_session_prepare());
time("session::check (app)", () => e.fm_session_check());
e.fm_live_check(); // fills its cache
e.fm_release();
time("Live::check (app)", () => e.fm_live_check());
console.log(`findings: ${findings}; wasm memory: ${(e.memory.buffer.byteLength / 2 ** 20).toFixed(0)} MiB`);
