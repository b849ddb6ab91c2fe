//! The ARI data model and events, shared by `ari-server` and `ari-client`.
//!
//! Field names and JSON shapes are exactly those of the Asterisk REST
//! Interface: a value serialized here is what an ARI application written for
//! Asterisk expects to read, and anything Asterisk sends deserializes here.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod events;
mod models;
mod timestamp;

pub use events::*;
pub use models::*;
pub use timestamp::Timestamp;
