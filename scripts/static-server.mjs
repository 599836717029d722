// A tiny static file server (no dependencies) for testing dist/ as a static host would serve it:
// under a path PREFIX (so an absolute asset URL shows up as a 404), with correct content types
// (application/wasm for streaming compilation) and, optionally, a strict Content-Security-Policy.
//
//   node scripts/static-server.mjs [DIR=dist] [PREFIX=/flowmap/] [PORT=8081]
//
// Tests import startStaticServer() and listen on port 0 (any free port).

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".webmanifest": "application/manifest+json",
};

// What the app must run under: no inline script or style, no other origin.
export const STRICT_CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Serves `root` under `prefix` on 127.0.0.1.
 * @returns {Promise<{url: string, server: import('node:http').Server, close: () => Promise<void>}>}
 */
export async function startStaticServer({
  root,
  prefix = "/",
  port = 0,
  host = "127.0.0.1",
  csp = null,
} = {}) {
  const base = resolve(root);
  if (!prefix.startsWith("/") || !prefix.endsWith("/")) {
    throw new Error(`prefix must start and end with "/": ${prefix}`);
  }

  const server = createServer(async (req, res) => {
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
      const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
      if (path === prefix.slice(0, -1)) {
        res.writeHead(301, { location: prefix });
        return res.end();
      }
      if (!path.startsWith(prefix)) return send(404, `not found (outside ${prefix})\n`);
      let file = resolve(base, "." + path.slice(prefix.length - 1));
      if (file !== base && !file.startsWith(base + sep)) return send(403, "forbidden\n");
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = join(file, "index.html");
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return send(404, "not found\n");
      const body = await readFile(file);
      const headers = {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-length": body.length,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      };
      if (csp && extname(file) === ".html") headers["content-security-policy"] = csp;
      res.writeHead(200, headers);
      res.end(req.method === "HEAD" ? undefined : body);
    } catch (err) {
      send(500, `${err}\n`);
    }
  });

  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, ok);
  });
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}${prefix}`,
    server,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [root = "dist", prefix = "/flowmap/", port = "8081"] = process.argv.slice(2);
  const { url } = await startStaticServer({ root, prefix, port: Number(port), csp: STRICT_CSP });
  console.log(`Serving ${root} at ${url}`);
}
