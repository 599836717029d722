//! Every direct use of the browser (web-sys, js-sys) lives here, behind small functions, so the
//! rest of the app is plain Rust and Leptos.

pub mod worker;

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

/// The date `days` after today (UTC), e.g. a waiver's default expiry.
pub fn days_from_today(days: i64) -> flowmap_core::Date {
    let today = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
    flowmap_core::Date::from_days_since_epoch(today + days)
}

/// Turns Rust panics into readable console errors.
pub fn install_panic_hook() {
    console_error_panic_hook::set_once();
}

// ---------------------------------------------------------------------------------------------
// The editor: canvas geometry, the wheel, keyboard focus, the theme.

/// An element's box in the viewport: left, top, width, height.
pub fn element_rect(el: &web_sys::Element) -> (f64, f64, f64, f64) {
    let r = el.get_bounding_client_rect();
    (r.left(), r.top(), r.width(), r.height())
}

/// Calls `f(x, y, dx, dy, zoom)` on every wheel event over `el` (x, y relative to it; `zoom`
/// when Ctrl or Cmd is held, as trackpad pinches report) and keeps the page from scrolling.
/// The listener is not passive, so it can cancel the browser's own zoom.
pub fn on_wheel(el: &web_sys::Element, f: impl Fn(f64, f64, f64, f64, bool) + 'static) {
    use wasm_bindgen::closure::Closure;
    let target = el.clone();
    let handler = Closure::<dyn Fn(web_sys::WheelEvent)>::new(move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (left, top, _, _) = element_rect(&target);
        let unit = match ev.delta_mode() {
            1 => 16.0,
            2 => 400.0,
            _ => 1.0,
        };
        f(
            f64::from(ev.client_x()) - left,
            f64::from(ev.client_y()) - top,
            ev.delta_x() * unit,
            ev.delta_y() * unit,
            ev.ctrl_key() || ev.meta_key(),
        );
    });
    let options = web_sys::AddEventListenerOptions::new();
    options.set_passive(false);
    let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
        "wheel",
        handler.as_ref().unchecked_ref(),
        &options,
    );
    // The canvas lives as long as the page.
    handler.forget();
}

/// Runs `f` after the next frame is drawn: from an animation-frame callback (just before that
/// frame's rendering), a zero-delay timeout (a task after it).
pub fn after_next_paint(f: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(move || {
        leptos::prelude::set_timeout(f, std::time::Duration::ZERO);
    });
}

/// True when a key event comes from a text field (shortcuts must not fire while typing).
pub fn typing_in_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.has_attribute("contenteditable")
        })
}

/// Sets the theme on the root element (`data-theme="light|dark"`, which style.css reads).
pub fn set_theme(theme: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", theme);
    }
}

/// Does the system prefer a dark theme?
pub fn prefers_dark() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Blurs the focused element, so a text field commits its edit (`change`) before the canvas
/// changes the selection and the field's form goes away.
pub fn blur_focused() {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.blur();
    }
}

/// Focuses a text field and selects its text (in-place label editing).
pub fn focus_and_select(input: &HtmlInputElement) {
    let _ = input.focus();
    input.select();
}

// ---------------------------------------------------------------------------------------------
// Autosave storage (IndexedDB), downloads and page lifecycle, for src/persist.rs.
//
// IndexedDB rather than localStorage: a large model (10,000 nodes) is several megabytes, past
// localStorage's ~5 MB quota, and IndexedDB reports quota errors per transaction. The requests
// are awaited by handing a Promise's own resolve/reject functions to the request's
// success/error handlers, so no Rust closure is leaked per save.

/// The IndexedDB database and object store of the autosave (tests/e2e/editor.test.mjs writes
/// here too, to simulate a corrupt autosave).
pub const AUTOSAVE_DB: &str = "flowmap";
pub const AUTOSAVE_STORE: &str = "autosave";
const AUTOSAVE_DB_VERSION: u32 = 1;

/// One autosave as written: the model file text and where and when it came from. Stored as a
/// plain object `{format, model, savedAt, source, app}`.
pub struct AutosaveRecord {
    pub model_json: String,
    /// When the model was saved (unknown for an old record set aside as it was found).
    pub saved_at_ms: Option<f64>,
    pub source: String,
    pub app_version: String,
}

/// One autosave as read back, which may not be what this version wrote (a newer version, a
/// record edited in the developer tools, garbage).
pub struct StoredAutosave {
    /// The model text; when the record is not an object with a string `model`, the whole stored
    /// value as text (JSON where possible), so that it can still be downloaded.
    pub text: String,
    pub saved_at_ms: Option<f64>,
    pub source: Option<String>,
}

