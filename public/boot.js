// Starts the app without an inline script, so a Content-Security-Policy of script-src 'self'
// suffices. Trunk writes the hashed file names into this script tag's data attributes
// (see pattern_script in Trunk.toml); they are relative, so the app works under any path.
const tag = document.querySelector("script[data-flowmap-js]");
const base = document.baseURI;
const { default: init } = await import(new URL(tag.dataset.flowmapJs, base).href);
await init({ module_or_path: new URL(tag.dataset.flowmapWasm, base).href });
