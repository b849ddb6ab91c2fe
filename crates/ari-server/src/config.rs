//! Configuration: embedded defaults, the TOML file, and its validation.
//!
//! Every key is optional: with no file at all the server listens on
//! `127.0.0.1:8088` with one user `asterisk`/`asterisk`, which is what ARI
//! tutorials and clients assume. `ari-server.example.toml` at the repository
//! root documents every key.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

/// The user name and password in force when no user is configured.
pub const DEFAULT_USER: (&str, &str) = ("asterisk", "asterisk");

/// The whole configuration.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on (`127.0.0.1`, `::1`, `0.0.0.0`).
    pub bind: IpAddr,
    /// TCP port.
    pub port: u16,
    /// ARI users by name.
    pub users: BTreeMap<String, User>,
    /// Origins allowed to open the events WebSocket from a browser (and to make
    /// cross-origin REST calls). `*` allows any. Requests without an `Origin`
    /// header (non-browser clients) and same-origin requests are always allowed.
    pub allowed_origins: Vec<String>,
    /// Channel variables (or functions such as `CHANNEL(language)`) included in
    /// every channel snapshot as `channelvars`.
    pub channelvars: Vec<String>,
    /// Directories searched for sounds, in order.
    pub sound_dirs: Vec<PathBuf>,
    /// Directory for recordings, the database and log files.
    pub data_dir: PathBuf,
    /// Dialplan file in `extensions.conf` syntax; the built-in one when absent.
    pub dialplan: Option<PathBuf>,
    /// Id of this server in events (`asterisk_id`) and `asterisk/info`;
    /// a random MAC-like id when absent.
    pub entity_id: Option<String>,
    /// Name of this system (`asterisk/info` `config.name`).
    pub system_name: String,
    /// Default language of new channels.
    pub default_language: String,
    /// Events WebSocket settings.
    pub websocket: WebSocketConfig,
    /// Music-on-hold classes by name.
    pub moh: BTreeMap<String, MohClass>,
}

/// A music-on-hold class.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MohClass {
    /// Directory whose sound files are played in a loop.
    pub directory: PathBuf,
}

/// One ARI user.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct User {
    /// Password, in plain text (as Asterisk's `ari.conf` `password_format=plain`).
    pub password: String,
    /// When true, the user may only make `GET` requests.
    #[serde(default)]
    pub read_only: bool,
}

/// Settings of the events WebSocket.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSocketConfig {
    /// Events queued for one socket before it is judged too slow and closed.
    pub queue_len: usize,
    /// Milliseconds between keep-alive pings.
    pub ping_interval_ms: u64,
    /// Milliseconds without any frame from the peer after which it is judged dead.
    pub idle_timeout_ms: u64,
}

