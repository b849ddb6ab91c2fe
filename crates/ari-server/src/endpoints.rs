//! The endpoints this server has: those of the `Local` technology.
//!
//! In Asterisk an endpoint is a configured peer (`PJSIP/alice`) whose
//! channels it counts. Local channels have no configured peers, and Asterisk
//! gives them no endpoint at all. Here the one technology is `Local`, so an
//! endpoint stands for what is dialled: `Local/exten@context` exists while at
//! least one Local channel pair for that destination exists, and lists both
//! halves in `channel_ids`. With no calls, there are no endpoints; the
//! technology `Local` itself always exists.

use crate::core::Core;
use ari_types::Endpoint;
use std::collections::BTreeMap;

/// The channel technologies this server has, as endpoints name them.
pub const TECHNOLOGIES: &[&str] = &["Local"];

/// The technology named `tech` (compared without case), in its canonical spelling.
pub fn technology(tech: &str) -> Option<&'static str> {
    TECHNOLOGIES
        .iter()
        .copied()
        .find(|t| t.eq_ignore_ascii_case(tech))
}

/// The endpoint resource of a Local channel name:
/// `Local/100@default-0000002a;1` is `100@default`. `None` for other names.
pub fn resource_of(channel_name: &str) -> Option<&str> {
    let rest = channel_name.strip_prefix("Local/")?;
    let rest = rest
        .strip_suffix(";1")
        .or_else(|| rest.strip_suffix(";2"))
        .unwrap_or(rest);
    // The `-XXXXXXXX` sequence suffix that makes each pair's name unique.
    let rest = match rest.rsplit_once('-') {
        Some((base, seq)) if seq.len() == 8 && seq.bytes().all(|b| b.is_ascii_hexdigit()) => base,
        _ => rest,
    };
    (!rest.is_empty()).then_some(rest)
}

/// Every endpoint, sorted by resource.
pub fn list(core: &Core) -> Vec<Endpoint> {
    let mut by_resource: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for chan in core.channels() {
        if let Some(resource) = resource_of(&chan.name) {
            by_resource
                .entry(resource.to_string())
                .or_default()
                .push(chan.id.clone());
        }
    }
    by_resource
        .into_iter()
        .map(|(resource, channel_ids)| Endpoint {
            technology: TECHNOLOGIES[0].to_string(),
            resource,
            state: Some("online".to_string()),
            channel_ids,
        })
        .collect()
}

/// The endpoints of technology `tech`; `None` if there is no such technology.
pub fn list_by_tech(core: &Core, tech: &str) -> Option<Vec<Endpoint>> {
    technology(tech).map(|t| {
        list(core)
            .into_iter()
            .filter(|e| e.technology == t)
            .collect()
    })
}

/// The endpoint `tech/resource`, if it exists.
pub fn get(core: &Core, tech: &str, resource: &str) -> Option<Endpoint> {
    list_by_tech(core, tech)?
        .into_iter()
        .find(|e| e.resource == resource)
}

/// Whether an endpoint event source (`Local` or `Local/100@default`) exists.
/// Technologies are matched exactly here, as event routing compares names.
pub fn exists(core: &Core, id: &str) -> bool {
    match id.split_once('/') {
        None => TECHNOLOGIES.contains(&id),
        Some((tech, resource)) => {
            TECHNOLOGIES.contains(&tech) && get(core, tech, resource).is_some()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resources_of_channel_names() {
        assert_eq!(
            resource_of("Local/100@default-0000002a;1"),
            Some("100@default")
        );
        assert_eq!(
            resource_of("Local/100@default-0000002a;2"),
            Some("100@default")
        );
        assert_eq!(resource_of("Local/a-b@ctx-00000001;2"), Some("a-b@ctx"));
        assert_eq!(resource_of("Local/x@y"), Some("x@y"));
        assert_eq!(resource_of("PJSIP/alice-00000001"), None);
        assert_eq!(resource_of("Local/"), None);
    }

    #[test]
    fn technologies_ignore_case() {
        assert_eq!(technology("local"), Some("Local"));
        assert_eq!(technology("LOCAL"), Some("Local"));
        assert_eq!(technology("PJSIP"), None);
    }
}
