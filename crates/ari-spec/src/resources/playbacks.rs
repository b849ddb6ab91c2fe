//! `playbacks`: control of media being played to channels and bridges.

use super::{err, model, op, path, prop, query};
use crate::{DataType::*, ErrorResponse, Method::*, Model, Param, Resource};

const PLAYBACK_ID: Param = path("playbackId", "Id of the playback.");
const NOT_FOUND: ErrorResponse = err(404, "The playback does not exist.");

pub(super) const RESOURCE: Resource = Resource {
    name: "playbacks",
    description: "Playbacks of media to channels and bridges",
    operations: &[
        op(
            Get,
            "/playbacks/{playbackId}",
            "get",
            "Describe a playback.",
            "Playback",
            &[PLAYBACK_ID],
            &[NOT_FOUND],
        ),
        op(
            Delete,
            "/playbacks/{playbackId}",
            "stop",
            "Stop a playback.",
            "void",
            &[PLAYBACK_ID],
            &[NOT_FOUND],
        ),
        op(
            Post,
            "/playbacks/{playbackId}/control",
            "control",
            "Pause, resume, rewind, fast-forward or restart a playback.",
            "void",
            &[
                PLAYBACK_ID,
                query("operation", String, "What to do to the playback.")
                    .required()
                    .values(&["restart", "pause", "unpause", "reverse", "forward"]),
            ],
            &[
                err(400, "The operation is not valid."),
                NOT_FOUND,
                err(409, "The playback's state does not allow the operation."),
            ],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[model(
    "Playback",
    "A media playback to a channel or bridge.",
    &[
        prop("id", "string", "Id of the playback.").required(),
        prop("media_uri", "string", "URI of the media now playing.").required(),
        prop(
            "next_media_uri",
            "string",
            "URI of the next media, when a list is played.",
        ),
        prop(
            "target_uri",
            "string",
            "URI of the channel or bridge played to.",
        )
        .required(),
        prop(
            "language",
            "string",
            "Language asked for, for media that has several.",
        ),
        prop("state", "string", "Where the playback stands.")
            .required()
            .values(&["queued", "playing", "continuing", "done", "failed"]),
    ],
)];
