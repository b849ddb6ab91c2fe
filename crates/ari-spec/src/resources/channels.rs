//! `channels`: call legs, from origination to hangup, and everything an
//! application can do to one while it is in Stasis.

use super::{body, err, model, op, path, prop, query};
use crate::{DataType::*, ErrorResponse, Method::*, Model, Param, Resource};

const CHANNEL_ID: Param = path("channelId", "Id of the channel.");
const NOT_FOUND: ErrorResponse = err(404, "The channel does not exist.");
const NOT_IN_STASIS: ErrorResponse = err(409, "The channel is not in a Stasis application.");
const BAD_STATE: ErrorResponse = err(412, "The channel is in a state that does not allow this.");
const CONTROL_ERRORS: &[ErrorResponse] = &[NOT_FOUND, NOT_IN_STASIS, BAD_STATE];

const ENDPOINT: Param =
    query("endpoint", String, "Endpoint to call (e.g. PJSIP/alice).").required();
const EXTENSION: Param = query(
    "extension",
    String,
    "Dialplan extension to run once answered; excludes app.",
);
const CONTEXT: Param = query(
    "context",
    String,
    "Dialplan context to run once answered ('default' when omitted); excludes app.",
);
const PRIORITY: Param = query(
    "priority",
    Long,
    "Dialplan priority to run once answered (1 when omitted); excludes app.",
);
const LABEL: Param = query(
    "label",
    String,
    "Dialplan label to run once answered; wins over priority; excludes app.",
);
const APP: Param = query(
    "app",
    String,
    "Stasis application that is subscribed to the new channel and receives it when answered; excludes the dialplan parameters.",
);
const APP_ARGS: Param = query(
    "appArgs",
    String,
    "Arguments handed to the Stasis application given by app.",
);
const CALLER_ID: Param = query("callerId", String, "Caller id presented when dialing.");
const TIMEOUT: Param = query(
    "timeout",
    Int,
    "Seconds to wait for an answer; -1 waits forever.",
)
.default("30");
const VARIABLES: Param = body(
    "variables",
    Containers,
    "Channel variables to set on creation, under the `variables` key of the JSON body; other body keys act as query parameters.",
);
const OTHER_CHANNEL_ID: Param = query(
    "otherChannelId",
    String,
    "Id for the second channel of a Local channel pair.",
);
const ORIGINATOR: Param = query(
    "originator",
    String,
    "Id of the channel that causes this one to be created.",
);
const FORMATS: Param = query(
    "formats",
    String,
    "Comma-separated format names (e.g. ulaw,slin16) to offer when there is no originator.",
);
const ORIGINATE_ERRORS: &[ErrorResponse] = &[
    err(400, "The origination parameters are invalid."),
    err(409, "A channel with that id already exists."),
];
const PLAY_NOTES: &str =
    "Media URIs may use the sound:, recording:, number:, digits:, characters: and tone: \
schemes. The answer is a playback that can be paused, rewound, fast-forwarded and stopped.";
const MEDIA: Param = query("media", String, "Media URIs to play, in order.")
    .required()
    .multiple();
const LANG: Param = query("lang", String, "Language to pick for sound: URIs.");
const OFFSETMS: Param = query(
    "offsetms",
    Int,
    "Milliseconds to skip at the start; applies to the first URI only.",
);
const SKIPMS: Param = query(
    "skipms",
    Int,
    "Milliseconds to move on forward and reverse controls.",
)
.default("3000");
const SPEED: Param = query(
    "speed",
    Double,
    "Playback speed factor, above 0 and up to 4.",
)
.default("1.0");
const DIRECTIONS: &[&str] = &["both", "in", "out"];
const SNOOP_DIRECTIONS: &[&str] = &["none", "both", "out", "in"];
const SPY: Param = query("spy", String, "Which audio of the channel the snoop hears.")
    .default("none")
    .values(SNOOP_DIRECTIONS);
const WHISPER: Param = query(
    "whisper",
    String,
    "Which direction the snoop's audio is injected into.",
)
.default("none")
.values(SNOOP_DIRECTIONS);
const SNOOP_APP: Param = query(
    "app",
    String,
    "Stasis application the snooping channel is put into.",
)
.required();
const SNOOP_APP_ARGS: Param = query("appArgs", String, "Arguments handed to that application.");
const SNOOP_ERRORS: &[ErrorResponse] = &[err(400, "The parameters are invalid."), NOT_FOUND];

