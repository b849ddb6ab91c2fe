//! `mailboxes`: message counts of mailboxes that ARI applications control.
//!
//! As Asterisk's `res_stasis_mailbox` (over `res_mwi_external`): `update`
//! creates or replaces a mailbox, `get` and `delete` answer 404 for one that
//! does not exist. Mailboxes are kept in the [`store`](crate::store) and
//! survive a restart.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::Server;
use axum::http::StatusCode;

const MISSING: &str = "Mailbox does not exist";

fn internal(e: crate::store::StoreError) -> AriError {
    tracing::error!("mailbox store: {e}");
    AriError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// A message count: Asterisk keeps them as unsigned 32-bit numbers, so a
/// negative or larger count is refused rather than wrapped.
fn count(p: &Params, name: &str) -> Result<i64, AriError> {
    let n = p
        .int(name)
        .ok_or_else(|| AriError::bad_request(format!("Missing required parameter '{name}'")))?;
    if (0..=i64::from(u32::MAX)).contains(&n) {
        Ok(n)
    } else {
        Err(AriError::bad_request(format!(
            "Parameter '{name}' must be between 0 and {}",
            u32::MAX
        )))
    }
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    let store = &server.store;
    Some(match nickname {
        "list" => Reply::ok(&store.mailboxes()),
        "get" => p.req("mailboxName").and_then(|name| {
            store
                .mailbox(name)
                .ok_or_else(|| AriError::not_found(MISSING))
                .and_then(|m| Reply::ok(&m))
        }),
        "update" => (|| {
            let name = p.req("mailboxName")?;
            let old = count(p, "oldMessages")?;
            let new = count(p, "newMessages")?;
            store.set_mailbox(name, old, new).map_err(internal)?;
            Reply::no_content()
        })(),
        "delete" => (|| {
            let name = p.req("mailboxName")?;
            if store.delete_mailbox(name).map_err(internal)? {
                Reply::no_content()
            } else {
                Err(AriError::not_found(MISSING))
            }
        })(),
        _ => return None,
    })
}
