//! Every direct use of the browser (web-sys, js-sys) lives here, behind small functions, so the
//! rest of the app is plain Rust and Leptos.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, Event, File, HtmlInputElement};

/// Larger files are refused before reading (a model is kilobytes; this guards the tab).
pub const MAX_FILE_BYTES: f64 = 20.0 * 1024.0 * 1024.0;

/// A file the user chose or dropped, not read yet.
pub struct PickedFile(File);

impl PickedFile {
    pub fn name(&self) -> String {
        self.0.name()
    }

    /// Reads the whole file. The error is a sentence for the error panel.
    pub async fn read(self) -> Result<Vec<u8>, String> {
        if self.0.size() > MAX_FILE_BYTES {
            return Err(format!(
                "The file is larger than {} MB; a Flowmap model is far smaller.",
                MAX_FILE_BYTES / 1024.0 / 1024.0
            ));
        }
        let buffer = JsFuture::from(self.0.array_buffer())
            .await
            .map_err(|e| format!("The browser could not read the file: {e:?}"))?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

/// Shows the browser's file chooser for a (hidden) file input.
pub fn open_file_chooser(input: &HtmlInputElement) {
    input.click();
}

/// The file chosen in the `<input type="file">` that fired `change`, if any. Clears the input so
/// that choosing the same file again (after fixing it) fires `change` again.
pub fn take_chosen_file(ev: &Event) -> Option<PickedFile> {
    let input = ev.target()?.dyn_into::<HtmlInputElement>().ok()?;
    let file = input.files()?.get(0);
    input.set_value("");
    file.map(PickedFile)
}

/// Lets the page accept a drop (browsers refuse drops unless `dragover` is cancelled).
pub fn accept_drag(ev: &DragEvent) {
    ev.prevent_default();
    if let Some(transfer) = ev.data_transfer() {
        transfer.set_drop_effect("copy");
    }
}

/// True when a `dragleave` means the pointer left the window (not just moved between children).
pub fn drag_left_window(ev: &DragEvent) -> bool {
    ev.related_target().is_none()
}

/// The first file of a drop, and stops the browser from opening it in the tab.
pub fn take_dropped_file(ev: &DragEvent) -> Option<PickedFile> {
    ev.prevent_default();
    ev.data_transfer()?.files()?.get(0).map(PickedFile)
}

/// Today's date in UTC, from the browser's clock (for waiver and attestation expiry).
pub fn today() -> flowmap_core::Date {
    let days = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
    flowmap_core::Date::from_days_since_epoch(days)
}

/// Turns Rust panics into readable console errors.
pub fn install_panic_hook() {
    console_error_panic_hook::set_once();
}
