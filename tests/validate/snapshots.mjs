// Reads the committed export snapshots (tests/snapshots/exports/*.snap, written by
// core/tests/report.rs): the validators check exactly what the Rust tests reviewed.

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const SNAPSHOTS = join(ROOT, "tests", "snapshots", "exports");
/// The snapshots of `flowmap diff` (core/tests/diff.rs, cli/tests/diff.rs).
export const DIFF_SNAPSHOTS = join(ROOT, "tests", "snapshots", "diff");

/// The content of an insta snapshot: everything after its `---` header.
export function readSnapshot(name, dir = SNAPSHOTS) {
  const text = readFileSync(join(dir, `${name}.snap`), "utf8");
  const match = text.match(/^---\n[\s\S]*?\n---\n/);
  if (!match) throw new Error(`${name}.snap has no insta header`);
  return text.slice(match[0].length);
}

/// Names (without `.snap`) of the snapshots whose name starts with `prefix`.
export function snapshotNames(prefix, dir = SNAPSHOTS) {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith(".snap"))
    .map((f) => f.slice(0, -".snap".length))
    .sort();
}
