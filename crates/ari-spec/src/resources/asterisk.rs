//! `asterisk`: system information, dynamic configuration, modules, logging
//! and global variables.

use super::{body, err, model, op, path, prop, query};
use crate::{DataType::*, Method::*, Model, Resource};

pub(super) const RESOURCE: Resource = Resource {
    name: "asterisk",
    description: "Information about and control of the Asterisk instance itself",
    operations: &[
        op(
            Get,
            "/asterisk/config/dynamic/{configClass}/{objectType}/{id}",
            "getObject",
            "Read one dynamic configuration object.",
            "List[ConfigTuple]",
            &[
                path("configClass", "Configuration class holding the object (e.g. res_pjsip)."),
                path("objectType", "Type of the object within the class."),
                path("id", "Id of the object."),
            ],
            &[err(404, "The class, type or object does not exist.")],
        ),
        op(
            Put,
            "/asterisk/config/dynamic/{configClass}/{objectType}/{id}",
            "updateObject",
            "Create a dynamic configuration object, or change an existing one.",
            "List[ConfigTuple]",
            &[
                path("configClass", "Configuration class holding the object."),
                path("objectType", "Type of the object to create or change."),
                path("id", "Id of the object to create or change."),
                body(
                    "fields",
                    Containers,
                    "The fields to set, as a list of attribute/value tuples under the `fields` key.",
                ),
            ],
            &[
                err(400, "The request body is malformed."),
                err(403, "The object could not be created or changed."),
                err(404, "The class or type does not exist."),
            ],
        ),
        op(
            Delete,
            "/asterisk/config/dynamic/{configClass}/{objectType}/{id}",
            "deleteObject",
            "Remove a dynamic configuration object.",
            "void",
            &[
                path("configClass", "Configuration class holding the object."),
                path("objectType", "Type of the object to remove."),
                path("id", "Id of the object to remove."),
            ],
            &[
                err(403, "The object could not be removed."),
                err(404, "The class, type or object does not exist."),
            ],
        ),
        op(
            Get,
            "/asterisk/info",
            "getInfo",
            "Describe the running Asterisk: build, system, configuration and status.",
            "AsteriskInfo",
            &[query("only", String, "Return only these parts of the information.")
                .multiple()
                .values(&["build", "system", "config", "status"])],
            &[],
        ),
        op(
            Get,
            "/asterisk/ping",
            "ping",
            "Check that Asterisk answers; returns its id and the time.",
            "AsteriskPing",
            &[],
            &[],
        ),
        op(Get, "/asterisk/modules", "listModules", "List the loaded modules.", "List[Module]", &[], &[]),
        op(
            Get,
            "/asterisk/modules/{moduleName}",
            "getModule",
            "Describe one loaded module.",
            "Module",
            &[path("moduleName", "File name of the module.")],
            &[
                err(404, "No running module has that name."),
                err(409, "The module's details could not be read."),
            ],
        ),
        op(
            Post,
            "/asterisk/modules/{moduleName}",
            "loadModule",
            "Load a module.",
            "void",
            &[path("moduleName", "File name of the module.")],
            &[err(409, "The module could not be loaded.")],
        ),
        op(
            Delete,
            "/asterisk/modules/{moduleName}",
            "unloadModule",
            "Unload a module.",
            "void",
            &[path("moduleName", "File name of the module.")],
            &[
                err(404, "No running module has that name."),
                err(409, "The module could not be unloaded."),
            ],
        ),
        op(
            Put,
            "/asterisk/modules/{moduleName}",
            "reloadModule",
            "Reload a module.",
            "void",
            &[path("moduleName", "File name of the module.")],
            &[
                err(404, "No running module has that name."),
                err(409, "The module could not be reloaded."),
            ],
        ),
        op(
            Get,
            "/asterisk/logging",
            "listLogChannels",
            "List the configured log channels.",
            "List[LogChannel]",
            &[],
            &[],
        ),
        op(
            Post,
            "/asterisk/logging/{logChannelName}",
            "addLog",
            "Add a log channel.",
            "void",
            &[
                path("logChannelName", "Name of the log channel to add."),
                query("configuration", String, "Log levels the channel records.").required(),
            ],
            &[
                err(400, "The request is malformed."),
                err(409, "The log channel could not be created."),
            ],
        ),
        op(
            Delete,
            "/asterisk/logging/{logChannelName}",
            "deleteLog",
            "Remove a log channel.",
            "void",
            &[path("logChannelName", "Name of the log channel.")],
            &[err(404, "No such log channel.")],
        ),
        op(
            Put,
            "/asterisk/logging/{logChannelName}/rotate",
            "rotateLog",
            "Rotate a log channel's file.",
            "void",
            &[path("logChannelName", "Name of the log channel.")],
            &[err(404, "No such log channel.")],
        ),
        op(
            Get,
            "/asterisk/variable",
            "getGlobalVar",
            "Read a global variable or dialplan function.",
            "Variable",
            &[query("variable", String, "Name of the variable or function.").required()],
            &[err(400, "The variable parameter is missing.")],
        ),
        op(
            Post,
            "/asterisk/variable",
            "setGlobalVar",
            "Set a global variable or dialplan function.",
            "void",
            &[
                query("variable", String, "Name of the variable or function.").required(),
                query("value", String, "Value to set."),
            ],
            &[err(400, "The variable parameter is missing.")],
        ),
    ],
    models: MODELS,
};

