//! `asterisk`: system information, ping, global variables, modules, log channels.

use crate::ari::error::{AriError, Reply};
use crate::ari::params::Params;
use crate::core::ModuleError;
use crate::logging::LogError;
use crate::Server;
use ari_types::Timestamp;
use serde_json::{json, Map, Value};

fn module_error(e: ModuleError) -> AriError {
    match e {
        ModuleError::NotFound => {
            AriError::not_found("Module could not be found in running modules")
        }
        ModuleError::Refused(why) => AriError::conflict(why),
    }
}

fn log_error(e: LogError) -> AriError {
    match e {
        LogError::NotFound => AriError::not_found("Log channel does not exist"),
        LogError::Exists => {
            AriError::conflict("Log channel could not be created: it already exists")
        }
        LogError::Invalid(why) => AriError::bad_request(why),
        LogError::Io(why) => AriError::conflict(format!("Log channel could not be created: {why}")),
    }
}

fn info(server: &Server, only: &[String]) -> Value {
    let want = |part: &str| only.is_empty() || only.iter().any(|o| o == part);
    let mut out = Map::new();
    if want("build") {
        out.insert(
            "build".into(),
            json!({
                "os": std::env::consts::OS,
                "kernel": std::fs::read_to_string("/proc/sys/kernel/osrelease").map(|s| s.trim().to_string()).unwrap_or_default(),
                "machine": std::env::consts::ARCH,
                "options": "",
                "date": env!("CARGO_PKG_VERSION"),
                "user": "",
            }),
        );
    }
    if want("system") {
        out.insert(
            "system".into(),
            json!({
                "version": concat!("ari-server-", env!("CARGO_PKG_VERSION")),
                "entity_id": server.asterisk_id,
            }),
        );
    }
    if want("config") {
        out.insert(
            "config".into(),
            json!({
                "name": server.config.system_name,
                "default_language": server.config.default_language,
                "setid": {"user": "", "group": ""},
            }),
        );
    }
    if want("status") {
        out.insert(
            "status".into(),
            json!({
                "startup_time": server.started,
                "last_reload_time": server.started,
            }),
        );
    }
    Value::Object(out)
}

pub(super) fn handle(
    server: &Server,
    nickname: &str,
    p: &Params,
) -> Option<Result<Reply, AriError>> {
    let core = &server.core;
    Some(match nickname {
        "getInfo" => Reply::ok(&info(server, p.list("only"))),
        "ping" => Reply::ok(&json!({
            "asterisk_id": server.asterisk_id,
            "ping": "pong",
            "timestamp": Timestamp::now(),
        })),
        "getGlobalVar" => p
            .req("variable")
            .and_then(|v| Reply::ok(&json!({ "value": core.global(v).unwrap_or_default() }))),
        "setGlobalVar" => p.req("variable").and_then(|v| {
            core.set_global(v, p.str("value").unwrap_or(""));
            Reply::no_content()
        }),
        "listModules" => Reply::ok(&core.modules.list()),
        "getModule" => p
            .req("moduleName")
            .and_then(|m| core.modules.get(m).map_err(module_error))
            .and_then(|m| Reply::ok(&m)),
        "loadModule" => p
            .req("moduleName")
            .and_then(|m| core.modules.load(m).map_err(module_error))
            .and_then(|_| Reply::no_content()),
        "unloadModule" => p
            .req("moduleName")
            .and_then(|m| core.modules.unload(m).map_err(module_error))
            .and_then(|_| Reply::no_content()),
        "reloadModule" => p
            .req("moduleName")
            .and_then(|m| core.modules.reload(m).map_err(module_error))
            .and_then(|_| Reply::no_content()),
        "listLogChannels" => Reply::ok(&server.logs.list()),
        "addLog" => (|| {
            let name = p.req("logChannelName")?;
            server
                .logs
                .add(name, p.req("configuration")?)
                .map_err(log_error)?;
            Reply::no_content()
        })(),
        "deleteLog" => p
            .req("logChannelName")
            .and_then(|n| server.logs.delete(n).map_err(log_error))
            .and_then(|_| Reply::no_content()),
        "rotateLog" => p
            .req("logChannelName")
            .and_then(|n| server.logs.rotate(n).map_err(log_error))
            .and_then(|_| Reply::no_content()),
        "getObject" | "updateObject" | "deleteObject" => Err(AriError::not_implemented(
            "Dynamic configuration (sorcery) objects are not supported by this server",
        )),
        _ => return None,
    })
}
