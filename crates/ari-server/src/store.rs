//! Persistent state: device states and mailboxes, kept in SQLite.
//!
//! Asterisk keeps ARI-controlled device states in its `astdb` (family
//! `StasisDeviceState`) and external mailboxes in `res_mwi_external`'s sorcery
//! store, so both survive a restart. This server keeps them in one SQLite file,
//! `<data_dir>/ari.db` (WAL mode), opened when the server is built.
//!
//! Writes are rare (an application setting a lamp or a message count), so one
//! connection behind a mutex is enough. Every read is served from an in-memory
//! copy loaded at open time, so no read ever touches the disk; each write goes
//! to the database first and to the copy only once it is committed, so the copy
//! never holds anything the file does not.

use ari_types::Mailbox;
use parking_lot::{Mutex, RwLock};
use rusqlite::{params, Connection};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name of the database inside the data directory.
pub const DB_FILE: &str = "ari.db";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS device_states (
    name  TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS mailboxes (
    name         TEXT PRIMARY KEY NOT NULL,
    old_messages INTEGER NOT NULL,
    new_messages INTEGER NOT NULL
);
";

/// A failure of the database: opening it, or a write.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

impl StoreError {
    fn at(path: &Path, what: &str, e: impl std::fmt::Display) -> Self {
        StoreError(format!("{}: {what}: {e}", path.display()))
    }
}

/// The message counts of a mailbox, without its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counts {
    old: i64,
    new: i64,
}

/// Device states and mailboxes, persisted in SQLite and cached in memory.
pub struct Store {
    path: PathBuf,
    conn: Mutex<Connection>,
    /// Device name (`Stasis:lamp`) to state (`INUSE`).
    devices: RwLock<BTreeMap<String, String>>,
    /// Mailbox name to message counts.
    mailboxes: RwLock<BTreeMap<String, Counts>>,
}

impl Store {
    /// Opens (creating if needed) `<dir>/ari.db`, creating `dir` too, and
    /// loads what it holds.
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::at(dir, "cannot create the data directory", e))?;
        let path = dir.join(DB_FILE);
        let conn = Connection::open(&path)
            .map_err(|e| StoreError::at(&path, "cannot open the database", e))?;
        // WAL: a crash mid-write never loses committed data, and readers
        // (another process inspecting the file) never block the writer.
        conn.pragma_update(None, "journal_mode", "WAL")
            .and_then(|_| conn.pragma_update(None, "synchronous", "NORMAL"))
            .and_then(|_| conn.busy_timeout(std::time::Duration::from_secs(5)))
            .and_then(|_| conn.execute_batch(SCHEMA))
            .map_err(|e| StoreError::at(&path, "cannot prepare the database", e))?;
        let devices = load(&conn, "SELECT name, state FROM device_states", |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .map_err(|e| StoreError::at(&path, "cannot read device states", e))?;
        let mailboxes = load(
            &conn,
            "SELECT name, old_messages, new_messages FROM mailboxes",
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Counts {
                        old: r.get(1)?,
                        new: r.get(2)?,
                    },
                ))
            },
        )
        .map_err(|e| StoreError::at(&path, "cannot read mailboxes", e))?;
        Ok(Store {
            path,
            conn: Mutex::new(conn),
            devices: RwLock::new(devices),
            mailboxes: RwLock::new(mailboxes),
        })
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, sql: &str, args: impl rusqlite::Params) -> Result<usize, StoreError> {
        self.conn
            .lock()
            .execute(sql, args)
            .map_err(|e| StoreError::at(&self.path, "write failed", e))
    }

    // ---- device states ---------------------------------------------------

    /// Every stored device state as (name, state), sorted by name.
    pub fn device_states(&self) -> Vec<(String, String)> {
        let devices = self.devices.read();
        devices
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// The stored state of `name`.
    pub fn device_state(&self, name: &str) -> Option<String> {
        self.devices.read().get(name).cloned()
    }

    /// Stores `state` for `name`; returns the state it replaces.
    pub fn set_device_state(&self, name: &str, state: &str) -> Result<Option<String>, StoreError> {
        // The cache lock is held across the write so that two concurrent
        // updates of one device leave the cache and the file agreeing.
        let mut devices = self.devices.write();
        self.write(
            "INSERT INTO device_states (name, state) VALUES (?1, ?2)
             ON CONFLICT(name) DO UPDATE SET state = excluded.state",
            params![name, state],
        )?;
        Ok(devices.insert(name.to_string(), state.to_string()))
    }

    /// Forgets `name`; returns the state it had, if it was stored.
    pub fn delete_device_state(&self, name: &str) -> Result<Option<String>, StoreError> {
        let mut devices = self.devices.write();
        if !devices.contains_key(name) {
            return Ok(None);
        }
        self.write("DELETE FROM device_states WHERE name = ?1", params![name])?;
        Ok(devices.remove(name))
    }

    // ---- mailboxes -------------------------------------------------------

    /// Every mailbox, sorted by name.
    pub fn mailboxes(&self) -> Vec<Mailbox> {
        let mailboxes = self.mailboxes.read();
        mailboxes.iter().map(|(n, c)| mailbox(n, *c)).collect()
    }

    /// The mailbox `name`.
    pub fn mailbox(&self, name: &str) -> Option<Mailbox> {
        self.mailboxes.read().get(name).map(|c| mailbox(name, *c))
    }

    /// Sets the message counts of `name`, creating it if needed.
    pub fn set_mailbox(&self, name: &str, old: i64, new: i64) -> Result<(), StoreError> {
        let mut mailboxes = self.mailboxes.write();
        self.write(
            "INSERT INTO mailboxes (name, old_messages, new_messages) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET old_messages = excluded.old_messages,
                                             new_messages = excluded.new_messages",
            params![name, old, new],
        )?;
        mailboxes.insert(name.to_string(), Counts { old, new });
        Ok(())
    }

    /// Removes the mailbox `name`; false if there was none.
    pub fn delete_mailbox(&self, name: &str) -> Result<bool, StoreError> {
        let mut mailboxes = self.mailboxes.write();
        if !mailboxes.contains_key(name) {
            return Ok(false);
        }
        self.write("DELETE FROM mailboxes WHERE name = ?1", params![name])?;
        mailboxes.remove(name);
        Ok(true)
    }
}

