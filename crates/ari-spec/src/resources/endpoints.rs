//! `endpoints`: the devices and peers calls go to and come from, and the
//! out-of-call messages and transfers (REFER) sent to them.

use super::{body, err, model, op, path, prop, query};
use crate::{DataType::*, Method::*, Model, Resource};

pub(super) const RESOURCE: Resource = Resource {
    name: "endpoints",
    description: "Endpoints, the devices and peers that calls go to and come from",
    operations: &[
        op(Get, "/endpoints", "list", "List every endpoint.", "List[Endpoint]", &[], &[]),
        op(
            Put,
            "/endpoints/sendMessage",
            "sendMessage",
            "Send an out-of-call text message to a technology URI or an endpoint.",
            "void",
            &[
                query("to", String, "Endpoint or technology-specific URI to deliver to (pjsip, sip, xmpp).").required(),
                query("from", String, "Endpoint or technology-specific identity to send as.").required(),
                query("body", String, "Text of the message."),
                body(
                    "variables",
                    Containers,
                    "Technology-specific key/value pairs added to the message (SIP headers for pjsip).",
                ),
            ],
            &[
                err(400, "The message parameters are invalid."),
                err(404, "The endpoint does not exist."),
            ],
        ),
        op(
            Post,
            "/endpoints/refer",
            "refer",
            "Ask an endpoint or technology URI to transfer (REFER) to another URI or endpoint.",
            "void",
            &[
                query("to", String, "Endpoint or technology-specific URI that receives the REFER (pjsip).").required(),
                query("from", String, "Endpoint or technology-specific identity the REFER comes from.").required(),
                query("refer_to", String, "Where the recipient is asked to go (a URI or an endpoint).").required(),
                query(
                    "to_self",
                    Boolean,
                    "When refer_to names a local endpoint, use that endpoint's own contact rather than the remote one.",
                )
                .default("false"),
                body("variables", Containers, "Technology-specific key/value pairs added to the REFER."),
            ],
            &[
                err(400, "The REFER parameters are invalid."),
                err(404, "The endpoint does not exist."),
            ],
        ),
        op(
            Get,
            "/endpoints/{tech}",
            "listByTech",
            "List the endpoints of one technology.",
            "List[Endpoint]",
            &[path("tech", "Technology of the endpoints (pjsip, iax2, ...).")],
            &[err(404, "No endpoints of that technology.")],
        ),
        op(
            Get,
            "/endpoints/{tech}/{resource}",
            "get",
            "Describe one endpoint.",
            "Endpoint",
            &[
                path("tech", "Technology of the endpoint."),
                path("resource", "Name of the endpoint within its technology."),
            ],
            &[err(400, "The parameters are invalid."), err(404, "The endpoint does not exist.")],
        ),
        op(
            Put,
            "/endpoints/{tech}/{resource}/sendMessage",
            "sendMessageToEndpoint",
            "Send an out-of-call text message to one endpoint.",
            "void",
            &[
                path("tech", "Technology of the endpoint."),
                path("resource", "Name of the endpoint within its technology."),
                query("from", String, "Endpoint or technology-specific identity to send as.").required(),
                query("body", String, "Text of the message."),
                body("variables", Containers, "Technology-specific key/value pairs added to the message."),
            ],
            &[
                err(400, "The message parameters are invalid."),
                err(404, "The endpoint does not exist."),
            ],
        ),
        op(
            Post,
            "/endpoints/{tech}/{resource}/refer",
            "referToEndpoint",
            "Ask one endpoint to transfer (REFER) to another URI or endpoint.",
            "void",
            &[
                path("tech", "Technology of the endpoint."),
                path("resource", "Name of the endpoint within its technology."),
                query("from", String, "Endpoint or technology-specific identity the REFER comes from.").required(),
                query("refer_to", String, "Where the endpoint is asked to go (a URI or an endpoint).").required(),
                query(
                    "to_self",
                    Boolean,
                    "When refer_to names a local endpoint, use that endpoint's own contact rather than the remote one.",
                )
                .default("false"),
                body("variables", Containers, "Technology-specific key/value pairs added to the REFER."),
            ],
            &[
                err(400, "The REFER parameters are invalid."),
                err(404, "The endpoint does not exist."),
            ],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[
    model("Endpoint", "A device or peer that places or receives calls; identified by technology and resource together.", &[
        prop("technology", "string", "Channel technology (PJSIP, IAX2, ...).").required(),
        prop("resource", "string", "Name of the endpoint within its technology.").required(),
        prop("state", "string", "Reachability of the endpoint.").values(&["unknown", "offline", "online"]),
        prop("channel_ids", "List[string]", "Ids of the channels currently using the endpoint.").required(),
    ]),
    model("TextMessage", "An out-of-call text message.", &[
        prop("from", "string", "Technology-specific URI of the sender.").required(),
        prop("to", "string", "Technology-specific URI of the recipient, normally an endpoint.").required(),
        prop("body", "string", "Text of the message.").required(),
        prop("variables", "object", "Technology-specific key/value pairs carried with the message."),
    ]),
];
