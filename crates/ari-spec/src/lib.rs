//! The one description of the ARI surface.
//!
//! Every resource, operation, parameter, allowed value and error code that the
//! project speaks lives in the static tables of this crate. The server drives
//! routing and request validation from it, serves the Swagger 1.2 and OpenAPI
//! documents from it, and the client's method list is checked against it, so
//! the four can never drift apart.
//!
//! The tables follow the shape of Asterisk's own `rest-api/api-docs/*.json`
//! (Swagger 1.2) so that the documents generated from them are what ARI
//! clients expect, but the descriptions are this project's own words.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod docs;
mod resources;

pub use resources::RESOURCES;

/// The ARI version this description corresponds to (Swagger `apiVersion`).
pub const API_VERSION: &str = "2.0.0";

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name as it appears on the wire (`"GET"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Where a parameter travels (Swagger `paramType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// A `{name}` segment of the path.
    Path,
    /// The query string, a JSON body key of the same name, or a form field.
    Query,
    /// The JSON body itself (`variables`, `fields`, ...): an object of strings.
    Body,
}

/// The type of a parameter's value (Swagger `dataType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataType {
    /// Free text.
    String,
    /// A 32-bit signed integer.
    Int,
    /// A 64-bit signed integer.
    Long,
    /// A floating point number.
    Double,
    /// `true`/`false` (ARI also accepts `yes`/`no`, `1`/`0`, `on`/`off`).
    Boolean,
    /// A JSON object carried as the body (`variables`, and the `fields` of
    /// dynamic configuration).
    Containers,
    /// Any JSON object (the `filter` body of application event filters).
    Object,
}

impl DataType {
    /// The Swagger 1.2 `dataType` name.
    pub fn swagger_name(self) -> &'static str {
        match self {
            DataType::String => "string",
            DataType::Int => "int",
            DataType::Long => "long",
            DataType::Double => "double",
            DataType::Boolean => "boolean",
            DataType::Containers => "containers",
            DataType::Object => "object",
        }
    }
}

/// The values a parameter may take beyond its type (Swagger `allowableValues`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allowed {
    /// Any value of the type.
    Any,
    /// One of a fixed list (for `allow_multiple` parameters, each item must be).
    Values(&'static [&'static str]),
    /// A numeric range; either bound may be open.
    Range {
        /// Smallest allowed value, if any.
        min: Option<i64>,
        /// Largest allowed value, if any.
        max: Option<i64>,
    },
}

/// One parameter of an operation.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Name exactly as on the wire (`channelId`, `appArgs`, ...).
    pub name: &'static str,
    /// What the parameter means, in the project's words.
    pub description: &'static str,
    /// Where it travels.
    pub kind: ParamKind,
    /// Its value type.
    pub data_type: DataType,
    /// Whether a request without it is rejected with 400.
    pub required: bool,
    /// Whether it takes a comma-separated list (or the key repeated).
    pub allow_multiple: bool,
    /// The value used when it is absent, as text.
    pub default: Option<&'static str>,
    /// Restrictions on the value.
    pub allowed: Allowed,
}

/// One documented error answer of an operation.
#[derive(Clone, Copy, Debug)]
pub struct ErrorResponse {
    /// HTTP status code.
    pub code: u16,
    /// When it is returned.
    pub reason: &'static str,
}

/// One operation: a method on a path.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// Path below `/ari`, with `{name}` placeholders (`/channels/{channelId}/play`).
    pub path: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The Swagger nickname, which clients use as the method name (`play`).
    pub nickname: &'static str,
    /// One line saying what it does.
    pub summary: &'static str,
    /// Longer notes, if any.
    pub notes: Option<&'static str>,
    /// Swagger `responseClass`: a model name, `List[Model]`, `void` or `binary`.
    pub response_class: &'static str,
    /// Parameters in documentation order.
    pub params: &'static [Param],
    /// Documented error answers.
    pub errors: &'static [ErrorResponse],
    /// True for the events WebSocket (`upgrade: websocket`).
    pub websocket: bool,
}

impl Operation {
    /// The parameter of that name, if the operation has one.
    pub fn param(&self, name: &str) -> Option<&'static Param> {
        self.params.iter().find(|p| p.name == name)
    }
}

/// A resource: one Swagger API declaration (`channels.json`).
#[derive(Clone, Copy, Debug)]
pub struct Resource {
    /// Name as in `/ari/api-docs/{name}.json` (`channels`, `deviceStates`).
    pub name: &'static str,
    /// One line describing the resource.
    pub description: &'static str,
    /// Every operation of the resource.
    pub operations: &'static [Operation],
    /// The models (Swagger `models`) the resource's declaration defines.
    pub models: &'static [Model],
}

