// Mermaid's own parser accepts every Mermaid diagram Flowmap writes: the committed snapshots
// of the Mermaid export (example and hostile model), the ```mermaid blocks of the Markdown
// reports, of `flowmap diff`'s pull-request comments (example and hostile change) and of the
// committed example comment (docs/diff-example.md), plus any files named on the command line.
//
//   node --test tests/validate/mermaid.mjs            (or: node tests/validate/mermaid.mjs [FILE…])
//
// mermaid.parse needs a DOM only for DOMPurify (label sanitising): jsdom provides one, so this
// runs in plain Node, without a browser. Parsing also reports any `%%{init: …}%%` directive it
// found: there must be none (a user string must not be able to configure Mermaid).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { JSDOM } from "jsdom";
import { join } from "node:path";
import { DIFF_SNAPSHOTS, ROOT, readSnapshot, snapshotNames } from "./snapshots.mjs";

const dom = new JSDOM("<!DOCTYPE html><body></body>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

const diagrams = [];
for (const name of snapshotNames("mermaid-")) diagrams.push([name, readSnapshot(name)]);
for (const name of snapshotNames("report-").filter((n) => n.endsWith("-markdown"))) {
  const blocks = [...readSnapshot(name).matchAll(/```mermaid\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 1, `${name}: one mermaid block`);
  diagrams.push([`${name} (mermaid block)`, blocks[0][1]]);
}
const comments = snapshotNames("markdown-", DIFF_SNAPSHOTS).map((name) => [
  `diff ${name}`,
  readSnapshot(name, DIFF_SNAPSHOTS),
]);
comments.push(["docs/diff-example.md", readFileSync(join(ROOT, "docs", "diff-example.md"), "utf8")]);
for (const [name, text] of comments) {
  const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)];
  assert.equal(blocks.length, 1, `${name}: one mermaid block`);
  diagrams.push([`${name} (mermaid block)`, blocks[0][1]]);
}
for (const file of process.argv.slice(2)) diagrams.push([file, readFileSync(file, "utf8")]);

test("there is something to validate", () => {
  assert.ok(diagrams.length >= 7, `only ${diagrams.length} diagrams found`);
});

test("the validator rejects a broken diagram", async () => {
  await assert.rejects(mermaid.parse('flowchart LR\n  n0["a"b"] -->|"x| n1\n'));
});

for (const [name, text] of diagrams) {
  test(`Mermaid parses ${name}`, async () => {
    const result = await mermaid.parse(text);
    assert.equal(result.diagramType, "flowchart-v2");
    assert.deepEqual(result.config, {}, "no directive may reach Mermaid's configuration");
  });
}
