//! Flowmap in the browser: open a model, see its findings.

mod editor;
mod platform;
mod session;
mod ui;

fn main() {
    platform::install_panic_hook();
    leptos::mount::mount_to_body(ui::App);
}