/// One property of a model.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// Name exactly as in the JSON object (`channel_ids`, `creationtime`, ...).
    pub name: &'static str,
    /// Swagger type: a primitive (`string`, `int`, `long`, `boolean`,
    /// `double`, `Date`, `object`), a model id (`Channel`), or `List[...]` of
    /// either.
    pub type_name: &'static str,
    /// Whether the property is always present.
    pub required: bool,
    /// What the property means, in the project's words.
    pub description: &'static str,
    /// Restrictions on the value.
    pub allowed: Allowed,
}

/// A model: the shape of a JSON object the interface sends or receives.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    /// Model id, as referenced by response classes and property types.
    pub id: &'static str,
    /// What the model represents, in the project's words.
    pub description: &'static str,
    /// Its own properties (not those inherited from a base model).
    pub properties: &'static [Property],
    /// Ids of the models derived from this one (Swagger `subTypes`).
    pub sub_types: &'static [&'static str],
    /// The property telling derived models apart (Swagger `discriminator`).
    pub discriminator: Option<&'static str>,
}

impl Model {
    /// The property of that name, if the model has one of its own.
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

/// Swagger type names that are not models.
pub const PRIMITIVE_TYPES: &[&str] = &[
    "string", "int", "long", "double", "boolean", "Date", "object", "void", "binary",
];

/// Strips one `List[...]` wrapper: `List[Channel]` gives `Channel`.
pub fn element_type(type_name: &str) -> &str {
    type_name
        .strip_prefix("List[")
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(type_name)
}

/// Every model of every resource, with the resource that declares it.
pub fn models() -> impl Iterator<Item = (&'static Resource, &'static Model)> {
    RESOURCES
        .iter()
        .flat_map(|r| r.models.iter().map(move |m| (r, m)))
}

/// Finds a model by id in any resource.
pub fn model(id: &str) -> Option<&'static Model> {
    models().map(|(_, m)| m).find(|m| m.id == id)
}

/// Every operation of every resource, with the resource it belongs to.
pub fn operations() -> impl Iterator<Item = (&'static Resource, &'static Operation)> {
    RESOURCES
        .iter()
        .flat_map(|r| r.operations.iter().map(move |o| (r, o)))
}

