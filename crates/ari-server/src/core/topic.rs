//! Event sources (`channel:ID`, `bridge:ID`, `endpoint:TECH[/RES]`, `deviceState:NAME`).

use std::fmt;

/// A source of events an application can subscribe to.
///
/// An empty id stands for every resource of that kind (`channel:` subscribes
/// to all channels), and `Endpoint("PJSIP")` for every endpoint of a technology.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// A channel, by id.
    Channel(String),
    /// A bridge, by id.
    Bridge(String),
    /// An endpoint (`tech/resource`) or a whole technology (`tech`).
    Endpoint(String),
    /// A device state, by device name.
    Device(String),
}

/// An event source URI that is not of the form `scheme:id`.
#[derive(Debug, PartialEq, Eq)]
pub struct BadSource(pub String);

impl Topic {
    /// Parses an ARI event source URI.
    pub fn parse(uri: &str) -> Result<Topic, BadSource> {
        let (scheme, id) = uri
            .split_once(':')
            .ok_or_else(|| BadSource(format!("Invalid event source URI: {uri}")))?;
        let id = id.to_string();
        match scheme {
            "channel" => Ok(Topic::Channel(id)),
            "bridge" => Ok(Topic::Bridge(id)),
            "endpoint" => Ok(Topic::Endpoint(id)),
            "deviceState" => Ok(Topic::Device(id)),
            _ => Err(BadSource(format!(
                "Invalid event source URI scheme: {scheme}"
            ))),
        }
    }

    /// The topic that stands for every resource of the same kind.
    pub fn all_of_kind(&self) -> Topic {
        match self {
            Topic::Channel(_) => Topic::Channel(String::new()),
            Topic::Bridge(_) => Topic::Bridge(String::new()),
            Topic::Endpoint(_) => Topic::Endpoint(String::new()),
            Topic::Device(_) => Topic::Device(String::new()),
        }
    }

    /// For an endpoint `tech/resource`, the topic of its whole technology.
    pub fn technology(&self) -> Option<Topic> {
        match self {
            Topic::Endpoint(id) => id
                .split_once('/')
                .map(|(tech, _)| Topic::Endpoint(tech.to_string())),
            _ => None,
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Channel(id) => write!(f, "channel:{id}"),
            Topic::Bridge(id) => write!(f, "bridge:{id}"),
            Topic::Endpoint(id) => write!(f, "endpoint:{id}"),
            Topic::Device(id) => write!(f, "deviceState:{id}"),
        }
    }
}