thread_local! {
    static AUTOSAVE_DATABASE: std::cell::RefCell<Option<web_sys::IdbDatabase>> =
        const { std::cell::RefCell::new(None) };
}

/// A browser error (DOMException or anything thrown) as a short sentence.
fn describe_js_error(error: &wasm_bindgen::JsValue) -> String {
    if let Some(exception) = error.dyn_ref::<web_sys::DomException>() {
        let (name, message) = (exception.name(), exception.message());
        return match name.as_str() {
            "QuotaExceededError" => format!("storage is full ({message})"),
            _ if message.is_empty() => name,
            _ => format!("{name}: {message}"),
        };
    }
    if let Some(error) = error.dyn_ref::<js_sys::Error>() {
        return String::from(error.message());
    }
    error.as_string().unwrap_or_else(|| format!("{error:?}"))
}

/// Awaits an IndexedDB request (or an open request): resolves with its result.
async fn idb_request(request: &web_sys::IdbRequest) -> Result<wasm_bindgen::JsValue, String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    let outcome = JsFuture::from(promise).await;
    request.set_onsuccess(None);
    request.set_onerror(None);
    match outcome {
        Ok(_) => request.result().map_err(|e| describe_js_error(&e)),
        Err(_) => Err(match request.error() {
            Ok(Some(error)) => describe_js_error(&error),
            _ => "the request failed".to_owned(),
        }),
    }
}

/// Awaits the end of a transaction: `Ok` once it committed (for writes, the data is stored).
async fn idb_transaction_done(transaction: web_sys::IdbTransaction) -> Result<(), String> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        transaction.set_oncomplete(Some(&resolve));
        transaction.set_onerror(Some(&reject));
        transaction.set_onabort(Some(&reject));
    });
    match JsFuture::from(promise).await {
        Ok(_) => Ok(()),
        Err(_) => Err(transaction
            .error()
            .map(|e| describe_js_error(&e))
            .unwrap_or_else(|| "the browser aborted the write".to_owned())),
    }
}

/// The autosave database, opened (and created) on first use and kept open.
async fn autosave_database() -> Result<web_sys::IdbDatabase, String> {
    if let Some(db) = AUTOSAVE_DATABASE.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let window = web_sys::window().ok_or("there is no window")?;
    let factory = window
        .indexed_db()
        .map_err(|e| format!("IndexedDB is not allowed here ({})", describe_js_error(&e)))?
        .ok_or("this browser offers no IndexedDB (a private window?)")?;
    let open = factory
        .open_with_u32(AUTOSAVE_DB, AUTOSAVE_DB_VERSION)
        .map_err(|e| format!("IndexedDB could not be opened ({})", describe_js_error(&e)))?;
    let upgrade = wasm_bindgen::closure::Closure::<dyn FnMut(Event)>::new({
        let open = open.clone();
        move |_: Event| {
            if let Ok(db) = open.result() {
                let db = db.unchecked_into::<web_sys::IdbDatabase>();
                if !db.object_store_names().contains(AUTOSAVE_STORE) {
                    let _ = db.create_object_store(AUTOSAVE_STORE);
                }
            }
        }
    });
    open.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let opened = idb_request(&open).await;
    open.set_onupgradeneeded(None);
    drop(upgrade);
    let db = opened
        .map_err(|e| format!("IndexedDB could not be opened ({e})"))?
        .unchecked_into::<web_sys::IdbDatabase>();
    // Another tab upgrading the database, or the browser closing it: open again next time.
    let forget = wasm_bindgen::closure::Closure::<dyn FnMut(Event)>::new(|_: Event| {
        AUTOSAVE_DATABASE.with(|d| {
            if let Some(db) = d.borrow_mut().take() {
                db.close();
            }
        });
    });
    db.set_onversionchange(Some(forget.as_ref().unchecked_ref()));
    db.set_onclose(Some(forget.as_ref().unchecked_ref()));
    forget.forget();
    AUTOSAVE_DATABASE.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// The autosave object store in a new transaction.
fn autosave_store(
    db: &web_sys::IdbDatabase,
    mode: web_sys::IdbTransactionMode,
) -> Result<(web_sys::IdbTransaction, web_sys::IdbObjectStore), String> {
    let transaction = db
        .transaction_with_str_and_mode(AUTOSAVE_STORE, mode)
        .map_err(|e| describe_js_error(&e))?;
    let store = transaction
        .object_store(AUTOSAVE_STORE)
        .map_err(|e| describe_js_error(&e))?;
    Ok((transaction, store))
}

/// Writes `record` under `key`; resolves once the browser has committed it. When the database
/// is already open, the write is issued before this returns (so a `pagehide` handler can flush).
pub fn autosave_put(
    key: &str,
    record: &AutosaveRecord,
) -> impl std::future::Future<Output = Result<(), String>> + 'static {
    let value = js_sys::Object::new();
    let set = |name: &str, v: wasm_bindgen::JsValue| {
        let _ = js_sys::Reflect::set(&value, &name.into(), &v);
    };
    set("format", "flowmap-autosave/1".into());
    set("model", record.model_json.as_str().into());
    set(
        "savedAt",
        record
            .saved_at_ms
            .map_or(wasm_bindgen::JsValue::NULL, wasm_bindgen::JsValue::from),
    );
    set("source", record.source.as_str().into());
    set("app", record.app_version.as_str().into());
    let key = wasm_bindgen::JsValue::from_str(key);
    let issue = move |db: &web_sys::IdbDatabase| -> Result<web_sys::IdbTransaction, String> {
        let (transaction, store) = autosave_store(db, web_sys::IdbTransactionMode::Readwrite)?;
        store
            .put_with_key(&value, &key)
            .map_err(|e| describe_js_error(&e))?;
        // Commit now rather than when the task ends: a save from `pagehide` must finish first.
        // `IDBTransaction.commit()` is standard (IndexedDB 3.0, in every current engine); web-sys
        // flags it deprecated only because its WebIDL source marks it experimental.
        #[allow(deprecated)]
        let _ = transaction.commit();
        Ok(transaction)
    };
    let issued = AUTOSAVE_DATABASE
        .with(|d| d.borrow().clone())
        .map(|db| issue(&db));
    async move {
        let transaction = match issued {
            Some(transaction) => transaction?,
            None => issue(&autosave_database().await?)?,
        };
        idb_transaction_done(transaction).await
    }
}

