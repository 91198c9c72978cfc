//! The engine wiring: which tier a store's wasm functions start in. The runtime knows no
//! execution mode; this is the one place that names them.

use crate::runtime::{Config, Store};

impl Default for Store {
    fn default() -> Store {
        Store::with_config(Config::default())
    }
}

impl Store {
    /// An empty store with default limits.
    pub fn new() -> Store {
        Store::default()
    }

    /// An empty store with the given limits.
    pub fn with_config(config: Config) -> Store {
        Store::with_entry(config, crate::interp::entry)
    }
}
