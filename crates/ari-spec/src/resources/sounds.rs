//! `sounds`: the sound files Asterisk can play.

use super::{model, op, path, prop, query};
use crate::{DataType::*, Method::*, Model, Resource};

pub(super) const RESOURCE: Resource = Resource {
    name: "sounds",
    description: "Sound files available for playback",
    operations: &[
        op(
            Get,
            "/sounds",
            "list",
            "List the available sounds.",
            "List[Sound]",
            &[
                query("lang", String, "Only sounds in this language."),
                query("format", String, "Only sounds in this format."),
            ],
            &[],
        ),
        op(
            Get,
            "/sounds/{soundId}",
            "get",
            "Describe one sound.",
            "Sound",
            &[path("soundId", "Id of the sound.")],
            &[],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[
    model(
        "FormatLangPair",
        "A format and language in which a sound exists.",
        &[
            prop("language", "string", "Language code.").required(),
            prop("format", "string", "File format.").required(),
        ],
    ),
    model(
        "Sound",
        "A sound file that can be played.",
        &[
            prop("id", "string", "Id of the sound.").required(),
            prop("text", "string", "What the sound says, when known."),
            prop(
                "formats",
                "List[FormatLangPair]",
                "Available formats and languages.",
            )
            .required(),
        ],
    ),
];
