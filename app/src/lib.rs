//! Flowmap in the browser: draw a data-flow model, tag it, and see its findings live.
//!
//! Two wasm modules are built from this library: the page (`src/main.rs`, [`start`]) and the
//! on-demand worker (`src/bin/flowmap-worker.rs`, [`jobs`]).

mod board;
mod canvas;
mod compare;
mod editor;
mod export_menu;
mod import_dialog;
mod inspector;
pub mod jobs;
mod keyed;
mod persist;
pub mod platform;
mod session;
mod ui;

/// Starts the editor in the page.
pub fn start() {
    platform::install_panic_hook();
    leptos::mount::mount_to_body(ui::App);
}