/// Every key in the autosave store.
pub async fn autosave_keys() -> Result<Vec<String>, String> {
    let db = autosave_database().await?;
    let (_, store) = autosave_store(&db, web_sys::IdbTransactionMode::Readonly)?;
    let request = store.get_all_keys().map_err(|e| describe_js_error(&e))?;
    let keys = idb_request(&request).await?;
    Ok(js_sys::Array::from(&keys)
        .iter()
        .filter_map(|k| k.as_string())
        .collect())
}

/// Reads the record under `key`, whatever its shape; `None` when there is none.
pub async fn autosave_get(key: &str) -> Result<Option<StoredAutosave>, String> {
    let db = autosave_database().await?;
    let (_, store) = autosave_store(&db, web_sys::IdbTransactionMode::Readonly)?;
    let request = store
        .get(&wasm_bindgen::JsValue::from_str(key))
        .map_err(|e| describe_js_error(&e))?;
    let value = idb_request(&request).await?;
    if value.is_undefined() {
        return Ok(None);
    }
    let field = |name: &str| js_sys::Reflect::get(&value, &name.into()).ok();
    let model = value.is_object().then(|| field("model")).flatten();
    let text = match model.and_then(|m| m.as_string()) {
        Some(text) => text,
        None => value.as_string().unwrap_or_else(|| {
            js_sys::JSON::stringify(&value)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| format!("{value:?}"))
        }),
    };
    let (saved_at_ms, source) = if value.is_object() {
        (
            field("savedAt").and_then(|v| v.as_f64()),
            field("source").and_then(|v| v.as_string()),
        )
    } else {
        (None, None)
    };
    Ok(Some(StoredAutosave {
        text,
        saved_at_ms,
        source,
    }))
}

/// Deletes the record under `key`.
pub async fn autosave_delete(key: &str) -> Result<(), String> {
    let db = autosave_database().await?;
    let (transaction, store) = autosave_store(&db, web_sys::IdbTransactionMode::Readwrite)?;
    store
        .delete(&wasm_bindgen::JsValue::from_str(key))
        .map_err(|e| describe_js_error(&e))?;
    idb_transaction_done(transaction).await
}

/// Milliseconds since the Unix epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A time as the browser's local clock shows it, `14:05:09`.
pub fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

/// A date and time on the browser's local clock, `2026-11-22 14:05`.
pub fn local_date_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes()
    )
}

/// Offers `text` as a file download (a Blob URL on a temporary link; nothing leaves the
/// machine).
pub fn download_text(file_name: &str, text: &str, mime: &str) -> Result<(), String> {
    download_blob(file_name, &text_blob(text, mime)?)
}

fn text_blob(text: &str, mime: &str) -> Result<web_sys::Blob, String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|e| describe_js_error(&e))
}

