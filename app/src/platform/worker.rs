//! The plumbing of the on-demand worker (`crate::jobs` is the protocol): text in, text out,
//! questions matched to answers by number. Both sides are here: [`call`] runs in the page,
//! [`serve`] in the worker.
//!
//! The worker is a classic, same-origin Web Worker that Trunk builds from
//! `src/bin/flowmap-worker.rs` (`data-type="worker"` in `app/index.html`): its loader
//! `flowmap-worker_loader.js` imports the wasm-bindgen glue and the wasm, beside `index.html`.
//! It is started on the first [`call`], so the first load does not download it; the service
//! worker precaches it with every other file of the build, so it works offline too. Under the
//! deployed CSP it needs `worker-src 'self'` and `script-src 'self' 'wasm-unsafe-eval'`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The worker's loader script, relative to the page.
pub const WORKER_SCRIPT: &str = "flowmap-worker_loader.js";

type Settle = (js_sys::Function, js_sys::Function);

/// A running worker, as the page sees it.
struct Connection {
    worker: web_sys::Worker,
    /// Resolves once the worker's wasm has started and listens (messages sent before would be
    /// dropped: a worker has no handler until its wasm runs).
    ready: js_sys::Promise,
    /// Questions waiting for their answer: resolve and reject, by number.
    pending: Rc<RefCell<HashMap<u32, Settle>>>,
    next: u32,
}

thread_local! {
    static CONNECTION: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn object(fields: &[(&str, JsValue)]) -> js_sys::Object {
    let o = js_sys::Object::new();
    for (name, value) in fields {
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(name), value);
    }
    o
}

/// Starts the worker: its handlers settle the questions; an error (the script cannot load, the
/// wasm traps) fails every open question and drops the worker, so the next call starts afresh.
fn start() -> Result<Connection, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("there is no document")?;
    let base = document
        .base_uri()
        .ok()
        .flatten()
        .ok_or("the page has no base URL")?;
    let url = web_sys::Url::new_with_base(WORKER_SCRIPT, &base)
        .map_err(|e| super::describe_js_error(&e))?
        .href();
    let worker = web_sys::Worker::new(&url).map_err(|e| {
        format!(
            "the worker could not be started ({})",
            super::describe_js_error(&e)
        )
    })?;
    let pending: Rc<RefCell<HashMap<u32, Settle>>> = Rc::default();
    let mut on_ready: Option<Settle> = None;
    let ready = js_sys::Promise::new(&mut |resolve, reject| on_ready = Some((resolve, reject)));
    let on_ready = Rc::new(RefCell::new(on_ready));

    let answers = pending.clone();
    let ready_now = on_ready.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            if field(&data, "ready").is_truthy() {
                if let Some((resolve, _)) = ready_now.borrow_mut().take() {
                    let _ = resolve.call0(&JsValue::NULL);
                }
                return;
            }
            let id = field(&data, "id").as_f64().unwrap_or(-1.0) as u32;
            if let Some((resolve, _)) = answers.borrow_mut().remove(&id) {
                let _ = resolve.call1(&JsValue::NULL, &field(&data, "body"));
            }
        });
    let failures = pending.clone();
    let ready_failed = on_ready;
    let on_error = Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
        ev.prevent_default();
        let reason = match ev.dyn_ref::<web_sys::ErrorEvent>() {
            Some(e) if !e.message().is_empty() => format!("the worker failed ({})", e.message()),
            _ => format!(
                "the worker could not be loaded ({WORKER_SCRIPT}); check that the whole build \
                 was deployed"
            ),
        };
        let reason = JsValue::from_str(&reason);
        if let Some((_, reject)) = ready_failed.borrow_mut().take() {
            let _ = reject.call1(&JsValue::NULL, &reason);
        }
        for (_, (_, reject)) in failures.borrow_mut().drain() {
            let _ = reject.call1(&JsValue::NULL, &reason);
        }
        CONNECTION.with(|c| {
            if let Some(connection) = c.borrow_mut().take() {
                connection.worker.terminate();
            }
        });
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.set_onmessageerror(Some(on_error.as_ref().unchecked_ref()));
    // The handlers live as long as the page (one worker at a time, restarted only on failure).
    on_message.forget();
    on_error.forget();
    Ok(Connection {
        worker,
        ready,
        pending,
        next: 0,
    })
}

/// Sends `body` to the worker (started on first use) and waits for its answer. The error is a
/// sentence: the worker could not start, failed, or was lost.
pub async fn call(body: String) -> Result<String, String> {
    let ready = CONNECTION.with(|c| -> Result<js_sys::Promise, String> {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = Some(start()?);
        }
        Ok(c.as_ref().expect("started").ready.clone())
    })?;
    let text = |v: JsValue| v.as_string().unwrap_or_else(|| format!("{v:?}"));
    JsFuture::from(ready).await.map_err(text)?;
    let mut sent = Err("the worker stopped".to_owned());
    let answer = js_sys::Promise::new(&mut |resolve, reject| {
        sent = CONNECTION.with(|c| {
            let mut c = c.borrow_mut();
            let connection = c.as_mut().ok_or("the worker stopped")?;
            let id = connection.next;
            connection.next = connection.next.wrapping_add(1);
            connection
                .pending
                .borrow_mut()
                .insert(id, (resolve, reject));
            let message = object(&[
                ("id", JsValue::from(id)),
                ("body", JsValue::from_str(&body)),
            ]);
            connection
                .worker
                .post_message(&message)
                .map_err(|e| super::describe_js_error(&e))
        });
    });
    sent?;
    JsFuture::from(answer).await.map(text).map_err(text)
}

/// The worker's side: answers every message with `handle(body)`, then tells the page it is
/// ready. Runs in the worker (its `main`).
pub fn serve(handle: fn(&str) -> String) {
    super::install_panic_hook();
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            let body = field(&data, "body").as_string().unwrap_or_default();
            let answer = object(&[
                ("id", field(&data, "id")),
                ("body", JsValue::from_str(&handle(&body))),
            ]);
            let _ = reply_to.post_message(&answer);
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&object(&[("ready", JsValue::TRUE)]));
}