pub(super) const MODELS: &[Model] = &[
    model(
        "BuildInfo",
        "How this Asterisk was built.",
        &[
            prop("os", "string", "Operating system of the build host.").required(),
            prop("kernel", "string", "Kernel version of the build host.").required(),
            prop(
                "options",
                "string",
                "Compile-time options; empty when the defaults were used.",
            )
            .required(),
            prop(
                "machine",
                "string",
                "Machine architecture (x86_64, aarch64, ...).",
            )
            .required(),
            prop("date", "string", "When the build happened.").required(),
            prop("user", "string", "Who ran the build.").required(),
        ],
    ),
    model(
        "SystemInfo",
        "Identity of the running Asterisk.",
        &[
            prop("version", "string", "Version string of Asterisk.").required(),
            prop("entity_id", "string", "Entity id (EID) of this system.").required(),
        ],
    ),
    model(
        "SetId",
        "The effective user and group the process runs as.",
        &[
            prop("user", "string", "Effective user.").required(),
            prop("group", "string", "Effective group.").required(),
        ],
    ),
    model(
        "ConfigInfo",
        "Selected settings of the running configuration.",
        &[
            prop("name", "string", "System name.").required(),
            prop(
                "default_language",
                "string",
                "Language used for media when none is asked for.",
            )
            .required(),
            prop(
                "max_channels",
                "int",
                "Limit on simultaneous channels, if set.",
            ),
            prop(
                "max_open_files",
                "int",
                "Limit on open file descriptors, if set.",
            ),
            prop(
                "max_load",
                "double",
                "Load average above which new calls are refused, if set.",
            ),
            prop("setid", "SetId", "User and group the process runs as.").required(),
        ],
    ),
    model(
        "StatusInfo",
        "Uptime facts.",
        &[
            prop("startup_time", "Date", "When Asterisk started.").required(),
            prop(
                "last_reload_time",
                "Date",
                "When the configuration was last reloaded.",
            )
            .required(),
        ],
    ),
    model(
        "AsteriskInfo",
        "System information, each part present unless filtered out.",
        &[
            prop("build", "BuildInfo", "Build details."),
            prop("system", "SystemInfo", "Version and identity."),
            prop("config", "ConfigInfo", "Configuration details."),
            prop("status", "StatusInfo", "Start and reload times."),
        ],
    ),
    model(
        "AsteriskPing",
        "Answer to a ping.",
        &[
            prop("asterisk_id", "string", "Id of the answering Asterisk.").required(),
            prop("ping", "string", "Always the text \"pong\".").required(),
            prop("timestamp", "string", "When the request was received.").required(),
        ],
    ),
    model(
        "Module",
        "A loadable module and its state.",
        &[
            prop("name", "string", "File name of the module.").required(),
            prop("description", "string", "What the module provides.").required(),
            prop(
                "use_count",
                "int",
                "How many users currently hold the module.",
            )
            .required(),
            prop("status", "string", "Whether the module is running.").required(),
            prop(
                "support_level",
                "string",
                "Support tier of the module (core, extended, deprecated, ...).",
            )
            .required(),
        ],
    ),
    model(
        "LogChannel",
        "A configured log destination.",
        &[
            prop("channel", "string", "Path or name of the log destination.").required(),
            prop(
                "type",
                "string",
                "Kind of destination (file, console, syslog).",
            )
            .required(),
            prop("status", "string", "Whether the destination is enabled.").required(),
            prop(
                "configuration",
                "string",
                "Log levels written to the destination.",
            )
            .required(),
        ],
    ),
    model(
        "Variable",
        "The value of one variable.",
        &[prop("value", "string", "The value that was read.").required()],
    ),
    model(
        "ConfigTuple",
        "One attribute/value pair of a configuration object.",
        &[
            prop("attribute", "string", "Attribute name.").required(),
            prop("value", "string", "Attribute value.").required(),
        ],
    ),
];
