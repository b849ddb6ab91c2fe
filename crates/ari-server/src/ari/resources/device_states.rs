//! `deviceStates`: device states that ARI applications control.
//!
//! As in Asterisk (`res_stasis_device_state`), only devices named
//! `Stasis:NAME` can be set or deleted through ARI; their states are kept in
//! the [`store`](crate::store) and survive a restart. Reading works for any
//! device name: a `Stasis:` device never set is `UNKNOWN`, a `Local/exten@context`
//! device is computed as Asterisk's Local channel driver does, and any other
//! device is `INVALID` (no provider or technology for it here).

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::stasis::Topic;
use crate::Server;
use ari_types::{DeviceState, DeviceStateChanged, Event};
use axum::http::StatusCode;

/// The scheme of device names ARI controls (compared without case).
const PREFIX: &str = "Stasis:";

/// For `Stasis:NAME` (any case), `NAME`; `None` for other devices.
fn controlled(device: &str) -> Option<&str> {
    device
        .get(..PREFIX.len())
        .filter(|p| p.eq_ignore_ascii_case(PREFIX))
        .map(|_| &device[PREFIX.len()..])
}

/// Checks that `device` is an ARI-controlled name; returns it spelt
/// `Stasis:NAME`, as Asterisk names it in events and lists.
fn controlled_name(device: &str) -> Result<String, AriError> {
    match controlled(device) {
        None => Err(AriError::conflict("Uncontrolled device specified")),
        Some("") => Err(AriError::not_found("Device name is missing")),
        Some(name) => Ok(format!("{PREFIX}{name}")),
    }
}

fn internal(e: crate::store::StoreError) -> AriError {
    tracing::error!("device state store: {e}");
    AriError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// The state of `Local/exten@context[/opts]` as Asterisk's `local_devicestate`
/// computes it: `INUSE` while a Local pair for it exists, else `NOT_INUSE` if
/// the extension exists, else `INVALID`.
fn local_state(server: &Server, data: &str) -> &'static str {
    let dest = data.split('/').next().unwrap_or("");
    let Some((exten, context)) = dest.split_once('@') else {
        return "INVALID";
    };
    let in_use = server
        .core
        .channels()
        .iter()
        .any(|c| crate::endpoints::resource_of(&c.name) == Some(dest));
    if in_use {
        "INUSE"
    } else if server.core.dialplan().exten_exists(context, exten) {
        "NOT_INUSE"
    } else {
        "INVALID"
    }
}

/// The current state of any device name.
fn current_state(server: &Server, device: &str) -> String {
    if let Some(name) = controlled(device) {
        return server
            .store
            .device_state(&format!("{PREFIX}{name}"))
            .unwrap_or_else(|| "UNKNOWN".to_string());
    }
    match device.split_once('/') {
        Some((tech, data)) if tech.eq_ignore_ascii_case("Local") => {
            local_state(server, data).to_string()
        }
        _ => "INVALID".to_string(),
    }
}

/// Tells the applications watching `name` (or every device) its new state.
fn publish(server: &Server, name: &str, state: &str) {
    let event = Event::DeviceStateChanged(DeviceStateChanged {
        device_state: DeviceState {
            name: name.to_string(),
            state: state.to_string(),
        },
    });
    server
        .stasis
        .publish(&event, &[Topic::Device(name.to_string())]);
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    Some(match nickname {
        "list" => {
            let list: Vec<DeviceState> = server
                .store
                .device_states()
                .into_iter()
                .map(|(name, state)| DeviceState { name, state })
                .collect();
            Reply::ok(&list)
        }
        "get" => p.req("deviceName").and_then(|device| {
            Reply::ok(&DeviceState {
                name: device.to_string(),
                state: current_state(server, device),
            })
        }),
        "update" => (|| {
            let name = controlled_name(p.req("deviceName")?)?;
            let state = p.req("deviceState")?;
            let previous = server
                .store
                .set_device_state(&name, state)
                .map_err(internal)?;
            // As Asterisk's aggregate device state: an event only on change.
            if previous.as_deref() != Some(state) {
                publish(server, &name, state);
            }
            Reply::no_content()
        })(),
        "delete" => (|| {
            let name = controlled_name(p.req("deviceName")?)?;
            // Deleting a device that has no state is not an error (Asterisk
            // answers 204 too); deleting one that had a state tells its
            // watchers it is now UNKNOWN.
            if server
                .store
                .delete_device_state(&name)
                .map_err(internal)?
                .is_some()
            {
                publish(server, &name, "UNKNOWN");
            }
            Reply::no_content()
        })(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controlled_names() {
        assert_eq!(controlled("Stasis:lamp"), Some("lamp"));
        assert_eq!(controlled("stasis:lamp"), Some("lamp"));
        assert_eq!(controlled("Stasis:"), Some(""));
        assert_eq!(controlled("Custom:lamp"), None);
        assert_eq!(controlled("Stas"), None);
        assert_eq!(controlled("Stasisé:x"), None);
        assert_eq!(controlled_name("stasis:lamp").unwrap(), "Stasis:lamp");
        assert_eq!(
            controlled_name("PJSIP/alice").unwrap_err().status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            controlled_name("Stasis:").unwrap_err().status,
            StatusCode::NOT_FOUND
        );
    }
}
