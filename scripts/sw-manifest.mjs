// Trunk post_build hook (Trunk.toml, [[hooks]]): writes this build's file list and build hash
// into the service worker and the version into index.html.
//
//   node scripts/sw-manifest.mjs [DIR]      DIR: $TRUNK_STAGING_DIR (set by Trunk), else dist/
//
// - sw.js: the line `const BUILD = …;` becomes { version, build, files }: files are every file
//   of the build but sw.js itself (index.html, boot.js, the hashed .js/.wasm/.css, …), relative
//   to sw.js; build is the first 16 hex digits of a SHA-256 over their names and contents, so any
//   change to any file makes a new sw.js, which is how browsers notice a new version.
// - index.html: data-flowmap-version (the workspace version), data-flowmap-build and
//   data-flowmap-sw ("on" in release builds, "off" in debug ones: `trunk serve` gets no service
//   worker) on boot.js's script tag; boot.js shows the version and registers the worker.
//
// - sw.js and boot.js: whole-line comments are left out (bundle budget).
//
// Idempotent: run it again on a built directory (after changing a file there) and it computes
// the new build from the files as they are (tests/e2e/offline.test.mjs simulates a deploy so).

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? join(ROOT, "dist");
const release = (process.env.TRUNK_PROFILE ?? "release") === "release";

function fail(message) {
  console.error(`sw-manifest: ${message}`);
  process.exit(1);
}

function walk(d) {
  return readdirSync(d).flatMap((name) => {
    if (name.startsWith(".")) return []; // .trunk-lock, .stage, editor files
    const path = join(d, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const version = (() => {
  const toml = readFileSync(join(ROOT, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[workspace\.package\]\s*$/m)[1] ?? "";
  return section.match(/^version\s*=\s*"([^"]+)"/m)?.[1] ?? fail("no version in [workspace.package]");
})();

const indexPath = join(dir, "index.html");
const swPath = join(dir, "sw.js");
let index;
let sw;
try {
  index = readFileSync(indexPath, "utf8");
  sw = readFileSync(swPath, "utf8");
} catch (err) {
  fail(`${err.path ?? dir}: ${err.code} (is public/sw.js copied by Trunk?)`);
}

// The hand-written scripts ship without their comment lines (the sources in public/ keep them):
// they count towards the bundle budget (scripts/budget). Whole-line `//` comments only, so no
// string or URL is touched; idempotent.
const strip = (text) => text.split("\n").filter((line) => !line.trim().startsWith("//")).join("\n");
sw = strip(sw);
for (const name of ["boot.js"]) {
  const path = join(dir, name);
  try {
    writeFileSync(path, strip(readFileSync(path, "utf8")));
  } catch (err) {
    fail(`${path}: ${err.code}`);
  }
}

// What index.html says before this script's attributes, so the hash does not depend on a
// previous run.
const ATTRIBUTES = / data-flowmap-(?:version|build|sw)="[^"]*"/g;
const bareIndex = index.replace(ATTRIBUTES, "");

const files = walk(dir)
  .map((path) => relative(dir, path).split(sep).join("/"))
  .filter((name) => name !== "sw.js")
  .sort();
const hash = createHash("sha256");
for (const name of files) {
  const bytes = name === "index.html" ? Buffer.from(bareIndex) : readFileSync(join(dir, name));
  hash.update(`${name}\0${createHash("sha256").update(bytes).digest("hex")}\n`);
}
const build = hash.digest("hex").slice(0, 16);

const BUILD_LINE = /^const BUILD = .*;$/m;
if (!BUILD_LINE.test(sw)) fail(`${swPath} has no line \`const BUILD = …;\``);
const manifest = { version, build, files: files.map((name) => `./${name}`) };
writeFileSync(swPath, sw.replace(BUILD_LINE, `const BUILD = ${JSON.stringify(manifest)};`));

const TAG = /<script\b[^>]*\bdata-flowmap-js=[^>]*>/;
if (!TAG.test(bareIndex)) fail(`${indexPath} has no <script data-flowmap-js> (Trunk.toml pattern_script)`);
const attributes =
  ` data-flowmap-version="${version}" data-flowmap-build="${build}"` +
  ` data-flowmap-sw="${release ? "on" : "off"}"`;
writeFileSync(indexPath, bareIndex.replace(TAG, (tag) => tag.replace(/>$/, `${attributes}>`)));

console.log(
  `sw-manifest: Flowmap ${version}, build ${build}, ${files.length} files precached` +
    (release ? "" : " (debug build: service worker off)"),
);
