//! `applications`: Stasis applications, their subscriptions and event filters.

use super::{body, err, model, op, path, prop, query};
use crate::{DataType::*, Method::*, Model, Param, Resource};

const APP_NAME: Param = path("applicationName", "Name of the application.");
const EVENT_SOURCE: Param = query(
    "eventSource",
    String,
    "Event sources: channel:{channelId}, bridge:{bridgeId}, endpoint:{tech}[/{resource}], deviceState:{deviceName}.",
)
.required()
.multiple();

pub(super) const RESOURCE: Resource = Resource {
    name: "applications",
    description: "Stasis applications",
    operations: &[
        op(Get, "/applications", "list", "List the applications.", "List[Application]", &[], &[]),
        op(
            Get,
            "/applications/{applicationName}",
            "get",
            "Describe one application.",
            "Application",
            &[APP_NAME],
            &[err(404, "The application does not exist.")],
        ),
        op(
            Post,
            "/applications/{applicationName}/subscription",
            "subscribe",
            "Subscribe the application to event sources.",
            "Application",
            &[APP_NAME, EVENT_SOURCE],
            &[
                err(400, "A parameter is missing."),
                err(404, "The application does not exist."),
                err(422, "An event source does not exist."),
            ],
        )
        .notes("Answers with the application as it is after the change."),
        op(
            Delete,
            "/applications/{applicationName}/subscription",
            "unsubscribe",
            "Unsubscribe the application from event sources.",
            "Application",
            &[APP_NAME, EVENT_SOURCE],
            &[
                err(400, "A parameter is missing, or an event source scheme is not recognized."),
                err(404, "The application does not exist."),
                err(409, "The application is not subscribed to an event source."),
                err(422, "An event source does not exist."),
            ],
        )
        .notes("Answers with the application as it is after the change."),
        op(
            Put,
            "/applications/{applicationName}/eventFilter",
            "filter",
            "Set which event types reach the application.",
            "Application",
            &[
                APP_NAME,
                body(
                    "filter",
                    Object,
                    "An object with optional `allowed` and `disallowed` arrays of {\"type\": EventName} objects.",
                ),
            ],
            &[err(400, "The request is malformed."), err(404, "The application does not exist.")],
        )
        .notes(
            "An empty body clears both lists. A list given replaces that list (an empty array empties it); a list \
left out is unchanged. An empty allowed list lets every event through, an empty disallowed list blocks none, and \
a type in both lists is blocked.",
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[model(
    "Application",
    "A Stasis application and its subscriptions.",
    &[
        prop("name", "string", "Application name.").required(),
        prop(
            "channel_ids",
            "List[string]",
            "Channels it is subscribed to.",
        )
        .required(),
        prop("bridge_ids", "List[string]", "Bridges it is subscribed to.").required(),
        prop(
            "endpoint_ids",
            "List[string]",
            "Endpoints ({tech}/{resource}) it is subscribed to.",
        )
        .required(),
        prop(
            "device_names",
            "List[string]",
            "Devices it is subscribed to.",
        )
        .required(),
        prop(
            "events_allowed",
            "List[object]",
            "Event types let through to the application.",
        )
        .required(),
        prop(
            "events_disallowed",
            "List[object]",
            "Event types kept from the application.",
        )
        .required(),
    ],
)];
