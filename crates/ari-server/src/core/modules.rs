//! The server's modules, as `asterisk/modules` shows them.
//!
//! Most functionality is built in and always running; those modules are
//! listed with support level `core` and refuse to be unloaded. Optional
//! modules (call broadcast) can be unloaded and loaded again at run time, and
//! the code that depends on them asks [`Modules::is_loaded`].

use parking_lot::RwLock;
use serde::Serialize;

/// The ARI `Module` object.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Module name (`res_stasis_broadcast.so`).
    pub name: String,
    /// What it provides.
    pub description: String,
    /// Users of the module.
    pub use_count: i64,
    /// `Running` or `Not Running`.
    pub status: String,
    /// `core` for built-in modules, `extended` for optional ones.
    pub support_level: String,
}

/// Why a module operation failed.
#[derive(Debug, PartialEq, Eq)]
pub enum ModuleError {
    /// No module of that name exists.
    NotFound,
    /// The module cannot be loaded, unloaded or reloaded in its current state.
    Refused(&'static str),
}

struct Module {
    name: &'static str,
    description: &'static str,
    optional: bool,
    loaded: bool,
}

/// The name of the call broadcast module.
pub const BROADCAST: &str = "res_stasis_broadcast.so";
/// The name of the module providing the `StasisBroadcast()` dialplan application.
pub const BROADCAST_APP: &str = "app_stasis_broadcast.so";

const BUILT_IN: &[(&str, &str, bool)] = &[
    ("res_ari.so", "Asterisk RESTful Interface", false),
    (
        "res_ari_applications.so",
        "RESTful API module - Stasis application resources",
        false,
    ),
    (
        "res_ari_asterisk.so",
        "RESTful API module - Asterisk resources",
        false,
    ),
    (
        "res_ari_bridges.so",
        "RESTful API module - Bridge resources",
        false,
    ),
    (
        "res_ari_channels.so",
        "RESTful API module - Channel resources",
        false,
    ),
    (
        "res_ari_device_states.so",
        "RESTful API module - Device state resources",
        false,
    ),
    (
        "res_ari_endpoints.so",
        "RESTful API module - Endpoint resources",
        false,
    ),
    (
        "res_ari_events.so",
        "RESTful API module - WebSocket resource",
        false,
    ),
    (
        "res_ari_mailboxes.so",
        "RESTful API module - Mailboxes resources",
        false,
    ),
    (
        "res_ari_playbacks.so",
        "RESTful API module - Playback control resources",
        false,
    ),
    (
        "res_ari_recordings.so",
        "RESTful API module - Recording resources",
        false,
    ),
    (
        "res_ari_sounds.so",
        "RESTful API module - Sound resources",
        false,
    ),
    ("res_stasis.so", "Stasis application support", false),
    ("app_stasis.so", "Stasis dialplan application", false),
    ("chan_local.so", "Local proxy channel driver", false),
    ("pbx_config.so", "Text extension configuration", false),
    (
        BROADCAST,
        "Stasis application call broadcast with first-claim-wins",
        true,
    ),
    (BROADCAST_APP, "StasisBroadcast dialplan application", true),
];

/// The module registry.
pub struct Modules {
    list: RwLock<Vec<Module>>,
}

impl Default for Modules {
    fn default() -> Self {
        Self::new()
    }
}

impl Modules {
    /// Every module, all loaded.
    pub fn new() -> Self {
        let list = BUILT_IN
            .iter()
            .map(|&(name, description, optional)| Module {
                name,
                description,
                optional,
                loaded: true,
            })
            .collect();
        Modules {
            list: RwLock::new(list),
        }
    }

    fn info(m: &Module) -> ModuleInfo {
        ModuleInfo {
            name: m.name.to_string(),
            description: m.description.to_string(),
            use_count: 0,
            status: if m.loaded { "Running" } else { "Not Running" }.to_string(),
            support_level: if m.optional { "extended" } else { "core" }.to_string(),
        }
    }

    /// Every loaded module, as `asterisk/modules` lists them.
    pub fn list(&self) -> Vec<ModuleInfo> {
        self.list
            .read()
            .iter()
            .filter(|m| m.loaded)
            .map(Self::info)
            .collect()
    }

    /// One loaded module.
    pub fn get(&self, name: &str) -> Result<ModuleInfo, ModuleError> {
        let list = self.list.read();
        let m = list
            .iter()
            .find(|m| m.name == name && m.loaded)
            .ok_or(ModuleError::NotFound)?;
        Ok(Self::info(m))
    }

    /// Whether a module is loaded.
    pub fn is_loaded(&self, name: &str) -> bool {
        self.list.read().iter().any(|m| m.name == name && m.loaded)
    }

    /// Loads a module. Unknown names and modules already running are refused
    /// (409 in ARI, as Asterisk answers for a module it cannot load).
    pub fn load(&self, name: &str) -> Result<(), ModuleError> {
        let mut list = self.list.write();
        match list.iter_mut().find(|m| m.name == name) {
            Some(m) if !m.loaded => {
                m.loaded = true;
                Ok(())
            }
            Some(_) => Err(ModuleError::Refused("Module is already loaded")),
            None => Err(ModuleError::Refused("Module could not be loaded")),
        }
    }

    /// Unloads an optional module.
    pub fn unload(&self, name: &str) -> Result<(), ModuleError> {
        let mut list = self.list.write();
        let m = list
            .iter_mut()
            .find(|m| m.name == name && m.loaded)
            .ok_or(ModuleError::NotFound)?;
        if !m.optional {
            return Err(ModuleError::Refused("Module could not be unloaded"));
        }
        m.loaded = false;
        Ok(())
    }

    /// Reloads a module (a no-op for a running module: there is nothing to re-read).
    pub fn reload(&self, name: &str) -> Result<(), ModuleError> {
        if self.is_loaded(name) {
            Ok(())
        } else {
            Err(ModuleError::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_optional_modules_unload() {
        let m = Modules::new();
        assert_eq!(
            m.unload("res_ari.so"),
            Err(ModuleError::Refused("Module could not be unloaded"))
        );
        assert_eq!(m.unload("nope.so"), Err(ModuleError::NotFound));
        assert!(m.unload(BROADCAST).is_ok());
        assert!(!m.is_loaded(BROADCAST));
        assert_eq!(m.get(BROADCAST), Err(ModuleError::NotFound));
        assert!(m.load(BROADCAST).is_ok());
        assert_eq!(m.get(BROADCAST).unwrap().status, "Running");
        assert!(m.load(BROADCAST).is_err());
    }
}