pub(super) const RESOURCE: Resource = Resource {
    name: "channels",
    description: "Channels, the call legs between Asterisk and endpoints",
    operations: &[
        op(Get, "/channels", "list", "List every active channel.", "List[Channel]", &[], &[]),
        op(
            Post,
            "/channels",
            "originate",
            "Create a channel and dial it (originate).",
            "Channel",
            &[
                ENDPOINT,
                EXTENSION,
                CONTEXT,
                PRIORITY,
                LABEL,
                APP,
                APP_ARGS,
                CALLER_ID,
                TIMEOUT,
                VARIABLES,
                query("channelId", String, "Id to give the new channel."),
                OTHER_CHANNEL_ID,
                ORIGINATOR,
                FORMATS,
            ],
            ORIGINATE_ERRORS,
        )
        .notes(
            "The channel exists as soon as the call returns, which answers with its snapshot; a given \
application is subscribed to it at once.",
        ),
        op(
            Post,
            "/channels/create",
            "create",
            "Create a channel in a Stasis application without dialing it yet.",
            "Channel",
            &[
                query("endpoint", String, "Endpoint the channel talks to.").required(),
                query("app", String, "Stasis application the channel is put into.").required(),
                APP_ARGS,
                query("channelId", String, "Id to give the new channel."),
                OTHER_CHANNEL_ID,
                query("originator", String, "Id of the calling channel."),
                FORMATS,
                VARIABLES,
            ],
            &[err(409, "A channel with that id already exists.")],
        ),
        op(Get, "/channels/{channelId}", "get", "Describe one channel.", "Channel", &[CHANNEL_ID], &[NOT_FOUND]),
        op(
            Post,
            "/channels/{channelId}",
            "originateWithId",
            "Originate a channel with the id given in the path.",
            "Channel",
            &[
                path("channelId", "Id to give the new channel."),
                ENDPOINT,
                EXTENSION,
                CONTEXT,
                PRIORITY,
                LABEL,
                APP,
                APP_ARGS,
                CALLER_ID,
                TIMEOUT,
                VARIABLES,
                OTHER_CHANNEL_ID,
                ORIGINATOR,
                FORMATS,
            ],
            ORIGINATE_ERRORS,
        )
        .notes(
            "The channel exists as soon as the call returns, which answers with its snapshot; a given \
application is subscribed to it at once.",
        ),
        op(
            Delete,
            "/channels/{channelId}",
            "hangup",
            "Hang a channel up.",
            "void",
            &[
                CHANNEL_ID,
                query(
                    "reason_code",
                    String,
                    "Numeric hangup cause to use; excludes reason.",
                ),
                query("reason", String, "Named hangup reason; excludes reason_code.").values(&[
                    "normal",
                    "busy",
                    "congestion",
                    "no_answer",
                    "timeout",
                    "rejected",
                    "unallocated",
                    "normal_unspecified",
                    "number_incomplete",
                    "codec_mismatch",
                    "interworking",
                    "failure",
                    "answered_elsewhere",
                ]),
            ],
            &[err(400, "The hangup reason is invalid."), NOT_FOUND],
        ),
        op(
            Post,
            "/channels/{channelId}/continue",
            "continueInDialplan",
            "Leave the application and carry on in the dialplan.",
            "void",
            &[
                CHANNEL_ID,
                query("context", String, "Context to continue in."),
                query("extension", String, "Extension to continue at."),
                query("priority", Int, "Priority to continue at."),
                query("label", String, "Label to continue at; wins over priority."),
            ],
            CONTROL_ERRORS,
        ),
        op(
            Post,
            "/channels/{channelId}/move",
            "move",
            "Hand the channel over to another Stasis application.",
            "void",
            &[
                CHANNEL_ID,
                query("app", String, "Application that receives the channel.").required(),
                query("appArgs", String, "Arguments handed to that application."),
            ],
            &[NOT_FOUND, NOT_IN_STASIS],
        ),
        op(
            Post,
            "/channels/{channelId}/redirect",
            "redirect",
            "Redirect the channel elsewhere, which normally takes it out of the application.",
            "void",
            &[CHANNEL_ID, query("endpoint", String, "Endpoint to redirect to.").required()],
            &[
                err(400, "The endpoint parameter is missing."),
                err(404, "The channel or the endpoint does not exist."),
                NOT_IN_STASIS,
                err(422, "The endpoint's technology differs from the channel's."),
                BAD_STATE,
            ],
        ),
        op(Post, "/channels/{channelId}/answer", "answer", "Answer the channel.", "void", &[CHANNEL_ID], CONTROL_ERRORS),
        op(Post, "/channels/{channelId}/ring", "ring", "Indicate ringing to the channel.", "void", &[CHANNEL_ID], CONTROL_ERRORS),
        op(
            Delete,
            "/channels/{channelId}/ring",
            "ringStop",
            "Stop a locally generated ringing indication.",
            "void",
            &[CHANNEL_ID],
            CONTROL_ERRORS,
        ),
        op(
            Post,
            "/channels/{channelId}/progress",
            "progress",
            "Indicate call progress to the channel.",
            "void",
            &[CHANNEL_ID],
            CONTROL_ERRORS,
        ),
        op(
            Post,
            "/channels/{channelId}/dtmf",
            "sendDTMF",
            "Send DTMF digits to the channel.",
            "void",
            &[
                CHANNEL_ID,
                query("dtmf", String, "Digits to send."),
                query("before", Int, "Milliseconds to wait before the first digit.").default("0"),
                query("between", Int, "Milliseconds between digits.").default("100"),
                query("duration", Int, "Milliseconds each digit lasts.").default("100"),
                query("after", Int, "Milliseconds to wait after the last digit.").default("0"),
            ],
            &[err(400, "No DTMF was given."), NOT_FOUND, NOT_IN_STASIS, BAD_STATE],
        ),
        op(
            Post,
            "/channels/{channelId}/mute",
            "mute",
            "Mute the channel.",
            "void",
            &[CHANNEL_ID, query("direction", String, "Audio direction to mute.").default("both").values(DIRECTIONS)],
            CONTROL_ERRORS,
        ),
        op(
            Delete,
            "/channels/{channelId}/mute",
            "unmute",
            "Unmute the channel.",
            "void",
            &[CHANNEL_ID, query("direction", String, "Audio direction to unmute.").default("both").values(DIRECTIONS)],
            CONTROL_ERRORS,
        ),
        op(Post, "/channels/{channelId}/hold", "hold", "Put the channel on hold.", "void", &[CHANNEL_ID], CONTROL_ERRORS),
        op(
            Delete,
            "/channels/{channelId}/hold",
            "unhold",
            "Take the channel off hold.",
            "void",
            &[CHANNEL_ID],
            CONTROL_ERRORS,
        ),
        op(
            Post,
            "/channels/{channelId}/moh",
            "startMoh",
            "Play music on hold to the channel.",
            "void",
            &[CHANNEL_ID, query("mohClass", String, "Music-on-hold class to play.")],
            CONTROL_ERRORS,
        )
        .notes(
            "Other media operations such as play suspend the music and do not resume it; the application has \
to start it again.",
        ),
        op(
            Delete,
            "/channels/{channelId}/moh",
            "stopMoh",
            "Stop music on hold on the channel.",
            "void",
            &[CHANNEL_ID],
            CONTROL_ERRORS,
        ),
        op(
            Post,
            "/channels/{channelId}/silence",
            "startSilence",
            "Play silence to the channel.",
            "void",
            &[CHANNEL_ID],
            CONTROL_ERRORS,
        )
        .notes("Other media operations such as play suspend the silence and do not resume it."),
        op(
            Delete,
            "/channels/{channelId}/silence",
            "stopSilence",
            "Stop playing silence to the channel.",
            "void",
            &[CHANNEL_ID],
            CONTROL_ERRORS,
        ),
        op(
            Post,
            "/channels/{channelId}/play",
            "play",
            "Start playing media to the channel.",
            "Playback",
            &[CHANNEL_ID, MEDIA, LANG, OFFSETMS, SKIPMS, SPEED, query("playbackId", String, "Id to give the playback.")],
            CONTROL_ERRORS,
        )
        .notes(PLAY_NOTES),
        op(
            Post,
            "/channels/{channelId}/play/{playbackId}",
            "playWithId",
            "Start playing media to the channel, with the playback id given in the path.",
            "Playback",
            &[CHANNEL_ID, path("playbackId", "Id to give the playback."), MEDIA, LANG, OFFSETMS, SKIPMS, SPEED],
            CONTROL_ERRORS,
        )
        .notes(PLAY_NOTES),
        op(
            Post,
            "/channels/{channelId}/record",
            "record",
            "Start recording the channel.",
            "LiveRecording",
            &[
                CHANNEL_ID,
                query("name", String, "Name to store the recording under.").required(),
                query("format", String, "File format to record in.").required(),
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
                    "The channel is not in a Stasis application, is bridged with other channels, or a recording of \
that name exists and may not be replaced.",
                ),
                err(422, "The format is not known to this system."),
            ],
        )
        .notes(
            "Only audio coming from the channel is recorded, not audio sent to it; record the bridge to capture \
both sides.",
        ),
        op(
            Get,
            "/channels/{channelId}/variable",
            "getChannelVar",
            "Read a channel variable or dialplan function.",
            "Variable",
            &[CHANNEL_ID, query("variable", String, "Name of the variable or function.").required()],
            &[
                err(400, "The variable parameter is missing."),
                err(404, "The channel or the variable does not exist."),
                NOT_IN_STASIS,
            ],
        ),
        op(
            Post,
            "/channels/{channelId}/variable",
            "setChannelVar",
            "Set a channel variable or dialplan function.",
            "void",
            &[
                CHANNEL_ID,
                query("variable", String, "Name of the variable or function.").required(),
                query("value", String, "Value to set."),
            ],
            &[err(400, "The variable parameter is missing."), NOT_FOUND, NOT_IN_STASIS],
        ),
        op(
            Post,
            "/channels/{channelId}/snoop",
            "snoopChannel",
            "Start snooping (spying or whispering) on the channel.",
            "Channel",
            &[CHANNEL_ID, SPY, WHISPER, SNOOP_APP, SNOOP_APP_ARGS, query("snoopId", String, "Id to give the snooping channel.")],
            SNOOP_ERRORS,
        )
        .notes("Creates a channel that listens to and/or speaks into the given channel."),
        op(
            Post,
            "/channels/{channelId}/snoop/{snoopId}",
            "snoopChannelWithId",
            "Start snooping on the channel, with the snooping channel's id given in the path.",
            "Channel",
            &[CHANNEL_ID, path("snoopId", "Id to give the snooping channel."), SPY, WHISPER, SNOOP_APP, SNOOP_APP_ARGS],
            SNOOP_ERRORS,
        )
        .notes("Creates a channel that listens to and/or speaks into the given channel."),
        op(
            Post,
            "/channels/{channelId}/dial",
            "dial",
            "Dial a channel made with create.",
            "void",
            &[
                CHANNEL_ID,
                query("caller", String, "Id of the calling channel."),
                query("timeout", Int, "Seconds to wait for an answer; 0 waits forever.")
                    .default("0")
                    .range(Some(0), None),
            ],
            &[err(404, "The channel does not exist."), err(409, "The channel cannot be dialed.")],
        ),
        op(
            Get,
            "/channels/{channelId}/rtp_statistics",
            "rtpstatistics",
            "Read the RTP statistics of the channel.",
            "RTPstat",
            &[CHANNEL_ID],
            &[err(404, "The channel does not exist.")],
        ),
        op(
            Post,
            "/channels/externalMedia",
            "externalMedia",
            "Create a channel that exchanges media with an external source or sink.",
            "Channel",
            &[
                query("channelId", String, "Id to give the new channel."),
                query("app", String, "Stasis application the channel is put into.").required(),
                VARIABLES,
                query(
                    "external_host",
                    String,
                    "host:port, or websocket_client connection id, of the far end; may be empty for a websocket server connection.",
                ),
                query("encapsulation", String, "How the media is wrapped; must be none for websocket.")
                    .default("rtp")
                    .values(&["rtp", "audiosocket", "none"]),
                query("transport", String, "Transport protocol.")
                    .default("udp")
                    .values(&["udp", "tcp", "websocket"]),
                query("connection_type", String, "Whether Asterisk connects or listens; server only for websocket.")
                    .default("client")
                    .values(&["client", "server"]),
                query("format", String, "Audio format to exchange.").required(),
                query("direction", String, "Media direction.").default("both").values(&["both"]),
                query("data", String, "Free-form data passed along."),
                query("transport_data", String, "Transport-specific data; for websocket it is appended to the dial string."),
            ],
            &[
                err(400, "The parameters are invalid."),
                err(409, "The channel is not in a Stasis application, or is already bridged."),
            ],
        )
        .notes(
            "transport and encapsulation pick the driver: udp/rtp uses chan_rtp, tcp/audiosocket uses \
chan_audiosocket and websocket/none uses chan_websocket.",
        ),
        op(
            Post,
            "/channels/{channelId}/transfer_progress",
            "transfer_progress",
            "Tell the channel how an attended or blind transfer it asked for is progressing.",
            "void",
            &[CHANNEL_ID, query("states", String, "The progress state to report.").required()],
            &[
                err(400, "The parameters are invalid."),
                err(404, "The channel or endpoint does not exist."),
                NOT_IN_STASIS,
                BAD_STATE,
            ],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[
    model("Dialed", "Information about a dialed channel (no fields).", &[
    ]),
    model("DialplanCEP", "A position in the dialplan.", &[
        prop("context", "string", "Dialplan context.").required(),
        prop("exten", "string", "Extension within the context.").required(),
        prop("priority", "long", "Priority within the extension.").required(),
        prop("app_name", "string", "Dialplan application being run.").required(),
        prop("app_data", "string", "Arguments of that application.").required(),
    ]),
    model("CallerID", "A name and number pair identifying a party.", &[
        prop("name", "string", "Display name.").required(),
        prop("number", "string", "Number.").required(),
    ]),
    model("RTPstat", "RTP counters and quality figures of a channel's media stream.", &[
        prop("txcount", "int", "Packets sent.").required(),
        prop("rxcount", "int", "Packets received.").required(),
        prop("txjitter", "double", "Jitter of sent packets."),
        prop("rxjitter", "double", "Jitter of received packets."),
        prop("remote_maxjitter", "double", "Largest jitter reported by the far end."),
        prop("remote_minjitter", "double", "Smallest jitter reported by the far end."),
        prop("remote_normdevjitter", "double", "Mean jitter reported by the far end."),
        prop("remote_stdevjitter", "double", "Standard deviation of far-end jitter."),
        prop("local_maxjitter", "double", "Largest jitter measured here."),
        prop("local_minjitter", "double", "Smallest jitter measured here."),
        prop("local_normdevjitter", "double", "Mean jitter measured here."),
        prop("local_stdevjitter", "double", "Standard deviation of local jitter."),
        prop("txploss", "int", "Sent packets lost.").required(),
        prop("rxploss", "int", "Received packets lost.").required(),
        prop("remote_maxrxploss", "double", "Largest loss reported by the far end."),
        prop("remote_minrxploss", "double", "Smallest loss reported by the far end."),
        prop("remote_normdevrxploss", "double", "Mean loss reported by the far end."),
        prop("remote_stdevrxploss", "double", "Standard deviation of far-end loss."),
        prop("local_maxrxploss", "double", "Largest loss measured here."),
        prop("local_minrxploss", "double", "Smallest loss measured here."),
        prop("local_normdevrxploss", "double", "Mean loss measured here."),
        prop("local_stdevrxploss", "double", "Standard deviation of local loss."),
        prop("rtt", "double", "Round-trip time in total."),
        prop("maxrtt", "double", "Longest round-trip time."),
        prop("minrtt", "double", "Shortest round-trip time."),
        prop("normdevrtt", "double", "Mean round-trip time."),
        prop("stdevrtt", "double", "Standard deviation of round-trip time."),
        prop("local_ssrc", "int", "SSRC used by this side.").required(),
        prop("remote_ssrc", "int", "SSRC used by the far end.").required(),
        prop("txoctetcount", "int", "Octets sent.").required(),
        prop("rxoctetcount", "int", "Octets received.").required(),
        prop("channel_uniqueid", "string", "Unique id of the channel owning the stream.").required(),
    ]),
    model("Channel", "One call leg between Asterisk and an endpoint.", &[
        prop("id", "string", "Unique id of the channel (the AMI Uniqueid).").required(),
        prop("protocol_id", "string", "Id given by the channel driver, such as the SIP Call-ID; empty when there is none.").required(),
        prop("name", "string", "Channel name, e.g. PJSIP/alice-00000001.").required(),
        prop("state", "string", "Current state of the channel.").required().values(&["Down", "Rsrved", "OffHook", "Dialing", "Ring", "Ringing", "Up", "Busy", "Dialing Offhook", "Pre-ring", "Unknown"]),
        prop("caller", "CallerID", "Caller identity.").required(),
        prop("connected", "CallerID", "Connected party identity.").required(),
        prop("accountcode", "string", "Account code for billing.").required(),
        prop("dialplan", "DialplanCEP", "Where the channel is in the dialplan.").required(),
        prop("creationtime", "Date", "When the channel was created.").required(),
        prop("language", "string", "Language used for prompts on this channel.").required(),
        prop("channelvars", "object", "Channel variables selected for inclusion in events."),
        prop("caller_rdnis", "string", "Redirecting number (RDNIS) of the caller."),
        prop("tenantid", "string", "Tenant the channel belongs to."),
    ]),
];
