//! `events`: the WebSocket of events, user events, and broadcast claims.

use super::{body, err, model, op, prop, query};
use crate::{DataType::*, Method::*, Model, Resource};

pub(super) const RESOURCE: Resource = Resource {
    name: "events",
    description: "The WebSocket that carries events to applications, user events, and broadcast claims",
    operations: &[
        op(
            Get,
            "/events",
            "eventWebsocket",
            "Open the WebSocket on which the named applications receive their events.",
            "Message",
            &[
                query("app", String, "Applications to register on this socket; comma-separated or repeated.")
                    .required()
                    .multiple(),
                query(
                    "subscribeAll",
                    Boolean,
                    "Subscribe the applications to every event source instead of only the ones they own or subscribed to.",
                )
                .default("false"),
            ],
            &[],
        )
        .websocket(),
        op(
            Post,
            "/events/user/{eventName}",
            "userEvent",
            "Send a user-defined event to an application.",
            "void",
            &[
                super::path("eventName", "Name of the event."),
                query("application", String, "The application that receives the event.").required(),
                query(
                    "source",
                    String,
                    "Event sources to attach: channel:{channelId}, bridge:{bridgeId}, endpoint:{tech}/{resource}, deviceState:{deviceName}.",
                )
                .multiple(),
                body("variables", Containers, "Key/value pairs carried in the event's userevent object."),
            ],
            &[
                err(404, "Application does not exist."),
                err(422, "Event source not found."),
                err(400, "Invalid event source URI or user event data."),
            ],
        ),
        op(
            Post,
            "/events/claim",
            "claimChannel",
            "Claim a channel offered by a call broadcast for an application.",
            "void",
            &[
                query("channelId", String, "The offered channel.").required(),
                query("application", String, "The application claiming the channel.").required(),
            ],
            &[
                err(400, "A required parameter is missing."),
                err(404, "Channel not found, not being broadcast, or the application was not offered this call."),
                err(409, "Another application has already claimed the channel."),
                err(501, "The call broadcast module is not loaded."),
            ],
        )
        .notes("Exactly one claim wins each broadcast; every other claim gets 409 Conflict."),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[
    model(
        "Message",
        "Base of everything sent on the events WebSocket.",
        &[
            prop("type", "string", "Name of the message type.").required(),
            prop(
                "asterisk_id",
                "string",
                "Id of the Asterisk that sent the message.",
            ),
        ],
    )
    .sub_types(&["MissingParams", "Event"])
    .discriminator("type"),
    model(
        "MissingParams",
        "Error sent when a request lacks required parameters.",
        &[prop("params", "List[string]", "Names of the missing parameters.").required()],
    ),
    model(
        "Event",
        "Base of the asynchronous events.",
        &[
            prop(
                "application",
                "string",
                "Application the event is delivered to.",
            )
            .required(),
            prop("timestamp", "Date", "When the event was created.").required(),
        ],
    )
    .sub_types(&[
        "DeviceStateChanged",
        "PlaybackStarted",
        "PlaybackContinuing",
        "PlaybackFinished",
        "RecordingStarted",
        "RecordingFinished",
        "RecordingFailed",
        "ApplicationMoveFailed",
        "ApplicationRegistered",
        "ApplicationUnregistered",
        "ApplicationReplaced",
        "BridgeCreated",
        "BridgeDestroyed",
        "BridgeMerged",
        "BridgeBlindTransfer",
        "BridgeAttendedTransfer",
        "BridgeVideoSourceChanged",
        "ChannelCreated",
        "ChannelDestroyed",
        "ChannelEnteredBridge",
        "ChannelLeftBridge",
        "ChannelStateChange",
        "ChannelDtmfReceived",
        "ChannelDialplan",
        "ChannelCallerId",
        "ChannelUserevent",
        "ChannelHangupRequest",
        "ChannelVarset",
        "ChannelToneDetected",
        "ChannelTalkingStarted",
        "ChannelTalkingFinished",
        "ChannelHold",
        "ChannelUnhold",
        "ContactStatusChange",
        "EndpointStateChange",
        "Dial",
        "StasisEnd",
        "StasisStart",
        "TextMessageReceived",
        "ChannelConnectedLine",
        "PeerStatusChange",
        "ChannelTransfer",
        "RESTResponse",
        "CallBroadcast",
        "CallClaimed",
    ]),
    model(
        "ContactInfo",
        "A contact registered to an endpoint.",
        &[
            prop("uri", "string", "Where the contact is.").required(),
            prop("contact_status", "string", "Current status of the contact.")
                .required()
                .values(&[
                    "Unreachable",
                    "Reachable",
                    "Unknown",
                    "NonQualified",
                    "Removed",
                ]),
            prop("aor", "string", "Address of record the contact belongs to.").required(),
            prop(
                "roundtrip_usec",
                "string",
                "Latest round-trip time to the contact, in microseconds.",
            ),
        ],
    ),
    model(
        "Peer",
        "A remote peer talking to Asterisk.",
        &[
            prop(
                "peer_status",
                "string",
                "Current state of the peer; values depend on the channel driver.",
            )
            .required(),
            prop(
                "cause",
                "string",
                "Reason for the change, if one was given.",
            ),
            prop("address", "string", "IP address of the peer."),
            prop("port", "string", "Port of the peer."),
            prop("time", "string", "When the peer was last heard from."),
        ],
    ),
    model(
        "DeviceStateChanged",
        "A device state changed.",
        &[prop("device_state", "DeviceState", "The device state.").required()],
    ),
    model(
        "PlaybackStarted",
        "A playback started.",
        &[prop("playback", "Playback", "The playback.").required()],
    ),
    model(
        "PlaybackContinuing",
        "A playback moved on to the next media URI of its list.",
        &[prop("playback", "Playback", "The playback.").required()],
    ),
    model(
        "PlaybackFinished",
        "A playback ended.",
        &[prop("playback", "Playback", "The playback.").required()],
    ),
    model(
        "RecordingStarted",
        "A recording started.",
        &[prop("recording", "LiveRecording", "The recording.").required()],
    ),
    model(
        "RecordingFinished",
        "A recording ended.",
        &[prop("recording", "LiveRecording", "The recording.").required()],
    ),
    model(
        "RecordingFailed",
        "A recording failed.",
        &[prop("recording", "LiveRecording", "The recording.").required()],
    ),
    model(
        "ApplicationMoveFailed",
        "Moving a channel to another application failed.",
        &[
            prop("channel", "Channel", "The channel that could not be moved.").required(),
            prop(
                "destination",
                "string",
                "The application it was to be moved to.",
            )
            .required(),
            prop(
                "args",
                "List[string]",
                "Arguments given to the application.",
            )
            .required(),
        ],
    ),
    model(
        "ApplicationRegistered",
        "An application was registered.",
        &[],
    ),
    model(
        "ApplicationUnregistered",
        "An application was unregistered.",
        &[],
    ),
    model(
        "ApplicationReplaced",
        "A newer WebSocket took the application over; sent to the older one.",
        &[],
    ),
    model(
        "BridgeCreated",
        "A bridge was created.",
        &[prop("bridge", "Bridge", "The bridge concerned.").required()],
    ),
    model(
        "BridgeDestroyed",
        "A bridge was destroyed.",
        &[prop("bridge", "Bridge", "The bridge concerned.").required()],
    ),
    model(
        "BridgeMerged",
        "One bridge was merged into another.",
        &[
            prop("bridge", "Bridge", "The bridge that remains.").required(),
            prop("bridge_from", "Bridge", "The bridge merged away.").required(),
        ],
    ),
    model(
        "BridgeVideoSourceChanged",
        "The video source of a bridge changed.",
        &[
            prop("bridge", "Bridge", "The bridge concerned.").required(),
            prop(
                "old_video_source_id",
                "string",
                "Id of the previous video source channel.",
            ),
        ],
    ),
    model(
        "BridgeBlindTransfer",
        "A blind transfer happened.",
        &[
            prop("channel", "Channel", "The channel doing the transfer.").required(),
            prop(
                "replace_channel",
                "Channel",
                "The channel standing in for the transferer when the transferee cannot be moved.",
            ),
            prop("transferee", "Channel", "The channel being transferred."),
            prop("exten", "string", "Extension transferred to.").required(),
            prop("context", "string", "Context transferred to.").required(),
            prop("result", "string", "Outcome of the transfer.").required(),
            prop(
                "is_external",
                "boolean",
                "Whether the transfer was started outside Asterisk.",
            )
            .required(),
            prop("bridge", "Bridge", "The bridge being transferred."),
        ],
    ),
    model(
        "BridgeAttendedTransfer",
        "An attended transfer happened.",
        &[
            prop(
                "transferer_first_leg",
                "Channel",
                "First call leg of the transferer.",
            )
            .required(),
            prop(
                "transferer_second_leg",
                "Channel",
                "Second call leg of the transferer.",
            )
            .required(),
            prop(
                "replace_channel",
                "Channel",
                "The channel taking the place of the first leg.",
            ),
            prop("transferee", "Channel", "The channel being transferred."),
            prop("transfer_target", "Channel", "The channel transferred to."),
            prop("result", "string", "Outcome of the transfer.").required(),
            prop(
                "is_external",
                "boolean",
                "Whether the transfer was started outside Asterisk.",
            )
            .required(),
            prop(
                "transferer_first_leg_bridge",
                "Bridge",
                "Bridge holding the first leg.",
            ),
            prop(
                "transferer_second_leg_bridge",
                "Bridge",
                "Bridge holding the second leg.",
            ),
            prop(
                "destination_type",
                "string",
                "How the transfer was completed.",
            )
            .required(),
            prop(
                "destination_bridge",
                "string",
                "Bridge that remained after a merge.",
            ),
            prop(
                "destination_application",
                "string",
                "Application transferred into.",
            ),
            prop(
                "destination_link_first_leg",
                "Channel",
                "First leg of a link result.",
            ),
            prop(
                "destination_link_second_leg",
                "Channel",
                "Second leg of a link result.",
            ),
            prop(
                "destination_threeway_channel",
                "Channel",
                "Transferer channel that remained in a three-way result.",
            ),
            prop(
                "destination_threeway_bridge",
                "Bridge",
                "Bridge that remained in a three-way result.",
            ),
        ],
    ),
    model(
        "ChannelCreated",
        "A channel was created.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "ChannelDestroyed",
        "A channel was destroyed.",
        &[
            prop("cause", "int", "Hangup cause code.").required(),
            prop("cause_txt", "string", "Hangup cause as text.").required(),
            prop(
                "tech_cause",
                "int",
                "Technology-specific cause code, when there is one.",
            ),
            prop("channel", "Channel", "The channel concerned.").required(),
        ],
    ),
    model(
        "ChannelEnteredBridge",
        "A channel joined a bridge.",
        &[
            prop("bridge", "Bridge", "The bridge concerned.").required(),
            prop("channel", "Channel", "The channel concerned."),
        ],
    ),
    model(
        "ChannelLeftBridge",
        "A channel left a bridge.",
        &[
            prop("bridge", "Bridge", "The bridge concerned.").required(),
            prop("channel", "Channel", "The channel concerned.").required(),
        ],
    ),
    model(
        "ChannelStateChange",
        "A channel changed state.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "ChannelDtmfReceived",
        "A DTMF digit ended on a channel (no event marks its start).",
        &[
            prop("digit", "string", "The digit (0-9, A-E, # or *).").required(),
            prop(
                "duration_ms",
                "int",
                "How long the digit lasted, in milliseconds.",
            )
            .required(),
            prop("channel", "Channel", "The channel concerned.").required(),
        ],
    ),
    model(
        "ChannelDialplan",
        "A channel moved in the dialplan.",
        &[
            prop("channel", "Channel", "The channel concerned.").required(),
            prop("dialplan_app", "string", "Application about to run.").required(),
            prop(
                "dialplan_app_data",
                "string",
                "Arguments for that application.",
            )
            .required(),
        ],
    ),
    model(
        "ChannelCallerId",
        "The caller id of a channel changed.",
        &[
            prop(
                "caller_presentation",
                "int",
                "Caller presentation as a number.",
            )
            .required(),
            prop(
                "caller_presentation_txt",
                "string",
                "Caller presentation as text.",
            )
            .required(),
            prop("channel", "Channel", "The channel concerned.").required(),
        ],
    ),
    model(
        "ChannelUserevent",
        "A user-defined event, with its own fields.",
        &[
            prop("eventname", "string", "Name of the user event.").required(),
            prop("channel", "Channel", "A channel the event concerns."),
            prop("bridge", "Bridge", "A bridge the event concerns."),
            prop("endpoint", "Endpoint", "An endpoint the event concerns."),
            prop("userevent", "object", "The user-supplied fields.").required(),
        ],
    ),
    model(
        "ChannelHangupRequest",
        "Someone asked for a channel to hang up.",
        &[
            prop("cause", "int", "Hangup cause code."),
            prop(
                "tech_cause",
                "int",
                "Technology-specific cause code, when there is one.",
            ),
            prop("soft", "boolean", "Whether it was a soft hangup request."),
            prop("channel", "Channel", "The channel concerned.").required(),
        ],
    ),
    model(
        "ChannelVarset",
        "A variable changed, on a channel or globally.",
        &[
            prop("variable", "string", "Name of the variable.").required(),
            prop("value", "string", "Its new value.").required(),
            prop(
                "channel",
                "Channel",
                "The channel the variable is on; absent for a global variable.",
            ),
        ],
    ),
    model(
        "ChannelHold",
        "A channel put its media on hold.",
        &[
            prop("channel", "Channel", "The channel concerned.").required(),
            prop(
                "musicclass",
                "string",
                "Music-on-hold class asked for by the holder.",
            ),
        ],
    ),
    model(
        "ChannelUnhold",
        "A channel took its media off hold.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "ChannelToneDetected",
        "A tone was detected on a channel.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "ChannelTalkingStarted",
        "Speech began on a channel.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "ChannelTalkingFinished",
        "Speech stopped on a channel.",
        &[
            prop("channel", "Channel", "The channel concerned.").required(),
            prop(
                "duration",
                "int",
                "How long speech lasted, in milliseconds.",
            )
            .required(),
        ],
    ),
    model(
        "ContactStatusChange",
        "A contact of an endpoint changed status.",
        &[
            prop("endpoint", "Endpoint", "The endpoint concerned.").required(),
            prop(
                "contact_info",
                "ContactInfo",
                "The contact and its new status.",
            )
            .required(),
        ],
    ),
    model(
        "PeerStatusChange",
        "A peer of an endpoint changed status.",
        &[
            prop("endpoint", "Endpoint", "The endpoint concerned.").required(),
            prop("peer", "Peer", "The peer and its new status.").required(),
        ],
    ),
    model(
        "EndpointStateChange",
        "An endpoint changed state.",
        &[prop("endpoint", "Endpoint", "The endpoint concerned.").required()],
    ),
    model(
        "Dial",
        "The state of a dial attempt changed.",
        &[
            prop("caller", "Channel", "The calling channel."),
            prop("peer", "Channel", "The channel being dialed.").required(),
            prop(
                "forward",
                "string",
                "Where the dialed channel asked the call to be forwarded.",
            ),
            prop(
                "forwarded",
                "Channel",
                "The channel the caller was forwarded to.",
            ),
            prop("dialstring", "string", "Dial string used for the peer."),
            prop("dialstatus", "string", "Current status of the attempt.").required(),
        ],
    ),
    model(
        "StasisEnd",
        "A channel left a Stasis application.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "StasisStart",
        "A channel entered a Stasis application.",
        &[
            prop(
                "args",
                "List[string]",
                "Arguments given to the application.",
            )
            .required(),
            prop("channel", "Channel", "The channel concerned.").required(),
            prop(
                "replace_channel",
                "Channel",
                "The channel this one replaces, if any.",
            ),
        ],
    ),
    model(
        "TextMessageReceived",
        "An endpoint sent a text message.",
        &[
            prop("message", "TextMessage", "The message.").required(),
            prop("endpoint", "Endpoint", "The endpoint that sent it."),
        ],
    ),
    model(
        "ChannelConnectedLine",
        "The connected line of a channel changed.",
        &[prop("channel", "Channel", "The channel concerned.").required()],
    ),
    model(
        "ChannelTransfer",
        "A transfer request arrived on a channel.",
        &[
            prop("state", "string", "State of the transfer."),
            prop(
                "refer_to",
                "ReferTo",
                "Refer-To details, with the affected channels when known.",
            )
            .required(),
            prop(
                "referred_by",
                "ReferredBy",
                "Referred-By details (RFC 3892).",
            )
            .required(),
        ],
    ),
    model(
        "ReferTo",
        "Where a transfer is to go.",
        &[
            prop(
                "requested_destination",
                "RequiredDestination",
                "The destination asked for.",
            )
            .required(),
            prop(
                "destination_channel",
                "Channel",
                "The channel to be replaced.",
            ),
            prop(
                "connected_channel",
                "Channel",
                "The channel connected to it.",
            ),
            prop(
                "bridge",
                "Bridge",
                "Bridge joining the two destination channels.",
            ),
        ],
    ),
    model(
        "ReferredBy",
        "Who asked for a transfer.",
        &[
            prop(
                "source_channel",
                "Channel",
                "The channel the transfer request arrived on.",
            )
            .required(),
            prop(
                "connected_channel",
                "Channel",
                "The channel connected to it.",
            ),
            prop("bridge", "Bridge", "Bridge joining the two channels."),
        ],
    ),
    model(
        "RequiredDestination",
        "The destination asked for in a transfer.",
        &[
            prop(
                "protocol_id",
                "string",
                "Protocol id (SIP Call-ID) the referrer asked for; attended transfers only.",
            ),
            prop(
                "destination",
                "string",
                "User part of the destination; blind transfers only.",
            ),
            prop(
                "additional_protocol_params",
                "List[AdditionalParam]",
                "Extra protocol-specific details.",
            ),
        ],
    ),
    model(
        "AdditionalParam",
        "A protocol-specific extra parameter.",
        &[
            prop("parameter_name", "string", "Parameter name.").required(),
            prop("parameter_value", "string", "Parameter value.").required(),
        ],
    ),
    model(
        "RESTHeader",
        "A header of a REST request carried over the WebSocket.",
        &[
            prop("name", "string", "Header name.").required(),
            prop("value", "string", "Header value.").required(),
        ],
    ),
    model(
        "RESTQueryStringParameter",
        "A query parameter of a REST request carried over the WebSocket.",
        &[
            prop("name", "string", "Parameter name.").required(),
            prop("value", "string", "Parameter value.").required(),
        ],
    ),
    model(
        "RESTRequest",
        "A REST request carried over the WebSocket.",
        &[
            prop("type", "string", "Message type; always 'RESTRequest'.").required(),
            prop(
                "transaction_id",
                "string",
                "Caller-chosen transaction id, echoed in the answer.",
            )
            .required(),
            prop(
                "request_id",
                "string",
                "Caller-chosen request id, echoed in the answer.",
            )
            .required(),
            prop("method", "string", "HTTP method.").required(),
            prop(
                "uri",
                "string",
                "Resource URI, possibly with a query string.",
            )
            .required(),
            prop("content_type", "string", "Content-Type of the body."),
            prop(
                "query_strings",
                "List[RESTQueryStringParameter]",
                "Query parameters of the request.",
            ),
            prop(
                "message_body",
                "string",
                "Request body (JSON or form data).",
            ),
        ],
    ),
    model(
        "RESTResponse",
        "The answer to a REST request carried over the WebSocket.",
        &[
            prop(
                "transaction_id",
                "string",
                "Caller-chosen transaction id, echoed in the answer.",
            )
            .required(),
            prop(
                "request_id",
                "string",
                "Caller-chosen request id, echoed in the answer.",
            )
            .required(),
            prop("status_code", "int", "HTTP status code.").required(),
            prop("reason_phrase", "string", "HTTP reason phrase.").required(),
            prop("uri", "string", "URI of the original request.").required(),
            prop("content_type", "string", "Content-Type of the body."),
            prop("message_body", "string", "Response body."),
        ],
    ),
    model(
        "CallBroadcast",
        "A channel is offered to several applications; the first to claim it wins.",
        &[
            prop("channel", "Channel", "The channel on offer.").required(),
            prop("caller", "string", "Caller number."),
            prop("called", "string", "Called number."),
        ],
    ),
    model(
        "CallClaimed",
        "A broadcast channel was claimed by an application.",
        &[
            prop("channel", "Channel", "The claimed channel.").required(),
            prop(
                "winner_app",
                "string",
                "The application that won the claim.",
            )
            .required(),
        ],
    ),
];
