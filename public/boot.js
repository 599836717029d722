// Starts the app without an inline script, so a Content-Security-Policy of script-src 'self'
// suffices. Trunk writes the hashed file names into this script tag's data attributes
// (see pattern_script in Trunk.toml); they are relative, so the app works under any path.
// scripts/sw-manifest.mjs (a Trunk post_build hook) adds the version, the build hash and whether
// to run the service worker (public/sw.js: offline use, update notice).
const tag = document.querySelector("script[data-flowmap-js]");
const base = document.baseURI;
showBuild();
startServiceWorker();
const { default: init } = await import(new URL(tag.dataset.flowmapJs, base).href);
await init({ module_or_path: new URL(tag.dataset.flowmapWasm, base).href });

// "Flowmap 0.1.0 · build 1a2b3c4d" in a corner (styles: sw-banner.css).
function showBuild() {
  const { flowmapVersion: version, flowmapBuild: build } = tag.dataset;
  if (!version) return;
  const badge = document.createElement("div");
  badge.className = "fm-build";
  badge.dataset.build = build ?? "";
  badge.textContent = `Flowmap ${version}${build ? ` · build ${build.slice(0, 8)}` : ""}`;
  badge.title = build ? `Flowmap ${version}, build ${build}` : `Flowmap ${version}`;
  document.body.append(badge);
}

function startServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  const scope = new URL("./", base).href;
  if (tag.dataset.flowmapSw !== "on") {
    // A debug build (`trunk serve`): no worker, and none left over from a release build.
    navigator.serviceWorker.getRegistration(scope).then((r) => r?.unregister(), () => {});
    return;
  }
  const register = () =>
    navigator.serviceWorker
      .register(new URL("sw.js", base).href, { scope })
      .then(watchForUpdates, (err) => console.warn("Flowmap works online only:", err));
  // After the page has loaded: the precache must not compete with the first download.
  if (document.readyState === "complete") register();
  else addEventListener("load", register, { once: true });
}

function watchForUpdates(registration) {
  const offer = () => {
    // Only an update: the first worker installs while no worker controls the page.
    if (registration.waiting && navigator.serviceWorker.controller) showUpdate(registration);
  };
  offer();
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed") offer();
    });
  });
  // Look for a new version when the tab comes back, and every hour while it stays open.
  const check = () => registration.update().catch(() => {});
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });
  setInterval(check, 60 * 60 * 1000);
}

// "A new version of Flowmap is available — Reload": the new worker takes over, then the page
// reloads (the model is autosaved, nothing is lost).
function showUpdate(registration) {
  if (document.querySelector("[data-update]")) return;
  const banner = document.createElement("div");
  banner.className = "fm-update";
  banner.dataset.update = "";
  banner.setAttribute("role", "status");
  const text = document.createElement("span");
  text.textContent = "A new version of Flowmap is available — ";
  const reload = document.createElement("button");
  reload.type = "button";
  reload.className = "fm-update-reload";
  reload.dataset.updateReload = "";
  reload.textContent = "Reload";
  reload.addEventListener("click", () => {
    reload.disabled = true;
    const waiting = registration.waiting;
    if (!waiting) return location.reload();
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(), {
      once: true,
    });
    waiting.postMessage({ type: "SKIP_WAITING" });
  });
  const dismiss = document.createElement("button");
  dismiss.type = "button";
  dismiss.className = "fm-update-dismiss";
  dismiss.setAttribute("aria-label", "Not now");
  dismiss.title = "Not now (the new version loads next time)";
  dismiss.textContent = "×";
  dismiss.addEventListener("click", () => banner.remove());
  banner.append(text, reload, dismiss);
  document.body.append(banner);
}
