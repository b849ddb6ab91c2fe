//! `sounds`: the sound files the server can play.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::media::sounds::FormatLang;
use crate::Server;
use serde::Serialize;

/// The ARI `Sound` object.
#[derive(Serialize)]
struct Sound {
    id: String,
    text: String,
    formats: Vec<FormatLang>,
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    let index = || server.core.media.sounds.index();
    Some(match nickname {
        "list" => {
            let lang = p.str("lang").filter(|s| !s.is_empty());
            let format = p.str("format").filter(|s| !s.is_empty());
            let list: Vec<Sound> = index()
                .into_iter()
                .filter_map(|(id, formats)| {
                    let formats: Vec<FormatLang> = formats
                        .into_iter()
                        .filter(|f| {
                            lang.is_none_or(|l| f.language == l)
                                && format.is_none_or(|x| f.format == x)
                        })
                        .collect();
                    (!formats.is_empty()).then_some(Sound {
                        id,
                        text: String::new(),
                        formats,
                    })
                })
                .collect();
            Reply::ok(&list)
        }
        "get" => (|| {
            let id = p.req("soundId")?;
            let formats = index()
                .remove(id)
                .ok_or_else(|| AriError::not_found(format!("Sound not found: {id}")))?;
            Reply::ok(&Sound {
                id: id.to_string(),
                text: String::new(),
                formats,
            })
        })(),
        _ => return None,
    })
}
