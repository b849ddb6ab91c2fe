//! `bridges`: mixing channels together, and the media operations on a bridge.

use super::{err, model, op, path, prop, query};
use crate::{DataType::*, ErrorResponse, Method::*, Model, Param, Resource};

const BRIDGE_ID: Param = path("bridgeId", "Id of the bridge.");
const NOT_FOUND: ErrorResponse = err(404, "The bridge does not exist.");
const NOT_IN_STASIS: ErrorResponse = err(409, "The bridge is not in a Stasis application.");
const BAD_FORMAT: ErrorResponse = err(422, "The format is not known to this system.");
const CREATE_NOTES: &str = "The bridge lives until it is destroyed or Asterisk shuts down.";
const PLAY_NOTES: &str =
    "Media URIs may use the sound:, recording:, number:, digits:, characters: and tone: \
schemes. The answer is a playback that can be paused, rewound, fast-forwarded and stopped.";
const MEDIA: Param = query("media", String, "Media URIs to play, in order.")
    .required()
    .multiple();
const ANNOUNCER_FORMAT: Param = query(
    "announcer_format",
    String,
    "Format of the announcer channel added to the bridge; by default the highest sample rate among the members.",
);
const LANG: Param = query("lang", String, "Language to pick for sound: URIs.");
const OFFSETMS: Param = query(
    "offsetms",
    Int,
    "Milliseconds to skip at the start; applies to the first URI only.",
)
.default("0")
.range(Some(0), None);
const SKIPMS: Param = query(
    "skipms",
    Int,
    "Milliseconds to move on forward and reverse controls.",
)
.default("3000")
.range(Some(0), None);
const SPEED: Param = query(
    "speed",
    Double,
    "Playback speed factor, above 0 and up to 4.",
)
.default("1.0");
const PLAY_ERRORS: &[ErrorResponse] = &[NOT_FOUND, NOT_IN_STASIS, BAD_FORMAT];