fn mailbox(name: &str, c: Counts) -> Mailbox {
    Mailbox {
        name: name.to_string(),
        old_messages: c.old,
        new_messages: c.new,
    }
}

fn load<T>(
    conn: &Connection,
    sql: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<(String, T)>,
) -> rusqlite::Result<BTreeMap<String, T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], row)?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> PathBuf {
        let n: u64 = rand::random();
        std::env::temp_dir().join(format!("ari-store-{tag}-{}-{n:x}", std::process::id()))
    }

    #[test]
    fn creates_the_directory_and_persists_across_opens() {
        let d = dir("persist").join("nested");
        {
            let s = Store::open(&d).unwrap();
            assert_eq!(s.set_device_state("Stasis:a", "INUSE").unwrap(), None);
            assert_eq!(
                s.set_device_state("Stasis:a", "BUSY").unwrap(),
                Some("INUSE".into())
            );
            s.set_device_state("Stasis:b", "RINGING").unwrap();
            s.set_mailbox("100@default", 1, 2).unwrap();
            s.set_mailbox("200@default", 3, 4).unwrap();
            assert!(s.delete_mailbox("200@default").unwrap());
            assert!(!s.delete_mailbox("200@default").unwrap());
            assert_eq!(
                s.delete_device_state("Stasis:b").unwrap(),
                Some("RINGING".into())
            );
            assert_eq!(s.delete_device_state("Stasis:b").unwrap(), None);
        }
        let s = Store::open(&d).unwrap();
        assert_eq!(s.path(), d.join(DB_FILE));
        assert_eq!(
            s.device_states(),
            vec![("Stasis:a".to_string(), "BUSY".to_string())]
        );
        assert_eq!(s.device_state("Stasis:b"), None);
        assert_eq!(
            s.mailboxes(),
            vec![Mailbox {
                name: "100@default".into(),
                old_messages: 1,
                new_messages: 2
            }]
        );
        assert_eq!(s.mailbox("200@default"), None);
        let _ = std::fs::remove_dir_all(d.parent().unwrap());
    }

    #[test]
    fn an_unusable_directory_is_an_error_naming_the_path() {
        let d = dir("bad");
        std::fs::create_dir_all(&d).unwrap();
        // A directory where the database file should be.
        std::fs::create_dir_all(d.join(DB_FILE)).unwrap();
        let err = Store::open(&d).err().expect("must fail");
        assert!(err.0.contains(DB_FILE), "{err}");
        let _ = std::fs::remove_dir_all(&d);
    }
}