/// Finds an operation by resource name and nickname.
pub fn find(resource: &str, nickname: &str) -> Option<&'static Operation> {
    RESOURCES
        .iter()
        .find(|r| r.name == resource)?
        .operations
        .iter()
        .find(|o| o.nickname == nickname)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn nicknames_are_unique_within_a_resource() {
        for r in RESOURCES {
            let mut seen = HashSet::new();
            for o in r.operations {
                assert!(
                    seen.insert(o.nickname),
                    "{}: duplicate {}",
                    r.name,
                    o.nickname
                );
            }
        }
    }

    #[test]
    fn method_and_path_pairs_are_unique() {
        let mut seen = HashSet::new();
        for (_, o) in operations() {
            assert!(
                seen.insert((o.method, o.path)),
                "duplicate {} {}",
                o.method.as_str(),
                o.path
            );
        }
    }

    #[test]
    fn every_path_placeholder_has_a_path_param() {
        for (r, o) in operations() {
            let placeholders: Vec<&str> = o
                .path
                .split('/')
                .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .collect();
            for p in &placeholders {
                let param = o
                    .param(p)
                    .unwrap_or_else(|| panic!("{}.{}: no param {p}", r.name, o.nickname));
                assert_eq!(
                    param.kind,
                    ParamKind::Path,
                    "{}.{}: {p}",
                    r.name,
                    o.nickname
                );
                assert!(param.required);
            }
            for p in o.params.iter().filter(|p| p.kind == ParamKind::Path) {
                assert!(
                    placeholders.contains(&p.name),
                    "{}.{}: stray path param {}",
                    r.name,
                    o.nickname,
                    p.name
                );
            }
        }
    }

    #[test]
    fn the_core_resources_are_described() {
        let names: HashSet<&str> = RESOURCES.iter().map(|r| r.name).collect();
        for want in [
            "asterisk",
            "endpoints",
            "channels",
            "bridges",
            "recordings",
            "sounds",
            "playbacks",
            "deviceStates",
            "mailboxes",
            "events",
            "applications",
        ] {
            assert!(names.contains(want), "missing resource {want}");
        }
        assert!(find("events", "claimChannel").is_some());
        assert!(find("events", "eventWebsocket").is_some_and(|o| o.websocket));
    }

    #[test]
    fn resources_are_in_resources_json_order() {
        let names: Vec<&str> = RESOURCES.iter().map(|r| r.name).collect();
        assert_eq!(
            names,
            [
                "asterisk",
                "endpoints",
                "channels",
                "bridges",
                "recordings",
                "sounds",
                "playbacks",
                "deviceStates",
                "mailboxes",
                "events",
                "applications",
            ]
        );
    }

    #[test]
    fn model_ids_are_unique() {
        let mut seen = HashSet::new();
        for (r, m) in models() {
            assert!(seen.insert(m.id), "{}: duplicate model {}", r.name, m.id);
        }
    }

    #[test]
    fn property_names_are_unique_within_a_model() {
        for (_, m) in models() {
            let mut seen = HashSet::new();
            for p in m.properties {
                assert!(
                    seen.insert(p.name),
                    "{}: duplicate property {}",
                    m.id,
                    p.name
                );
            }
        }
    }

    fn resolves(type_name: &str) -> bool {
        let t = element_type(type_name);
        PRIMITIVE_TYPES.contains(&t) || model(t).is_some()
    }

    #[test]
    fn every_property_type_resolves() {
        for (_, m) in models() {
            for p in m.properties {
                assert!(
                    resolves(p.type_name),
                    "{}.{}: unknown type {}",
                    m.id,
                    p.name,
                    p.type_name
                );
            }
        }
    }

    #[test]
    fn every_response_class_resolves() {
        for (r, o) in operations() {
            assert!(
                resolves(o.response_class),
                "{}.{}: unknown response class {}",
                r.name,
                o.nickname,
                o.response_class
            );
        }
    }

    #[test]
    fn sub_types_and_discriminators_resolve() {
        for (_, m) in models() {
            for s in m.sub_types {
                assert!(model(s).is_some(), "{}: unknown sub type {s}", m.id);
            }
            if let Some(d) = m.discriminator {
                assert!(
                    m.property(d).is_some(),
                    "{}: discriminator {d} is not a property",
                    m.id
                );
            }
        }
        let event = model("Event").expect("Event model");
        for want in [
            "StasisStart",
            "ChannelDestroyed",
            "CallBroadcast",
            "CallClaimed",
            "ChannelTransfer",
        ] {
            assert!(
                event.sub_types.contains(&want),
                "Event lacks sub type {want}"
            );
        }
        assert_eq!(model("Message").and_then(|m| m.discriminator), Some("type"));
    }

    #[test]
    fn broadcast_event_models_match() {
        let b = model("CallBroadcast").expect("CallBroadcast");
        assert_eq!(
            b.property("channel").map(|p| (p.type_name, p.required)),
            Some(("Channel", true))
        );
        assert_eq!(b.property("caller").map(|p| p.type_name), Some("string"));
        assert_eq!(b.property("called").map(|p| p.type_name), Some("string"));
        let c = model("CallClaimed").expect("CallClaimed");
        assert_eq!(
            c.property("winner_app").map(|p| (p.type_name, p.required)),
            Some(("string", true))
        );
    }

    #[test]
    fn defaults_fit_their_allowed_values() {
        for (r, o) in operations() {
            for p in o.params {
                let (Some(d), Allowed::Values(vals)) = (p.default, p.allowed) else {
                    continue;
                };
                assert!(
                    vals.contains(&d),
                    "{}.{}.{}: default {d} not allowed",
                    r.name,
                    o.nickname,
                    p.name
                );
            }
        }
    }

    #[test]
    fn operation_counts() {
        let count = |name: &str| {
            RESOURCES
                .iter()
                .find(|r| r.name == name)
                .map(|r| r.operations.len())
        };
        assert_eq!(count("asterisk"), Some(16));
        assert_eq!(count("endpoints"), Some(7));
        assert_eq!(count("channels"), Some(33));
        assert_eq!(count("bridges"), Some(14));
        assert_eq!(count("recordings"), Some(12));
        assert_eq!(count("sounds"), Some(2));
        assert_eq!(count("playbacks"), Some(3));
        assert_eq!(count("deviceStates"), Some(4));
        assert_eq!(count("mailboxes"), Some(4));
        assert_eq!(count("events"), Some(3));
        assert_eq!(count("applications"), Some(5));
    }
}
