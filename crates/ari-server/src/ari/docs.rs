//! The API documents: Swagger 1.2 (`/ari/api-docs/resources.json` and
//! `/ari/api-docs/{resource}.json`, which the Node.js client loads when it
//! connects) and OpenAPI 3 (`/ari/openapi.json`), all generated from
//! `ari-spec` with `basePath` built from the request's `Host`.

use super::error::{AriError, Reply};
use axum::http::{header, HeaderMap};

/// The document at `path` (below `/ari`), if it is one.
pub(super) fn serve(path: &str, headers: &HeaderMap) -> Option<Result<Reply, AriError>> {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost:8088");
    let base = format!("http://{host}/ari");
    let doc = if path == "/openapi.json" {
        ari_spec::docs::openapi(&base)
    } else {
        let name = path.strip_prefix("/api-docs/")?.strip_suffix(".json")?;
        if name == "resources" {
            ari_spec::docs::resource_listing(&base)
        } else {
            match ari_spec::docs::api_declaration(name, &base) {
                Some(d) => d,
                None => {
                    return Some(Err(AriError::not_found(format!(
                        "No API declaration for '{name}'"
                    ))))
                }
            }
        }
    };
    Some(Reply::ok(&doc))
}