impl Default for WebSocketConfig {
    fn default() -> Self {
        WebSocketConfig {
            queue_len: 4096,
            ping_interval_ms: 20_000,
            idle_timeout_ms: 60_000,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        let mut users = BTreeMap::new();
        users.insert(
            DEFAULT_USER.0.to_string(),
            User {
                password: DEFAULT_USER.1.to_string(),
                read_only: false,
            },
        );
        Config {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 8088,
            users,
            allowed_origins: Vec::new(),
            channelvars: Vec::new(),
            sound_dirs: vec![
                PathBuf::from("sounds"),
                PathBuf::from("/usr/share/asterisk/sounds"),
                PathBuf::from("/var/lib/asterisk/sounds"),
            ],
            data_dir: PathBuf::from("data"),
            dialplan: None,
            entity_id: None,
            system_name: String::new(),
            default_language: "en".to_string(),
            websocket: WebSocketConfig::default(),
            moh: BTreeMap::new(),
        }
    }
}

/// A configuration that cannot be used, with a message that says exactly why.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
        Config::parse(&text).map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))
    }

    /// Parses and validates configuration text. Relative paths stay relative to
    /// the working directory.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| ConfigError(e.to_string().trim_end().to_string()))?;
        // A file that names no user still gets the default one, so that a file
        // setting only the port behaves like no file at all.
        if config.users.is_empty() && !text_mentions_users(text) {
            config.users = Config::default().users;
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks what the types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.users.is_empty() {
            return Err(ConfigError("users: at least one ARI user is needed".into()));
        }
        for (name, user) in &self.users {
            if name.is_empty() || name.contains(':') {
                return Err(ConfigError(format!(
                    "users.{name:?}: a user name must be non-empty and contain no ':'"
                )));
            }
            if user.password.is_empty() {
                return Err(ConfigError(format!(
                    "users.{name}.password: must not be empty"
                )));
            }
        }
        if self.websocket.queue_len == 0 {
            return Err(ConfigError(
                "websocket.queue_len: must be at least 1".into(),
            ));
        }
        if self.websocket.ping_interval_ms == 0
            || self.websocket.idle_timeout_ms <= self.websocket.ping_interval_ms
        {
            return Err(ConfigError(
                "websocket: ping_interval_ms must be > 0 and idle_timeout_ms greater than ping_interval_ms".into(),
            ));
        }
        if self.default_language.is_empty() {
            return Err(ConfigError("default_language: must not be empty".into()));
        }
        Ok(())
    }

    /// True while the well-known default credentials can log in.
    pub fn default_credentials_in_force(&self) -> bool {
        self.users
            .get(DEFAULT_USER.0)
            .is_some_and(|u| u.password == DEFAULT_USER.1)
    }

    /// Refuses to expose the default credentials beyond this machine.
    pub fn check_exposure(&self) -> Result<(), ConfigError> {
        if !self.bind.is_loopback() && self.default_credentials_in_force() {
            return Err(ConfigError(format!(
                "refusing to listen on {}: the default user {}/{} is still configured. \
                 Set another password in the config file ([users.{}] password = \"...\") or bind to 127.0.0.1",
                self.bind, DEFAULT_USER.0, DEFAULT_USER.1, DEFAULT_USER.0
            )));
        }
        Ok(())
    }
}

fn text_mentions_users(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("[users") || l.starts_with("users")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_is_the_defaults() {
        let c = Config::parse("").unwrap();
        assert_eq!(c.port, 8088);
        assert!(c.bind.is_loopback());
        assert!(c.default_credentials_in_force());
        assert!(c.check_exposure().is_ok());
    }

    #[test]
    fn users_and_keys_parse() {
        let c = Config::parse(
            r#"
port = 9000
channelvars = ["FOO", "CHANNEL(language)"]
[users.bob]
password = "secret"
read_only = true
[websocket]
queue_len = 10
"#,
        )
        .unwrap();
        assert_eq!(c.port, 9000);
        assert!(c.users["bob"].read_only);
        assert!(!c.users.contains_key("asterisk"));
        assert_eq!(c.websocket.queue_len, 10);
        assert_eq!(c.channelvars.len(), 2);
    }

    #[test]
    fn errors_are_precise() {
        let e = Config::parse("port = \"x\"").unwrap_err().0;
        assert!(e.contains("port"), "{e}");
        let e = Config::parse("colour = 1").unwrap_err().0;
        assert!(e.contains("colour"), "{e}");
        let e = Config::parse("[users.bob]\npassword = \"\"").unwrap_err().0;
        assert!(e.contains("users.bob.password"), "{e}");
        let e = Config::parse("[websocket]\nqueue_len = 0").unwrap_err().0;
        assert!(e.contains("queue_len"), "{e}");
    }

    #[test]
    fn default_credentials_never_leave_loopback() {
        let c = Config::parse("bind = \"0.0.0.0\"").unwrap();
        let e = c.check_exposure().unwrap_err().0;
        assert!(e.contains("refusing"), "{e}");
        let c = Config::parse("bind = \"0.0.0.0\"\n[users.asterisk]\npassword = \"long-secret\"")
            .unwrap();
        assert!(c.check_exposure().is_ok());
    }
}