/// Renders an SVG document to a PNG at twice its size (sharp text) on a white background and
/// offers it as a download. Drawn from a Blob URL of the SVG: the CSP allows `img-src blob:`,
/// and nothing leaves the machine.
pub fn download_svg_as_png(file_name: &str, svg: &str) -> Result<(), String> {
    const SCALE: f64 = 2.0;
    let url = web_sys::Url::create_object_url_with_blob(&text_blob(svg, "image/svg+xml")?)
        .map_err(|e| describe_js_error(&e))?;
    let image = web_sys::HtmlImageElement::new().map_err(|e| describe_js_error(&e))?;
    let (name, loaded, source) = (file_name.to_owned(), image.clone(), url.clone());
    let onload = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&source);
        let (width, height) = (
            f64::from(loaded.natural_width()),
            f64::from(loaded.natural_height()),
        );
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(canvas) = document.create_element("canvas") else {
            return;
        };
        let canvas = canvas.unchecked_into::<web_sys::HtmlCanvasElement>();
        canvas.set_width((width * SCALE).ceil() as u32);
        canvas.set_height((height * SCALE).ceil() as u32);
        let Some(context) = canvas.get_context("2d").ok().flatten() else {
            return;
        };
        let context = context.unchecked_into::<web_sys::CanvasRenderingContext2d>();
        context.set_fill_style_str("#ffffff");
        context.fill_rect(0.0, 0.0, width * SCALE, height * SCALE);
        let _ = context.scale(SCALE, SCALE);
        let _ = context.draw_image_with_html_image_element(&loaded, 0.0, 0.0);
        let done =
            wasm_bindgen::closure::Closure::once_into_js(move |blob: wasm_bindgen::JsValue| {
                if let Ok(blob) = blob.dyn_into::<web_sys::Blob>() {
                    let _ = download_blob(&name, &blob);
                }
            });
        let _ = canvas.to_blob(done.unchecked_ref());
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&url);
    Ok(())
}

/// Offers a Blob as a file download.
fn download_blob(file_name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(|e| describe_js_error(&e))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("there is no document")?;
    let link = document
        .create_element("a")
        .map_err(|e| describe_js_error(&e))?
        .unchecked_into::<web_sys::HtmlAnchorElement>();
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // Revoked a little later: revoking at once can cancel the download in some browsers.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(window) = web_sys::window() {
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
    Ok(())
}

// Which document a tab edits (src/persist.rs): the URL's `#doc=KEY`, and the tabs of this origin
// telling each other which document they have open.

/// A random id: base-36 time and randomness (not secret, only distinct).
pub fn random_id() -> String {
    let time = js_sys::Date::now() as u64;
    let random = (js_sys::Math::random() * 2_176_782_336.0) as u64; // 36^6
    format!("{}{}", base36(time), base36(random))
}

fn base36(mut n: u64) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::new();
    loop {
        out.push(DIGITS[(n % 36) as usize]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII digits")
}

/// The URL's fragment without `#`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default()
}

/// Sets the URL's fragment without a navigation or a history entry.
pub fn replace_hash(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{fragment}")),
        );
    }
}

thread_local! {
    static TABS: std::cell::RefCell<Option<web_sys::BroadcastChannel>> =
        const { std::cell::RefCell::new(None) };
}

/// Opens the same-origin channel between this app's tabs (`BroadcastChannel` named `name`);
/// `listen` hears what the other tabs post. Nothing happens where the browser has none.
pub fn tabs_open(name: &str, listen: impl Fn(String) + 'static) {
    let Ok(channel) = web_sys::BroadcastChannel::new(name) else {
        return;
    };
    let on_message = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::MessageEvent)>::new(
        move |ev: web_sys::MessageEvent| {
            if let Some(text) = ev.data().as_string() {
                listen(text);
            }
        },
    );
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    TABS.with(|t| *t.borrow_mut() = Some(channel));
}

/// Sends text to the other tabs (see [`tabs_open`]).
pub fn tabs_post(text: &str) {
    TABS.with(|t| {
        if let Some(channel) = t.borrow().as_ref() {
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(text));
        }
    });
}

/// Calls `f` whenever the page is hidden or about to go away (`visibilitychange` to hidden,
/// `pagehide`), for the rest of the page's life: the last moment to save reliably.
pub fn on_page_hidden(f: impl Fn() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let f = std::rc::Rc::new(f);
    let on_visibility = wasm_bindgen::closure::Closure::<dyn Fn(Event)>::new({
        let f = f.clone();
        move |_: Event| {
            let hidden = web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.hidden());
            if hidden {
                f();
            }
        }
    });
    let on_pagehide = wasm_bindgen::closure::Closure::<dyn Fn(Event)>::new(move |_: Event| f());
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visibility.as_ref().unchecked_ref(),
        );
    }
    let _ =
        window.add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
    on_visibility.forget();
    on_pagehide.forget();
}
