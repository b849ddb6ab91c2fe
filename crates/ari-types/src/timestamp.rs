//! ARI's timestamp format: `2018-10-23T12:36:11.110+0000`.

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A point in time, written as ARI writes it: milliseconds and a `+hhmm` offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<FixedOffset>);

/// The format string ARI uses.
const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.3f%z";

impl Timestamp {
    /// The current time, in UTC, cut to whole milliseconds: the precision
    /// ARI writes, so a timestamp survives a trip through JSON unchanged.
    pub fn now() -> Self {
        Timestamp(Utc::now().fixed_offset().trunc_subsecs(3))
    }

    /// Parses ARI's form, also accepting RFC 3339 (`...Z`, `+00:00`).
    pub fn parse(s: &str) -> Option<Self> {
        DateTime::parse_from_str(s, FORMAT)
            .or_else(|_| DateTime::parse_from_rfc3339(s))
            .ok()
            .map(Timestamp)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format(FORMAT))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("bad ARI timestamp {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_ari_form() {
        let t = Timestamp::parse("2018-10-23T12:36:11.110+0000").unwrap();
        assert_eq!(t.to_string(), "2018-10-23T12:36:11.110+0000");
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, "\"2018-10-23T12:36:11.110+0000\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
    }

    #[test]
    fn accepts_rfc3339_and_rejects_garbage() {
        assert!(Timestamp::parse("2018-10-23T12:36:11.110Z").is_some());
        assert!(Timestamp::parse("yesterday").is_none());
        assert_eq!(Timestamp::now().to_string().len(), 28);
    }

    #[test]
    fn now_survives_json() {
        let t = Timestamp::now();
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), t);
    }
}
