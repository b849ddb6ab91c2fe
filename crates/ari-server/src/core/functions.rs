//! Variables and dialplan functions: reading `${NAME}` / `${FUNC(args)}` and
//! writing `Set(NAME=value)` / `setChannelVar`.

use super::channel::{ChanData, Channel};
use super::Core;
use ari_types::Event;

/// Reads a variable or function on a channel (whose state the caller has
/// locked and passes as `d`), or globally when `chan` is `None`.
pub fn read(core: &Core, chan: Option<(&Channel, &ChanData)>, expr: &str) -> Option<String> {
    if let Some((func, args)) = split_function(expr) {
        return function(core, chan, &func.to_ascii_uppercase(), args);
    }
    if let Some((c, d)) = chan {
        if let Some(v) = d.vars.get(expr) {
            return Some(v.clone());
        }
        match expr {
            "EXTEN" => return Some(d.exten.clone()),
            "CONTEXT" => return Some(d.context.clone()),
            "PRIORITY" => return Some(d.priority.to_string()),
            "UNIQUEID" => return Some(c.id.clone()),
            "CHANNEL" => return Some(c.name.clone()),
            "LANGUAGE" => return Some(d.language.clone()),
            "CALLERIDNUM" => return Some(d.caller.number.clone()),
            "CALLERIDNAME" => return Some(d.caller.name.clone()),
            _ => {}
        }
    }
    core.global(expr)
}

/// Reads a variable or function on a channel, taking its lock.
pub fn read_on(core: &Core, chan: &Channel, expr: &str) -> Option<String> {
    chan.with(|d| read(core, Some((chan, d)), expr))
}

/// `FUNC(args)` split into its name and argument text.
fn split_function(expr: &str) -> Option<(&str, &str)> {
    let open = expr.find('(')?;
    let inner = expr[open + 1..].strip_suffix(')')?;
    Some((&expr[..open], inner))
}

fn function(
    core: &Core,
    chan: Option<(&Channel, &ChanData)>,
    func: &str,
    args: &str,
) -> Option<String> {
    match func {
        "GLOBAL" => return core.global(args),
        "LEN" => return Some(args.chars().count().to_string()),
        "ISNULL" => return Some(if args.is_empty() { "1" } else { "0" }.into()),
        "EXISTS" => return Some(if args.is_empty() { "0" } else { "1" }.into()),
        "IF" => {
            let (cond, rest) = args.split_once('?')?;
            let (yes, no) = rest.split_once(':').unwrap_or((rest, ""));
            return Some(
                if ari_dialplan::is_true(cond.trim()) {
                    yes
                } else {
                    no
                }
                .to_string(),
            );
        }
        _ => {}
    }
    let (c, d) = chan?;
    let arg = args.trim().to_ascii_lowercase();
    match func {
        "CALLERID" => Some(match arg.as_str() {
            "num" | "number" => d.caller.number.clone(),
            "name" => d.caller.name.clone(),
            "all" => format!("\"{}\" <{}>", d.caller.name, d.caller.number),
            _ => return None,
        }),
        "CONNECTEDLINE" => Some(match arg.as_str() {
            "num" | "number" => d.connected.number.clone(),
            "name" => d.connected.name.clone(),
            "all" => format!("\"{}\" <{}>", d.connected.name, d.connected.number),
            _ => return None,
        }),
        "CHANNEL" => Some(match arg.as_str() {
            "name" => c.name.clone(),
            "state" => d.state.as_str().to_string(),
            "language" => d.language.clone(),
            "uniqueid" => c.id.clone(),
            "accountcode" => d.accountcode.clone(),
            "context" => d.context.clone(),
            "exten" => d.exten.clone(),
            "channeltype" => c.name.split('/').next().unwrap_or("").to_string(),
            "stasis_app" => d.stasis_app.clone().unwrap_or_default(),
            _ => return None,
        }),
        _ => None,
    }
}

/// Why a write was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct WriteError(pub String);

/// Writes a variable or function on a channel (or globally for `GLOBAL(x)`),
/// publishing the event the change calls for.
pub fn write(core: &Core, chan: &Channel, name: &str, value: &str) -> Result<(), WriteError> {
    let Some((func, args)) = split_function(name) else {
        if name.is_empty() {
            return Err(WriteError("Variable name must not be empty".into()));
        }
        core.set_var(chan, name, value);
        return Ok(());
    };
    let arg = args.trim().to_ascii_lowercase();
    match func.to_ascii_uppercase().as_str() {
        "GLOBAL" => {
            core.set_global(args, value);
            Ok(())
        }
        "CALLERID" => {
            chan.update(|d| set_party(&mut d.caller, "CALLERID", &arg, value))?;
            core.publish_channel(chan, |channel| {
                Event::ChannelCallerId(ari_types::ChannelCallerId {
                    caller_presentation: 0,
                    caller_presentation_txt: "Presentation Allowed, Not Screened".into(),
                    channel,
                })
            });
            Ok(())
        }
        "CONNECTEDLINE" => {
            chan.update(|d| set_party(&mut d.connected, "CONNECTEDLINE", &arg, value))?;
            core.publish_channel(chan, |channel| {
                Event::ChannelConnectedLine(ari_types::ChannelConnectedLine { channel })
            });
            Ok(())
        }
        "CHANNEL" => chan.update(|d| {
            let field = match arg.as_str() {
                "language" => &mut d.language,
                "accountcode" => &mut d.accountcode,
                _ => return Err(WriteError(format!("CHANNEL({args}) cannot be written"))),
            };
            *field = value.to_string();
            Ok(())
        }),
        other => Err(WriteError(format!("Unknown function {other}"))),
    }
}

/// Sets one field (`num`, `name`, `all`) of a caller id.
fn set_party(
    party: &mut ari_types::CallerId,
    func: &str,
    field: &str,
    value: &str,
) -> Result<(), WriteError> {
    match field {
        "num" | "number" => party.number = value.to_string(),
        "name" => party.name = value.to_string(),
        "all" => (party.name, party.number) = parse_callerid(value),
        _ => return Err(WriteError(format!("{func} has no field '{field}'"))),
    }
    Ok(())
}

/// Splits `"Name" <number>` (or a bare number) into name and number.
pub fn parse_callerid(s: &str) -> (String, String) {
    let s = s.trim();
    if let (Some(lt), true) = (s.rfind('<'), s.ends_with('>')) {
        let number = s[lt + 1..s.len() - 1].trim().to_string();
        let name = s[..lt].trim().trim_matches('"').to_string();
        (name, number)
    } else if s.chars().all(|c| c.is_ascii_digit() || "+*#".contains(c)) {
        (String::new(), s.to_string())
    } else {
        (s.trim_matches('"').to_string(), String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_callerid;

    #[test]
    fn callerid_forms() {
        assert_eq!(
            parse_callerid("\"Alice\" <100>"),
            ("Alice".into(), "100".into())
        );
        assert_eq!(
            parse_callerid("Bob <+4412>"),
            ("Bob".into(), "+4412".into())
        );
        assert_eq!(parse_callerid("555"), ("".into(), "555".into()));
        assert_eq!(parse_callerid("Carol"), ("Carol".into(), "".into()));
    }
}
