//! Per-element signals, so that thousands of canvas elements never subscribe to one shared
//! signal. In Leptos 0.8 a memo that re-runs unsubscribes from each of its sources, which costs
//! time in the number of that source's subscribers: 4,000 memos re-reading one signal cost
//! 4,000² steps. With one signal per element, a change notifies only the elements it touches
//! (a drag: the moved nodes and their flows).

use std::collections::HashMap;

use leptos::prelude::*;

/// A signal per id, created on first use. `Copy`.
pub struct Keyed<T: Send + Sync + 'static> {
    map: StoredValue<HashMap<String, ArcRwSignal<T>>>,
}

impl<T: Send + Sync + 'static> Clone for Keyed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Keyed<T> {}

impl<T: Clone + PartialEq + Default + Send + Sync + 'static> Keyed<T> {
    pub fn new() -> Self {
        Keyed {
            map: StoredValue::new(HashMap::new()),
        }
    }

    fn signal(&self, id: &str) -> ArcRwSignal<T> {
        if let Some(found) = self.map.with_value(|m| m.get(id).cloned()) {
            return found;
        }
        let fresh = ArcRwSignal::new(T::default());
        self.map.update_value(|m| {
            m.insert(id.to_owned(), fresh.clone());
        });
        fresh
    }

    /// The value for `id`, tracked: the caller re-runs when this id's value changes.
    pub fn get(&self, id: &str) -> T {
        self.signal(id).get()
    }

    pub fn with<R>(&self, id: &str, f: impl FnOnce(&T) -> R) -> R {
        self.signal(id).with(f)
    }

    /// Sets the value for `id`, notifying only when it changed.
    pub fn set(&self, id: &str, value: T) {
        let signal = self.signal(id);
        if signal.with_untracked(|v| *v != value) {
            signal.set(value);
        }
    }

    /// Ids that have a signal.
    pub fn ids(&self) -> Vec<String> {
        self.map.with_value(|m| m.keys().cloned().collect())
    }
}

impl<T: Clone + PartialEq + Send + Sync + 'static> Keyed<Option<T>> {
    /// Sets `Some(value)` for `id`, cloning only when it changed.
    pub fn set_some(&self, id: &str, value: &T) {
        let signal = self.signal(id);
        if signal.with_untracked(|v| v.as_ref() != Some(value)) {
            signal.set(Some(value.clone()));
        }
    }
}
