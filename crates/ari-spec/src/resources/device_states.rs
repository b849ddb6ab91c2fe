//! `deviceStates`: device states that ARI applications control.

use super::{err, model, op, path, prop, query};
use crate::{DataType::*, ErrorResponse, Method::*, Model, Param, Resource};

const DEVICE_NAME: Param = path("deviceName", "Name of the device.");
const ERRORS: &[ErrorResponse] = &[
    err(404, "The device name is missing."),
    err(409, "The device is not controlled by ARI."),
];

pub(super) const RESOURCE: Resource = Resource {
    name: "deviceStates",
    description: "Device states controlled by ARI applications",
    operations: &[
        op(
            Get,
            "/deviceStates",
            "list",
            "List the device states controlled by ARI.",
            "List[DeviceState]",
            &[],
            &[],
        ),
        op(
            Get,
            "/deviceStates/{deviceName}",
            "get",
            "Read the current state of a device.",
            "DeviceState",
            &[DEVICE_NAME],
            &[],
        ),
        op(
            Put,
            "/deviceStates/{deviceName}",
            "update",
            "Set the state of an ARI-controlled device, creating it if needed.",
            "void",
            &[
                DEVICE_NAME,
                query("deviceState", String, "The new state.")
                    .required()
                    .values(&[
                        "NOT_INUSE",
                        "INUSE",
                        "BUSY",
                        "INVALID",
                        "UNAVAILABLE",
                        "RINGING",
                        "RINGINUSE",
                        "ONHOLD",
                    ]),
            ],
            ERRORS,
        ),
        op(
            Delete,
            "/deviceStates/{deviceName}",
            "delete",
            "Remove an ARI-controlled device state.",
            "void",
            &[DEVICE_NAME],
            ERRORS,
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[model(
    "DeviceState",
    "The state of a device.",
    &[
        prop("name", "string", "Device name.").required(),
        prop("state", "string", "Current state.")
            .required()
            .values(&[
                "UNKNOWN",
                "NOT_INUSE",
                "INUSE",
                "BUSY",
                "INVALID",
                "UNAVAILABLE",
                "RINGING",
                "RINGINUSE",
                "ONHOLD",
            ]),
    ],
)];
