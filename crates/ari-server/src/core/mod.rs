//! The telephony core: global variables, modules, and (as they arrive)
//! channels, the dialplan, bridges and media. Nothing here knows about HTTP
//! or JSON; tests can drive it with no socket open.

pub mod modules;

use parking_lot::RwLock;
use std::collections::BTreeMap;

pub use modules::{ModuleError, ModuleInfo, Modules};

/// Server-wide state below the ARI layer.
pub struct Core {
    globals: RwLock<BTreeMap<String, String>>,
    /// The server's optional and built-in modules.
    pub modules: Modules,
}

impl Core {
    /// A core with no channels, the given global variables, and every module loaded.
    pub fn new(globals: impl IntoIterator<Item = (String, String)>) -> Self {
        Core {
            globals: RwLock::new(globals.into_iter().collect()),
            modules: Modules::new(),
        }
    }

    /// A global variable's value (empty when unset, as in Asterisk).
    pub fn global(&self, name: &str) -> Option<String> {
        self.globals.read().get(name).cloned()
    }

    /// Sets a global variable; an empty value unsets it.
    pub fn set_global(&self, name: &str, value: &str) {
        let mut g = self.globals.write();
        if value.is_empty() {
            g.remove(name);
        } else {
            g.insert(name.to_string(), value.to_string());
        }
    }
}
