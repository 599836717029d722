//! The on-demand worker: a second wasm module, loaded on first use, that runs what the page
//! needs rarely (exports; later imports, diffs, drift). The protocol is `flowmap_app::jobs`.

fn main() {
    flowmap_app::platform::worker::serve(flowmap_app::jobs::serve_text);
}
