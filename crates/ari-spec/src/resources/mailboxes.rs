//! `mailboxes`: message-waiting state of mailboxes that ARI applications
//! control.

use super::{err, model, op, path, prop, query};
use crate::{DataType::*, ErrorResponse, Method::*, Model, Param, Resource};

const MAILBOX_NAME: Param = path("mailboxName", "Name of the mailbox.");
const NOT_FOUND: ErrorResponse = err(404, "The mailbox does not exist.");

pub(super) const RESOURCE: Resource = Resource {
    name: "mailboxes",
    description: "Mailboxes whose message counts ARI applications control",
    operations: &[
        op(
            Get,
            "/mailboxes",
            "list",
            "List the mailboxes.",
            "List[Mailbox]",
            &[],
            &[],
        ),
        op(
            Get,
            "/mailboxes/{mailboxName}",
            "get",
            "Read the message counts of a mailbox.",
            "Mailbox",
            &[MAILBOX_NAME],
            &[NOT_FOUND],
        ),
        op(
            Put,
            "/mailboxes/{mailboxName}",
            "update",
            "Set the message counts of a mailbox, creating it if needed.",
            "void",
            &[
                MAILBOX_NAME,
                query("oldMessages", Int, "Number of messages already heard.").required(),
                query("newMessages", Int, "Number of messages not yet heard.").required(),
            ],
            &[NOT_FOUND],
        ),
        op(
            Delete,
            "/mailboxes/{mailboxName}",
            "delete",
            "Remove a mailbox.",
            "void",
            &[MAILBOX_NAME],
            &[NOT_FOUND],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[model(
    "Mailbox",
    "The message counts of a mailbox.",
    &[
        prop("name", "string", "Mailbox name.").required(),
        prop("old_messages", "int", "Number of messages already heard.").required(),
        prop("new_messages", "int", "Number of messages not yet heard.").required(),
    ],
)];
