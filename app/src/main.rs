//! Flowmap in the browser: draw a data-flow model, tag it, and see its findings live.

mod board;
mod canvas;
mod editor;
mod export_menu;
mod inspector;
mod keyed;
mod persist;
mod platform;
mod session;
mod ui;

fn main() {
    platform::install_panic_hook();
    leptos::mount::mount_to_body(ui::App);
}
