//! Log channels: the server's log outputs, which `asterisk/logging` lists,
//! adds, deletes and rotates at run time.
//!
//! Like Asterisk's logger, each channel is an output (the console, or a file
//! below `<data_dir>/logs/`) with the set of levels it records. The channels
//! are a `tracing` layer, so everything the server logs through `tracing`
//! reaches them.

use parking_lot::{Mutex, RwLock};
use serde::Serialize;
use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;

/// Levels a channel records, named as Asterisk names them.
const LEVELS: [&str; 5] = ["debug", "verbose", "notice", "warning", "error"];

/// The ARI `LogChannel` object.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct LogChannelInfo {
    /// Name (`console`, or a file name).
    pub channel: String,
    /// `Console` or `File`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `Enabled`.
    pub status: String,
    /// The levels recorded, space separated.
    pub configuration: String,
}

/// Why a log channel operation failed.
#[derive(Debug, PartialEq, Eq)]
pub enum LogError {
    /// No channel of that name.
    NotFound,
    /// A channel of that name exists already.
    Exists,
    /// The name or configuration is not acceptable; the text says why.
    Invalid(String),
    /// The file could not be opened or rotated.
    Io(String),
}

enum Sink {
    Console,
    File { path: PathBuf, file: Mutex<File> },
}

struct LogChannel {
    name: String,
    sink: Sink,
    /// Bit i set: `LEVELS[i]` recorded.
    levels: u8,
}

/// The set of log channels; cloning shares it.
#[derive(Clone)]
pub struct LogChannels {
    inner: Arc<RwLock<Vec<LogChannel>>>,
    dir: PathBuf,
}

fn parse_levels(configuration: &str) -> Result<u8, LogError> {
    let mut bits = 0u8;
    for word in configuration
        .split([',', ' '])
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        if word == "*" {
            bits = u8::MAX >> 3;
            continue;
        }
        let i = LEVELS.iter().position(|l| *l == word).ok_or_else(|| {
            LogError::Invalid(format!(
                "Unknown log level '{word}'; use {} or *",
                LEVELS.join(", ")
            ))
        })?;
        bits |= 1 << i;
    }
    if bits == 0 {
        return Err(LogError::Invalid(
            "The configuration names no log level".into(),
        ));
    }
    Ok(bits)
}

fn level_bit(level: &Level) -> u8 {
    1 << match *level {
        Level::ERROR => 4,
        Level::WARN => 3,
        Level::INFO => 2,
        _ => 0,
    }
}

impl LogChannels {
    /// The console channel (notice, warning, error), with files kept in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        let console = LogChannel {
            name: "console".into(),
            sink: Sink::Console,
            levels: parse_levels("notice,warning,error").unwrap_or(0b11100),
        };
        LogChannels {
            inner: Arc::new(RwLock::new(vec![console])),
            dir,
        }
    }

    fn info(c: &LogChannel) -> LogChannelInfo {
        let configuration: Vec<&str> = LEVELS
            .iter()
            .enumerate()
            .filter(|(i, _)| c.levels & (1 << i) != 0)
            .map(|(_, l)| *l)
            .collect();
        LogChannelInfo {
            channel: c.name.clone(),
            kind: match c.sink {
                Sink::Console => "Console",
                Sink::File { .. } => "File",
            }
            .into(),
            status: "Enabled".into(),
            configuration: configuration.join(" "),
        }
    }

    /// Every channel.
    pub fn list(&self) -> Vec<LogChannelInfo> {
        self.inner.read().iter().map(Self::info).collect()
    }

    fn open(path: &PathBuf) -> Result<File, LogError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| LogError::Io(format!("{}: {e}", dir.display())))?;
        }
        OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| LogError::Io(format!("{}: {e}", path.display())))
    }

    /// Adds a file channel `name` (a plain file name in the logs directory)
    /// recording the levels of `configuration` (`notice,warning` or `*`).
    pub fn add(&self, name: &str, configuration: &str) -> Result<(), LogError> {
        let levels = parse_levels(configuration)?;
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(LogError::Invalid(format!(
                "Invalid log channel name '{name}'"
            )));
        }
        let mut list = self.inner.write();
        if list.iter().any(|c| c.name == name) {
            return Err(LogError::Exists);
        }
        let path = self.dir.join(name);
        let file = Self::open(&path)?;
        list.push(LogChannel {
            name: name.to_string(),
            sink: Sink::File {
                path,
                file: Mutex::new(file),
            },
            levels,
        });
        Ok(())
    }

    /// Removes a channel.
    pub fn delete(&self, name: &str) -> Result<(), LogError> {
        let mut list = self.inner.write();
        let i = list
            .iter()
            .position(|c| c.name == name)
            .ok_or(LogError::NotFound)?;
        list.remove(i);
        Ok(())
    }

    /// Rotates a file channel: the current file becomes `name.1` (replacing an
    /// older one) and a new empty file is started.
    pub fn rotate(&self, name: &str) -> Result<(), LogError> {
        let list = self.inner.read();
        let c = list
            .iter()
            .find(|c| c.name == name)
            .ok_or(LogError::NotFound)?;
        if let Sink::File { path, file } = &c.sink {
            let mut file = file.lock();
            let mut rotated = path.clone().into_os_string();
            rotated.push(".1");
            std::fs::rename(path, &rotated)
                .map_err(|e| LogError::Io(format!("{}: {e}", path.display())))?;
            *file = Self::open(path)?;
        }
        Ok(())
    }

    fn write(&self, level: &Level, line: &str) {
        let bit = level_bit(level);
        for c in self.inner.read().iter().filter(|c| c.levels & bit != 0) {
            match &c.sink {
                Sink::Console => {
                    let _ = std::io::stderr().lock().write_all(line.as_bytes());
                }
                Sink::File { file, .. } => {
                    let _ = file.lock().write_all(line.as_bytes());
                }
            }
        }
    }
}

/// Collects an event's message and fields into one line.
struct Line(String);

impl Visit for Line {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> tracing_subscriber::Layer<S> for LogChannels {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut line = Line(format!(
            "[{}] {:5} {}:",
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.3f"),
            meta.level(),
            meta.target()
        ));
        event.record(&mut line);
        line.0.push('\n');
        self.write(meta.level(), &line.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_rotate_delete() {
        let dir = std::env::temp_dir().join(format!("ari-log-test-{}", std::process::id()));
        let logs = LogChannels::new(dir.clone());
        assert_eq!(logs.list()[0].configuration, "notice warning error");
        assert!(matches!(
            logs.add("x.log", "loud"),
            Err(LogError::Invalid(_))
        ));
        assert!(matches!(
            logs.add("../x.log", "notice"),
            Err(LogError::Invalid(_))
        ));
        logs.add("x.log", "warning,error").unwrap();
        assert_eq!(logs.add("x.log", "notice"), Err(LogError::Exists));
        logs.write(&Level::WARN, "first\n");
        logs.write(&Level::INFO, "not recorded\n");
        assert_eq!(
            std::fs::read_to_string(dir.join("x.log")).unwrap(),
            "first\n"
        );
        logs.rotate("x.log").unwrap();
        logs.write(&Level::ERROR, "second\n");
        assert_eq!(
            std::fs::read_to_string(dir.join("x.log.1")).unwrap(),
            "first\n"
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("x.log")).unwrap(),
            "second\n"
        );
        assert_eq!(logs.rotate("nope"), Err(LogError::NotFound));
        logs.delete("x.log").unwrap();
        assert_eq!(logs.delete("x.log"), Err(LogError::NotFound));
        let _ = std::fs::remove_dir_all(dir);
    }
}
