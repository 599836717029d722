// Flowmap's service worker: the editor opens offline after one visit, and a returning visitor
// learns of a new version (boot.js shows the banner; docs/deploy.md, "Updates").
//
// - install: precache this build's own files (the list below), revalidating each one;
// - fetch: the precached files cache-first; page loads (navigations) network-first, falling
//   back to the cached index.html when the network fails;
// - a new build has a new list and build hash, so this file changes and the browser installs the
//   new worker beside the old one; it waits until the page asks it to take over (SKIP_WAITING,
//   when the user clicks Reload) or every tab of the old version is closed.
//
// The line below is written at build time by scripts/sw-manifest.mjs (a Trunk post_build hook):
// { version, build, files } with files relative to this script. null: not a built copy, the
// worker does nothing.
const BUILD = null;

const SCOPE = self.registration.scope;
// Caches are per origin: the scope keeps two deployments on one origin (/a/, /b/) apart.
const PREFIX = `flowmap:${SCOPE}:`;
const CACHE = BUILD && `${PREFIX}${BUILD.build}`;
const INDEX = new URL("index.html", self.location).href;

self.addEventListener("install", (event) => {
  if (!BUILD) return;
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      // "no-cache": revalidate with the server, so a stale HTTP-cached index.html (a host that
      // caches it for minutes) never ends up in the precache of a newer build.
      cache.addAll(BUILD.files.map((f) => new Request(new URL(f, self.location), { cache: "no-cache" }))),
    ),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      // The first version takes control of the page that installed it (no reload needed);
      // later versions get here only after SKIP_WAITING or once the old tabs are gone.
      if (BUILD) await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data?.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  if (!BUILD) return;
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(SCOPE)) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

async function navigate(request) {
  try {
    const response = await fetch(request);
    // A CDN that cannot reach its origin answers 5xx: the cached app is better than that.
    if (response.status < 500) return response;
    return (await cached(INDEX)) ?? response;
  } catch (err) {
    const fallback = await cached(INDEX);
    if (fallback) return fallback;
    throw err;
  }
}

async function cacheFirst(request) {
  return (await cached(request)) ?? fetch(request);
}

async function cached(request) {
  const cache = await caches.open(CACHE);
  return cache.match(request, { ignoreSearch: true });
}