pub(super) const RESOURCE: Resource = Resource {
    name: "bridges",
    description: "Bridges, which mix the media of the channels in them",
    operations: &[
        op(Get, "/bridges", "list", "List every active bridge.", "List[Bridge]", &[], &[]),
        op(
            Post,
            "/bridges",
            "create",
            "Create a bridge.",
            "Bridge",
            &[
                query(
                    "type",
                    String,
                    "Comma-separated bridge attributes: mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label.",
                ),
                query("bridgeId", String, "Id to give the bridge."),
                query("name", String, "Name to give the bridge."),
            ],
            &[err(409, "A bridge with that id already exists.")],
        )
        .notes(CREATE_NOTES),
        op(
            Post,
            "/bridges/{bridgeId}",
            "createWithId",
            "Create a bridge with the id given in the path.",
            "Bridge",
            &[
                query(
                    "type",
                    String,
                    "Comma-separated bridge attributes to set: mixing, holding, dtmf_events, proxy_media, video_sfu, video_single, sdp_label.",
                ),
                path("bridgeId", "Id to give the bridge."),
                query("name", String, "Name to give the bridge."),
            ],
            &[err(409, "A bridge with that id already exists.")],
        )
        .notes(CREATE_NOTES),
        op(Get, "/bridges/{bridgeId}", "get", "Describe one bridge.", "Bridge", &[BRIDGE_ID], &[NOT_FOUND]),
        op(
            Delete,
            "/bridges/{bridgeId}",
            "destroy",
            "Destroy a bridge.",
            "void",
            &[BRIDGE_ID],
            &[NOT_FOUND],
        )
        .notes("Channels still in the bridge are taken out and go back to what they were doing before."),
        op(
            Post,
            "/bridges/{bridgeId}/addChannel",
            "addChannel",
            "Put channels into the bridge.",
            "void",
            &[
                BRIDGE_ID,
                query("channel", String, "Ids of the channels to add.").required().multiple(),
                query("role", String, "Role of the channels in the bridge."),
                query("absorbDTMF", Boolean, "Keep DTMF from these channels out of the bridge.").default("false"),
                query("mute", Boolean, "Keep audio from these channels out of the bridge.").default("false"),
                query(
                    "inhibitConnectedLineUpdates",
                    Boolean,
                    "Do not tell the other members who has joined.",
                )
                .default("false"),
            ],
            &[
                err(400, "A channel does not exist."),
                NOT_FOUND,
                err(409, "The bridge is not in a Stasis application, or a channel is being recorded."),
                err(422, "A channel is not in a Stasis application."),
            ],
        ),
        op(
            Post,
            "/bridges/{bridgeId}/removeChannel",
            "removeChannel",
            "Take channels out of the bridge.",
            "void",
            &[BRIDGE_ID, query("channel", String, "Ids of the channels to remove.").required().multiple()],
            &[
                err(400, "A channel does not exist."),
                NOT_FOUND,
                NOT_IN_STASIS,
                err(422, "A channel is not in this bridge."),
            ],
        ),
        op(
            Post,
            "/bridges/{bridgeId}/videoSource/{channelId}",
            "setVideoSource",
            "Make a channel the video source of a multi-party mixing bridge; no effect with two members or fewer.",
            "void",
            &[BRIDGE_ID, path("channelId", "Id of the channel.")],
            &[
                err(404, "The bridge or the channel does not exist."),
                err(409, "The channel is not in a Stasis application."),
                err(422, "The channel is not in this bridge."),
            ],
        ),
        op(
            Delete,
            "/bridges/{bridgeId}/videoSource",
            "clearVideoSource",
            "Drop the explicit video source of a multi-party mixing bridge, going back to talker detection.",
            "void",
            &[BRIDGE_ID],
            &[NOT_FOUND],
        ),
        op(
            Post,
            "/bridges/{bridgeId}/moh",
            "startMoh",
            "Play music on hold to the bridge, or change the class being played.",
            "void",
            &[BRIDGE_ID, query("mohClass", String, "Music-on-hold class to play.")],
            &[NOT_FOUND, NOT_IN_STASIS],
        ),
        op(
            Delete,
            "/bridges/{bridgeId}/moh",
            "stopMoh",
            "Stop music on hold on the bridge.",
            "void",
            &[BRIDGE_ID],
            &[NOT_FOUND, NOT_IN_STASIS],
        )
        .notes("Only stops music started with POST /bridges/{bridgeId}/moh."),
        op(
            Post,
            "/bridges/{bridgeId}/play",
            "play",
            "Start playing media to the bridge.",
            "Playback",
            &[
                BRIDGE_ID,
                MEDIA,
                ANNOUNCER_FORMAT,
                LANG,
                OFFSETMS,
                SKIPMS,
                SPEED,
                query("playbackId", String, "Id to give the playback."),
            ],
            PLAY_ERRORS,
        )
        .notes(PLAY_NOTES),
        op(
            Post,
            "/bridges/{bridgeId}/play/{playbackId}",
            "playWithId",
            "Start playing media to the bridge, with the playback id given in the path.",
            "Playback",
            &[
                BRIDGE_ID,
                path("playbackId", "Id to give the playback."),
                MEDIA,
                ANNOUNCER_FORMAT,
                LANG,
                OFFSETMS,
                SKIPMS,
                SPEED,
            ],
            PLAY_ERRORS,
        )
        .notes(PLAY_NOTES),
        op(
            Post,
            "/bridges/{bridgeId}/record",
            "record",
            "Start recording the bridge.",
            "LiveRecording",
            &[
                BRIDGE_ID,
                query("name", String, "Name to store the recording under.").required(),
                query("format", String, "File format to record in.").required(),
                query(
                    "recorder_format",
                    String,
                    "Format of the recorder channel added to the bridge; by default the same as format.",
                ),
                query("maxDurationSeconds", Int, "Longest the recording may last, in seconds; 0 means no limit.")
                    .default("0")
                    .range(Some(0), None),
                query("maxSilenceSeconds", Int, "Longest silence allowed, in seconds; 0 means no limit.")
                    .default("0")
                    .range(Some(0), None),
                query("ifExists", String, "What to do when a recording of that name exists.")
                    .default("fail")
                    .values(&["fail", "overwrite", "append"]),
                query("beep", Boolean, "Play a beep when recording starts.").default("false"),
                query("terminateOn", String, "DTMF digit that ends the recording.")
                    .default("none")
                    .values(&["none", "any", "*", "#"]),
            ],
            &[
                err(400, "The parameters are invalid."),
                NOT_FOUND,
                err(
                    409,
                    "The bridge is not in a Stasis application, or a recording of that name exists and may not be replaced.",
                ),
                BAD_FORMAT,
            ],
        )
        .notes("Records the mixed audio of every channel in the bridge."),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[model(
    "Bridge",
    "A set of channels whose media is mixed together.",
    &[
        prop("id", "string", "Unique id of the bridge.").required(),
        prop("technology", "string", "Bridging technology in use.").required(),
        prop("bridge_type", "string", "Kind of bridge.")
            .required()
            .values(&["mixing", "holding"]),
        prop("bridge_class", "string", "Class of the bridge.").required(),
        prop("creator", "string", "Who created the bridge.").required(),
        prop("name", "string", "Name given by the creator.").required(),
        prop(
            "channels",
            "List[string]",
            "Ids of the channels in the bridge.",
        )
        .required(),
        prop(
            "video_mode",
            "string",
            "Video mode: 'none', 'talker', 'sfu' or 'single'.",
        ),
        prop(
            "video_source_id",
            "string",
            "Id of the channel whose video is shown, if any.",
        ),
        prop("creationtime", "Date", "When the bridge was created.").required(),
    ],
)];
