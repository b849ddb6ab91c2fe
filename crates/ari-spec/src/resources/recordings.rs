//! `recordings`: finished recordings on disk and recordings in progress.

use super::{err, model, op, path, prop, query};
use crate::{DataType::*, ErrorResponse, Method::*, Model, Param, Resource};

const NAME: Param = path("recordingName", "Name of the recording.");
const NOT_FOUND: ErrorResponse = err(404, "The recording does not exist.");
const NOT_IN_SESSION: ErrorResponse = err(409, "The recording is not in progress.");

pub(super) const RESOURCE: Resource = Resource {
    name: "recordings",
    description: "Recordings, both stored and in progress",
    operations: &[
        op(
            Get,
            "/recordings/stored",
            "listStored",
            "List the finished recordings.",
            "List[StoredRecording]",
            &[],
            &[],
        ),
        op(
            Get,
            "/recordings/stored/{recordingName}",
            "getStored",
            "Describe a finished recording.",
            "StoredRecording",
            &[NAME],
            &[NOT_FOUND],
        ),
        op(
            Delete,
            "/recordings/stored/{recordingName}",
            "deleteStored",
            "Delete a finished recording.",
            "void",
            &[NAME],
            &[NOT_FOUND],
        ),
        op(
            Get,
            "/recordings/stored/{recordingName}/file",
            "getStoredFile",
            "Download the file of a finished recording.",
            "binary",
            &[NAME],
            &[
                err(403, "The recording file could not be opened."),
                NOT_FOUND,
            ],
        ),
        op(
            Post,
            "/recordings/stored/{recordingName}/copy",
            "copyStored",
            "Copy a finished recording under another name.",
            "StoredRecording",
            &[
                path("recordingName", "Name of the recording to copy."),
                query("destinationRecordingName", String, "Name of the copy.").required(),
            ],
            &[
                NOT_FOUND,
                err(409, "A recording with the destination name already exists."),
            ],
        ),
        op(
            Get,
            "/recordings/live/{recordingName}",
            "getLive",
            "Describe a recording in progress.",
            "LiveRecording",
            &[NAME],
            &[NOT_FOUND],
        ),
        op(
            Delete,
            "/recordings/live/{recordingName}",
            "cancel",
            "Stop a recording in progress and throw it away.",
            "void",
            &[NAME],
            &[NOT_FOUND],
        ),
        op(
            Post,
            "/recordings/live/{recordingName}/stop",
            "stop",
            "Stop a recording in progress and keep it.",
            "void",
            &[NAME],
            &[NOT_FOUND],
        ),
        op(
            Post,
            "/recordings/live/{recordingName}/pause",
            "pause",
            "Pause a recording in progress.",
            "void",
            &[NAME],
            &[NOT_FOUND, NOT_IN_SESSION],
        )
        .notes(
            "Silence detection is suspended while paused, and paused time does not count towards \
maxDurationSeconds.",
        ),
        op(
            Delete,
            "/recordings/live/{recordingName}/pause",
            "unpause",
            "Resume a paused recording.",
            "void",
            &[NAME],
            &[NOT_FOUND, NOT_IN_SESSION],
        ),
        op(
            Post,
            "/recordings/live/{recordingName}/mute",
            "mute",
            "Mute a recording in progress.",
            "void",
            &[NAME],
            &[NOT_FOUND, NOT_IN_SESSION],
        )
        .notes("Silence detection is suspended while muted."),
        op(
            Delete,
            "/recordings/live/{recordingName}/mute",
            "unmute",
            "Unmute a recording in progress.",
            "void",
            &[NAME],
            &[NOT_FOUND, NOT_IN_SESSION],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[
    model(
        "StoredRecording",
        "A finished recording on disk.",
        &[
            prop("name", "string", "Name of the recording.").required(),
            prop("format", "string", "File format of the recording.").required(),
        ],
    ),
    model(
        "LiveRecording",
        "A recording in progress.",
        &[
            prop("name", "string", "Name the recording is stored under.").required(),
            prop("format", "string", "File format (wav, gsm, ...).").required(),
            prop(
                "target_uri",
                "string",
                "URI of the recorded channel or bridge.",
            )
            .required(),
            prop("state", "string", "Where the recording stands.")
                .required()
                .values(&[
                    "queued",
                    "recording",
                    "paused",
                    "done",
                    "failed",
                    "canceled",
                ]),
            prop("duration", "int", "Length so far, in seconds."),
            prop(
                "talking_duration",
                "int",
                "Seconds of speech detected; only with a non-zero maxSilenceSeconds.",
            ),
            prop(
                "silence_duration",
                "int",
                "Seconds of silence detected; only with a non-zero maxSilenceSeconds.",
            ),
            prop("cause", "string", "Why the recording failed, when it did."),
        ],
    ),
];
