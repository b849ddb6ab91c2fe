//! The documents served to clients, generated from the tables.
//!
//! * [`resource_listing`] and [`api_declaration`] give the Swagger 1.2
//!   documents Asterisk serves under `/ari/api-docs/`: `resources.json` and
//!   one declaration per resource (`channels.json`, ...). They keep the field
//!   names Asterisk writes (`httpMethod`, `responseClass`, `dataType`,
//!   `errorResponses`), which is what the Node.js `ari-client` (through
//!   `swagger-client` 2.0.x) and the Python `ari-py` (through `swaggerpy`)
//!   read when they build their methods at connect time.
//! * [`openapi`] gives an OpenAPI 3.0.3 document of the same surface, for
//!   tools that speak the modern format.

use std::collections::{BTreeSet, HashMap};

use serde_json::{json, Map, Value};

use crate::{
    element_type, model, Allowed, DataType, Method, Model, Operation, Param, ParamKind, Resource,
    API_VERSION, RESOURCES,
};

/// The Swagger version written into the Swagger documents.
pub const SWAGGER_VERSION: &str = "1.2";

/// The OpenAPI version of the document [`openapi`] builds.
pub const OPENAPI_VERSION: &str = "3.0.3";

/// Name of the OpenAPI schema describing the body of every error answer
/// (`{"message": "..."}`); it is not one of the tables' models.
pub const ERROR_SCHEMA: &str = "Error";

/// The path, relative to the base path, at which a resource's declaration is
/// listed: `/api-docs/channels.{format}`.
fn resource_path(name: &str) -> String {
    format!("/api-docs/{name}.{{format}}")
}

/// The Swagger 1.2 resource listing (`/ari/api-docs/resources.json`).
///
/// `base_path` is the URL of the interface as the client reaches it, e.g.
/// `http://127.0.0.1:8088/ari`. Clients fetch each declaration from
/// `base_path` followed by the listed path with `{format}` replaced by `json`,
/// so it must be reachable from the client (Asterisk builds it from the
/// request's `Host` header).
pub fn resource_listing(base_path: &str) -> Value {
    let apis: Vec<Value> = RESOURCES
        .iter()
        .map(|r| json!({ "path": resource_path(r.name), "description": r.description }))
        .collect();
    json!({
        "apiVersion": API_VERSION,
        "swaggerVersion": SWAGGER_VERSION,
        "basePath": base_path,
        "apis": apis,
    })
}

/// The Swagger 1.2 API declaration of one resource (`/ari/api-docs/{resource}.json`),
/// or `None` when no resource has that name.
///
/// Operations are grouped by path, paths in the order they first appear in
/// the table; `models` holds the models the resource declares (always
/// present, possibly empty, as `swaggerpy` requires it).
pub fn api_declaration(resource: &str, base_path: &str) -> Option<Value> {
    let r = RESOURCES.iter().find(|r| r.name == resource)?;
    let mut apis: Vec<(&str, Vec<&Operation>)> = Vec::new();
    for o in r.operations {
        match apis.iter_mut().find(|(p, _)| *p == o.path) {
            Some((_, ops)) => ops.push(o),
            None => apis.push((o.path, vec![o])),
        }
    }
    let apis: Vec<Value> = apis
        .into_iter()
        .map(|(path, ops)| {
            json!({
                "path": path,
                "description": ops[0].summary,
                "operations": ops.into_iter().map(swagger_operation).collect::<Vec<_>>(),
            })
        })
        .collect();
    let models: Map<String, Value> = r
        .models
        .iter()
        .map(|m| (m.id.to_string(), swagger_model(m)))
        .collect();
    Some(json!({
        "apiVersion": API_VERSION,
        "swaggerVersion": SWAGGER_VERSION,
        "basePath": base_path,
        "resourcePath": resource_path(r.name),
        "apis": apis,
        "models": models,
    }))
}

fn swagger_operation(o: &Operation) -> Value {
    let mut op = Map::new();
    op.insert("httpMethod".into(), o.method.as_str().into());
    if o.websocket {
        op.insert("upgrade".into(), "websocket".into());
        op.insert("websocketProtocol".into(), "ari".into());
    }
    op.insert("summary".into(), o.summary.into());
    if let Some(notes) = o.notes {
        op.insert("notes".into(), notes.into());
    }
    op.insert("nickname".into(), o.nickname.into());
    op.insert("responseClass".into(), o.response_class.into());
    op.insert(
        "parameters".into(),
        o.params.iter().map(swagger_param).collect(),
    );
    if !o.errors.is_empty() {
        op.insert(
            "errorResponses".into(),
            o.errors
                .iter()
                .map(|e| json!({ "code": e.code, "reason": e.reason }))
                .collect(),
        );
    }
    Value::Object(op)
}

fn swagger_param(p: &Param) -> Value {
    let mut v = Map::new();
    v.insert("name".into(), p.name.into());
    v.insert("description".into(), p.description.into());
    v.insert(
        "paramType".into(),
        match p.kind {
            ParamKind::Path => "path",
            ParamKind::Query => "query",
            ParamKind::Body => "body",
        }
        .into(),
    );
    v.insert("required".into(), p.required.into());
    v.insert("allowMultiple".into(), p.allow_multiple.into());
    v.insert("dataType".into(), p.data_type.swagger_name().into());
    if let Some(d) = default_value(p) {
        v.insert("defaultValue".into(), d);
    }
    if let Some(a) = swagger_allowable(p.allowed) {
        v.insert("allowableValues".into(), a);
    }
    Value::Object(v)
}

/// A parameter's default as a typed JSON value, as Asterisk writes it
/// (`30`, `1.0`, `false`, `"both"`); text that does not parse stays a string.
fn default_value(p: &Param) -> Option<Value> {
    let d = p.default?;
    Some(typed_value(p.data_type, d))
}

fn typed_value(data_type: DataType, text: &str) -> Value {
    let parsed = match data_type {
        DataType::Int | DataType::Long => text.parse::<i64>().ok().map(Value::from),
        DataType::Double => text.parse::<f64>().ok().map(Value::from),
        DataType::Boolean => text.parse::<bool>().ok().map(Value::from),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::from(text))
}

fn swagger_allowable(allowed: Allowed) -> Option<Value> {
    match allowed {
        Allowed::Any => None,
        Allowed::Values(values) => Some(json!({ "valueType": "LIST", "values": values })),
        Allowed::Range { min, max } => {
            let mut v = Map::new();
            v.insert("valueType".into(), "RANGE".into());
            if let Some(min) = min {
                v.insert("min".into(), min.into());
            }
            if let Some(max) = max {
                v.insert("max".into(), max.into());
            }
            Some(Value::Object(v))
        }
    }
}

fn swagger_model(m: &Model) -> Value {
    let properties: Map<String, Value> = m
        .properties
        .iter()
        .map(|p| {
            let mut v = Map::new();
            v.insert("type".into(), p.type_name.into());
            v.insert("description".into(), p.description.into());
            v.insert("required".into(), p.required.into());
            if let Some(a) = swagger_allowable(p.allowed) {
                v.insert("allowableValues".into(), a);
            }
            (p.name.to_string(), Value::Object(v))
        })
        .collect();
    let mut v = Map::new();
    v.insert("id".into(), m.id.into());
    v.insert("description".into(), m.description.into());
    v.insert("properties".into(), Value::Object(properties));
    if !m.sub_types.is_empty() {
        v.insert("subTypes".into(), m.sub_types.into());
    }
    if let Some(d) = m.discriminator {
        v.insert("discriminator".into(), d.into());
    }
    Value::Object(v)
}

/// An OpenAPI 3.0.3 document of the whole interface.
///
/// `server_url` is the interface's URL including `/ari` (e.g.
/// `http://127.0.0.1:8088/ari`); paths are relative to it (`/channels`).
/// Every operation's `operationId` is `<resource>_<nickname>`
/// (`channels_originate`) and it is tagged with its resource. Models become
/// `components.schemas` (derived models as `allOf` of their base), and every
/// error answer refers to the [`ERROR_SCHEMA`] schema. Requests may
/// authenticate with HTTP basic auth or the `api_key=user:password` query
/// parameter.
pub fn openapi(server_url: &str) -> Value {
    let mut paths = Map::new();
    for r in RESOURCES {
        for o in r.operations {
            let item = paths
                .entry(o.path.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(item) = item {
                item.insert(oas_method(o.method).into(), oas_operation(r, o));
            }
        }
    }

    let parents = parents();
    let mut schemas = Map::new();
    for (_, m) in crate::models() {
        schemas.insert(m.id.to_string(), oas_model(m, parents.get(m.id).copied()));
    }
    schemas.insert(
        ERROR_SCHEMA.to_string(),
        json!({
            "type": "object",
            "description": "The body of an error answer.",
            "properties": { "message": { "type": "string", "description": "What went wrong." } },
            "required": ["message"],
        }),
    );

    let tags: Vec<Value> = RESOURCES
        .iter()
        .map(|r| json!({ "name": r.name, "description": r.description }))
        .collect();

    json!({
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Asterisk REST Interface",
            "version": API_VERSION,
            "description": "Resources, operations and events of the Asterisk REST Interface (ARI).",
        },
        "servers": [{ "url": server_url }],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "basicAuth": {
                    "type": "http",
                    "scheme": "basic",
                    "description": "An ARI user name and password.",
                },
                "apiKey": {
                    "type": "apiKey",
                    "in": "query",
                    "name": "api_key",
                    "description": "An ARI user name and password as `user:password`.",
                },
            },
        },
        "security": [{ "basicAuth": [] }, { "apiKey": [] }],
    })
}

fn oas_method(m: Method) -> &'static str {
    match m {
        Method::Get => "get",
        Method::Post => "post",
        Method::Put => "put",
        Method::Delete => "delete",
    }
}

fn schema_ref(id: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{id}") })
}

/// Maps a Swagger type name (primitive, model id or `List[...]`) to a schema.
fn type_schema(type_name: &str) -> Value {
    let inner = element_type(type_name);
    if inner != type_name {
        return json!({ "type": "array", "items": type_schema(inner) });
    }
    match type_name {
        "string" => json!({ "type": "string" }),
        "int" => json!({ "type": "integer", "format": "int32" }),
        "long" => json!({ "type": "integer", "format": "int64" }),
        "double" => json!({ "type": "number", "format": "double" }),
        "boolean" => json!({ "type": "boolean" }),
        "Date" => json!({ "type": "string", "format": "date-time" }),
        "binary" => json!({ "type": "string", "format": "binary" }),
        "object" => json!({ "type": "object", "additionalProperties": true }),
        id => schema_ref(id),
    }
}

fn data_type_schema(d: DataType) -> Value {
    match d {
        DataType::String => json!({ "type": "string" }),
        DataType::Int => json!({ "type": "integer", "format": "int32" }),
        DataType::Long => json!({ "type": "integer", "format": "int64" }),
        DataType::Double => json!({ "type": "number", "format": "double" }),
        DataType::Boolean => json!({ "type": "boolean" }),
        DataType::Containers | DataType::Object => {
            json!({ "type": "object", "additionalProperties": true })
        }
    }
}

/// Adds `enum` or `minimum`/`maximum` to a (non-`$ref`) schema.
fn restrict(schema: &mut Value, allowed: Allowed) {
    let Value::Object(s) = schema else { return };
    match allowed {
        Allowed::Any => {}
        Allowed::Values(values) => {
            s.insert("enum".into(), values.into());
        }
        Allowed::Range { min, max } => {
            if let Some(min) = min {
                s.insert("minimum".into(), min.into());
            }
            if let Some(max) = max {
                s.insert("maximum".into(), max.into());
            }
        }
    }
}

fn oas_param(p: &Param) -> Value {
    let mut item = data_type_schema(p.data_type);
    restrict(&mut item, p.allowed);
    // The server treats an empty required value as missing (400).
    if p.required && p.data_type == DataType::String {
        if let Value::Object(s) = &mut item {
            s.insert("minLength".into(), 1.into());
        }
    }
    let mut v = Map::new();
    v.insert("name".into(), p.name.into());
    v.insert(
        "in".into(),
        if p.kind == ParamKind::Path {
            "path"
        } else {
            "query"
        }
        .into(),
    );
    v.insert("description".into(), p.description.into());
    v.insert("required".into(), p.required.into());
    let schema = if p.allow_multiple {
        let mut array = json!({ "type": "array", "items": item });
        if let Some(d) = p.default {
            array["default"] = d
                .split(',')
                .map(|part| typed_value(p.data_type, part))
                .collect();
        }
        v.insert("style".into(), "form".into());
        v.insert("explode".into(), false.into());
        array
    } else {
        if let Some(d) = default_value(p) {
            item["default"] = d;
        }
        item
    };
    v.insert("schema".into(), schema);
    Value::Object(v)
}

/// The schema of one body parameter's value.
fn body_value_schema(p: &Param) -> Value {
    match (p.data_type, p.name) {
        (DataType::Containers, "fields") if model("ConfigTuple").is_some() => json!({
            "type": "array",
            "description": p.description,
            "items": schema_ref("ConfigTuple"),
        }),
        (DataType::Containers, _) => json!({
            "type": "object",
            "description": p.description,
            "additionalProperties": { "type": "string" },
        }),
        (_, "filter") => {
            let list = json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": { "type": { "type": "string", "description": "An event type name." } },
                    "required": ["type"],
                },
            });
            json!({
                "type": "object",
                "description": p.description,
                "properties": { "allowed": list, "disallowed": list },
            })
        }
        _ => json!({
            "type": "object",
            "description": p.description,
            "additionalProperties": true,
        }),
    }
}

/// The `requestBody` of an operation with body parameters: an `Object`
/// parameter is the body itself, `Containers` parameters travel under a key
/// of their name.
fn oas_request_body(o: &Operation) -> Option<Value> {
    let bodies: Vec<&Param> = o
        .params
        .iter()
        .filter(|p| p.kind == ParamKind::Body)
        .collect();
    let first = bodies.first()?;
    let schema = if bodies.len() == 1 && first.data_type == DataType::Object {
        body_value_schema(first)
    } else {
        let properties: Map<String, Value> = bodies
            .iter()
            .map(|p| (p.name.to_string(), body_value_schema(p)))
            .collect();
        let required: Vec<&str> = bodies
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name)
            .collect();
        let mut s = json!({ "type": "object", "properties": properties });
        if !required.is_empty() {
            s["required"] = required.into();
        }
        s
    };
    let description = bodies
        .iter()
        .map(|p| p.description)
        .collect::<Vec<_>>()
        .join(" ");
    Some(json!({
        "description": description,
        "required": bodies.iter().any(|p| p.required),
        "content": { "application/json": { "schema": schema } },
    }))
}

fn oas_responses(o: &Operation) -> Value {
    let mut responses = Map::new();
    if o.websocket {
        responses.insert(
            "101".into(),
            json!({
                "description": format!(
                    "Switching protocols: the connection becomes a WebSocket (subprotocol `ari`) carrying one {} per text frame.",
                    o.response_class
                ),
            }),
        );
    } else {
        match o.response_class {
            "void" => {
                responses.insert("204".into(), json!({ "description": "Done; no content." }));
            }
            "binary" => {
                responses.insert(
                    "200".into(),
                    json!({
                        "description": "The raw content.",
                        "content": { "application/octet-stream": {
                            "schema": { "type": "string", "format": "binary" },
                        } },
                    }),
                );
            }
            class => {
                responses.insert(
                    "200".into(),
                    json!({
                        "description": if element_type(class) == class {
                            format!("A {class}.")
                        } else {
                            format!("An array of {}.", element_type(class))
                        },
                        "content": { "application/json": { "schema": type_schema(class) } },
                    }),
                );
            }
        }
    }
    for e in o.errors {
        let key = e.code.to_string();
        match responses.get_mut(&key) {
            // Two reasons documented for one code: one response says both.
            Some(existing) => {
                let joined = format!(
                    "{} Or: {}",
                    existing["description"].as_str().unwrap_or_default(),
                    e.reason
                );
                existing["description"] = joined.into();
            }
            None => {
                responses.insert(
                    key,
                    json!({
                        "description": e.reason,
                        "content": { "application/json": { "schema": schema_ref(ERROR_SCHEMA) } },
                    }),
                );
            }
        }
    }
    Value::Object(responses)
}

fn oas_operation(r: &Resource, o: &Operation) -> Value {
    let mut v = Map::new();
    v.insert("tags".into(), json!([r.name]));
    v.insert(
        "operationId".into(),
        format!("{}_{}", r.name, o.nickname).into(),
    );
    v.insert("summary".into(), o.summary.into());
    if let Some(notes) = o.notes {
        v.insert("description".into(), notes.into());
    }
    let params: Vec<Value> = o
        .params
        .iter()
        .filter(|p| p.kind != ParamKind::Body)
        .map(oas_param)
        .collect();
    if !params.is_empty() {
        v.insert("parameters".into(), params.into());
    }
    if let Some(body) = oas_request_body(o) {
        v.insert("requestBody".into(), body);
    }
    v.insert("responses".into(), oas_responses(o));
    Value::Object(v)
}

/// Each derived model's base, from the tables' `sub_types`.
fn parents() -> HashMap<&'static str, &'static str> {
    let mut map = HashMap::new();
    for (_, m) in crate::models() {
        for s in m.sub_types {
            map.insert(*s, m.id);
        }
    }
    map
}

fn oas_model(m: &Model, parent: Option<&str>) -> Value {
    let properties: Map<String, Value> = m
        .properties
        .iter()
        .map(|p| {
            let mut s = type_schema(p.type_name);
            // A `$ref` takes no siblings in OpenAPI 3.0.
            if s.get("$ref").is_none() {
                s["description"] = p.description.into();
                restrict(&mut s, p.allowed);
            }
            (p.name.to_string(), s)
        })
        .collect();
    let required: BTreeSet<&str> = m
        .properties
        .iter()
        .filter(|p| p.required)
        .map(|p| p.name)
        .collect();
    let mut own = json!({ "type": "object", "properties": properties });
    if !required.is_empty() {
        // Keep table order rather than sorted order.
        own["required"] = m
            .properties
            .iter()
            .filter(|p| required.contains(p.name))
            .map(|p| p.name)
            .collect();
    }
    if let Some(d) = m.discriminator {
        own["discriminator"] = json!({ "propertyName": d });
    }
    match parent {
        Some(parent) => json!({
            "description": m.description,
            "allOf": [schema_ref(parent), own],
        }),
        None => {
            own["description"] = m.description.into();
            own
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operations;
    use std::collections::{HashMap, HashSet};

    const BASE: &str = "http://127.0.0.1:8088/ari";

    fn declarations() -> Vec<(&'static str, Value)> {
        RESOURCES
            .iter()
            .map(|r| (r.name, api_declaration(r.name, BASE).expect("declaration")))
            .collect()
    }

    fn find_op<'a>(decl: &'a Value, nickname: &str) -> &'a Value {
        decl["apis"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["operations"].as_array().unwrap())
            .find(|o| o["nickname"] == nickname)
            .unwrap_or_else(|| panic!("no operation {nickname}"))
    }

    #[test]
    fn listing_names_every_resource_in_order() {
        let l = resource_listing(BASE);
        assert_eq!(l["apiVersion"], API_VERSION);
        assert_eq!(l["swaggerVersion"], "1.2");
        assert_eq!(l["basePath"], BASE);
        let apis = l["apis"].as_array().unwrap();
        assert_eq!(apis.len(), RESOURCES.len());
        for (a, r) in apis.iter().zip(RESOURCES) {
            assert_eq!(a["path"], format!("/api-docs/{}.{{format}}", r.name));
            assert_eq!(a["description"], r.description);
            // swagger-client names the resource after the last path segment.
            let name = a["path"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .replace(".{format}", "");
            assert_eq!(name, r.name);
        }
    }

    #[test]
    fn unknown_resource_has_no_declaration() {
        assert!(api_declaration("nonsense", BASE).is_none());
    }

    #[test]
    fn every_operation_appears_once_in_the_declarations() {
        let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
        for (name, d) in declarations() {
            assert_eq!(d["resourcePath"], format!("/api-docs/{name}.{{format}}"));
            assert_eq!(d["swaggerVersion"], "1.2");
            assert_eq!(d["basePath"], BASE);
            assert!(d["models"].is_object());
            let mut paths = HashSet::new();
            for api in d["apis"].as_array().unwrap() {
                let path = api["path"].as_str().unwrap();
                assert!(paths.insert(path.to_string()), "{name}: path {path} twice");
                assert!(api["description"].is_string());
                for o in api["operations"].as_array().unwrap() {
                    let key = (
                        name.to_string(),
                        path.to_string(),
                        o["httpMethod"].as_str().unwrap().to_string(),
                        o["nickname"].as_str().unwrap().to_string(),
                    );
                    *seen.entry(key).or_default() += 1;
                }
            }
        }
        let mut want = 0;
        for (r, o) in operations() {
            want += 1;
            let key = (
                r.name.to_string(),
                o.path.to_string(),
                o.method.as_str().to_string(),
                o.nickname.to_string(),
            );
            assert_eq!(seen.get(&key), Some(&1), "{key:?}");
        }
        assert_eq!(seen.len(), want);
    }

    #[test]
    fn paths_keep_first_appearance_order() {
        for r in RESOURCES {
            let d = api_declaration(r.name, BASE).unwrap();
            let got: Vec<&str> = d["apis"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["path"].as_str().unwrap())
                .collect();
            let mut want: Vec<&str> = Vec::new();
            for o in r.operations {
                if !want.contains(&o.path) {
                    want.push(o.path);
                }
            }
            assert_eq!(got, want, "{}", r.name);
        }
    }

    #[test]
    fn channels_originate_snapshot() {
        let d = api_declaration("channels", BASE).unwrap();
        let api = d["apis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["path"] == "/channels")
            .unwrap();
        let o = api["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["nickname"] == "originate")
            .unwrap();
        let t = crate::find("channels", "originate").unwrap();
        assert_eq!(o["httpMethod"], "POST");
        assert_eq!(o["summary"], t.summary);
        assert_eq!(o["notes"], t.notes.unwrap());
        assert_eq!(o["responseClass"], "Channel");
        assert!(o.get("upgrade").is_none());
        let params = o["parameters"].as_array().unwrap();
        assert_eq!(params.len(), t.params.len());
        let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
        let want: Vec<&str> = t.params.iter().map(|p| p.name).collect();
        assert_eq!(names, want);
        assert_eq!(
            params[0],
            json!({
                "name": "endpoint",
                "description": t.param("endpoint").unwrap().description,
                "paramType": "query",
                "required": true,
                "allowMultiple": false,
                "dataType": "string",
            })
        );
        let priority = params.iter().find(|p| p["name"] == "priority").unwrap();
        assert_eq!(priority["dataType"], "long");
        assert_eq!(priority["required"], false);
        let timeout = params.iter().find(|p| p["name"] == "timeout").unwrap();
        assert_eq!(timeout["dataType"], "int");
        assert_eq!(timeout["defaultValue"], json!(30));
        let variables = params.iter().find(|p| p["name"] == "variables").unwrap();
        assert_eq!(variables["paramType"], "body");
        assert_eq!(variables["dataType"], "containers");
        assert_eq!(variables["allowMultiple"], false);
        assert!(variables.get("defaultValue").is_none());
        assert_eq!(
            o["errorResponses"],
            json!([
                { "code": 400, "reason": t.errors[0].reason },
                { "code": 409, "reason": t.errors[1].reason },
            ])
        );
        // The models the client instantiates from.
        let channel = &d["models"]["Channel"];
        assert_eq!(channel["id"], "Channel");
        assert_eq!(channel["properties"]["id"]["type"], "string");
        assert_eq!(channel["properties"]["id"]["required"], true);
        assert_eq!(
            channel["properties"]["state"]["allowableValues"]["valueType"],
            "LIST"
        );
        assert_eq!(channel["properties"]["caller"]["type"], "CallerID");
    }

    #[test]
    fn defaults_are_typed_like_asterisk_writes_them() {
        let d = api_declaration("channels", BASE).unwrap();
        let play = find_op(&d, "play");
        let p = |n: &str| {
            play["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == n)
                .unwrap()
                .clone()
        };
        assert_eq!(p("skipms")["defaultValue"], json!(3000));
        assert!(p("speed")["defaultValue"].is_f64());
        assert_eq!(p("speed")["defaultValue"], json!(1.0));
        let record = find_op(&d, "record");
        let beep = record["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "beep")
            .unwrap();
        assert_eq!(beep["defaultValue"], json!(false));
        let max = record["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "maxDurationSeconds")
            .unwrap();
        assert_eq!(
            max["allowableValues"],
            json!({ "valueType": "RANGE", "min": 0 })
        );
        // Every default in the tables has the JSON type of its parameter.
        for (r, o) in operations() {
            for p in o.params {
                let Some(v) = default_value(p) else { continue };
                let ok = match p.data_type {
                    DataType::Int | DataType::Long => v.is_i64(),
                    DataType::Double => v.is_f64(),
                    DataType::Boolean => v.is_boolean(),
                    _ => v.is_string(),
                };
                assert!(ok, "{}.{}.{}: default {v}", r.name, o.nickname, p.name);
            }
        }
    }

    #[test]
    fn list_allowables_carry_their_values() {
        for (name, d) in declarations() {
            let r = RESOURCES.iter().find(|r| r.name == name).unwrap();
            for o in r.operations {
                let op = find_op(&d, o.nickname);
                for p in o.params {
                    let got = op["parameters"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|q| q["name"] == p.name)
                        .unwrap();
                    match p.allowed {
                        Allowed::Values(values) => {
                            assert_eq!(got["allowableValues"]["valueType"], "LIST");
                            assert_eq!(got["allowableValues"]["values"], json!(values));
                        }
                        Allowed::Range { .. } => {
                            assert_eq!(got["allowableValues"]["valueType"], "RANGE");
                        }
                        Allowed::Any => assert!(got.get("allowableValues").is_none()),
                    }
                }
            }
        }
        let hangup = find_op(&api_declaration("channels", BASE).unwrap(), "hangup").clone();
        let reason = hangup["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "reason")
            .unwrap()
            .clone();
        assert!(reason["allowableValues"]["values"]
            .as_array()
            .unwrap()
            .contains(&json!("busy")));
    }

    #[test]
    fn events_websocket_is_marked() {
        let d = api_declaration("events", BASE).unwrap();
        let ws = find_op(&d, "eventWebsocket");
        assert_eq!(ws["httpMethod"], "GET");
        assert_eq!(ws["upgrade"], "websocket");
        assert_eq!(ws["websocketProtocol"], "ari");
        assert_eq!(ws["responseClass"], "Message");
        let user = find_op(&d, "userEvent");
        assert!(user.get("upgrade").is_none());
        let oas = openapi(BASE);
        let op = &oas["paths"]["/events"]["get"];
        assert!(op["responses"]["101"].is_object());
        assert!(op["responses"].get("200").is_none());
    }

    /// What the Node client (swagger-client 2.0.x) and swaggerpy read: every
    /// field they need is there, with the types they expect.
    #[test]
    fn declarations_have_what_clients_read() {
        for (name, d) in declarations() {
            for api in d["apis"].as_array().unwrap() {
                assert!(api["path"].as_str().unwrap().starts_with('/'));
                for o in api["operations"].as_array().unwrap() {
                    for key in ["httpMethod", "nickname", "responseClass", "summary"] {
                        assert!(o[key].is_string(), "{name}: {key} in {o}");
                    }
                    assert!(o["parameters"].is_array());
                    for p in o["parameters"].as_array().unwrap() {
                        for key in ["name", "paramType", "dataType", "description"] {
                            assert!(p[key].is_string(), "{name}: {key} in {p}");
                        }
                        assert!(p["required"].is_boolean());
                        assert!(p["allowMultiple"].is_boolean());
                    }
                }
            }
            for (id, m) in d["models"].as_object().unwrap() {
                assert_eq!(m["id"], id.as_str());
                for (_, p) in m["properties"].as_object().unwrap() {
                    assert!(p["type"].is_string());
                }
            }
        }
    }

    /// The Node client looks each event's model up by `type` among the
    /// events declaration's models; a missing one makes it throw.
    #[test]
    fn every_event_type_is_a_model_of_the_events_declaration() {
        let d = api_declaration("events", BASE).unwrap();
        let models = d["models"].as_object().unwrap();
        let mut stack = vec!["Message"];
        while let Some(id) = stack.pop() {
            assert!(models.contains_key(id), "events lacks model {id}");
            stack.extend(model(id).unwrap().sub_types.iter().copied());
        }
    }

    #[test]
    fn every_operation_appears_once_in_openapi() {
        let oas = openapi(BASE);
        assert_eq!(oas["openapi"], "3.0.3");
        assert_eq!(oas["servers"][0]["url"], BASE);
        let mut ids = HashSet::new();
        let mut count = 0;
        for (path, item) in oas["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                count += 1;
                let id = op["operationId"].as_str().unwrap();
                assert!(ids.insert(id.to_string()), "duplicate {id}");
                let (res, nick) = id.split_once('_').unwrap();
                let o = crate::find(res, nick).unwrap_or_else(|| panic!("{id}"));
                assert_eq!(o.path, path);
                assert_eq!(o.method.as_str().to_lowercase(), *method);
                assert_eq!(op["tags"], json!([res]));
            }
        }
        assert_eq!(count, operations().count());
        assert_eq!(
            oas["paths"]["/channels"]["post"]["operationId"],
            "channels_originate"
        );
        let tags: Vec<&str> = oas["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = RESOURCES.iter().map(|r| r.name).collect();
        assert_eq!(tags, want);
    }

    /// What the Node client relies on beyond the document's shape: the
    /// resources it instantiates, the path parameter each instance injects
    /// (`_param`), and the id parameters of its create methods.
    #[test]
    fn node_client_contract() {
        let path_params = |resource: &str| -> HashSet<&'static str> {
            let r = RESOURCES.iter().find(|r| r.name == resource).unwrap();
            r.operations
                .iter()
                .flat_map(|o| o.params.iter())
                .filter(|p| p.kind == ParamKind::Path)
                .map(|p| p.name)
                .collect()
        };
        for (model_id, resource, params) in [
            ("Application", "applications", &["applicationName"][..]),
            ("Bridge", "bridges", &["bridgeId"]),
            ("Channel", "channels", &["channelId"]),
            ("DeviceState", "deviceStates", &["deviceName"]),
            ("Endpoint", "endpoints", &["tech", "resource"]),
            ("LiveRecording", "recordings", &["recordingName"]),
            ("StoredRecording", "recordings", &["recordingName"]),
            ("Mailbox", "mailboxes", &["mailboxName"]),
            ("Playback", "playbacks", &["playbackId"]),
            ("Sound", "sounds", &["soundId"]),
        ] {
            assert!(model(model_id).is_some(), "no model {model_id}");
            let have = path_params(resource);
            for p in params {
                assert!(have.contains(p), "{resource} has no path parameter {p}");
            }
        }
        for (resource, nickname, param) in [
            ("channels", "originate", "channelId"),
            ("channels", "snoopChannel", "snoopId"),
            ("channels", "play", "playbackId"),
            ("channels", "record", "name"),
            ("bridges", "create", "bridgeId"),
            ("bridges", "play", "playbackId"),
            ("bridges", "record", "name"),
        ] {
            let o = crate::find(resource, nickname).unwrap();
            assert!(
                o.param(param).is_some(),
                "{resource}.{nickname} lacks {param}"
            );
        }
        // swagger-client treats `void` as "no body to parse" and the client
        // reads `List[X]` with /List\[([A-Za-z]+)\]/.
        for (_, o) in operations() {
            let inner = element_type(o.response_class);
            assert!(inner.chars().all(|c| c.is_ascii_alphanumeric()));
        }
    }

    fn collect_refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    if k == "$ref" {
                        out.push(v.as_str().expect("string $ref"));
                    } else {
                        collect_refs(v, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }

    #[test]
    fn every_openapi_ref_resolves() {
        let oas = openapi(BASE);
        let schemas = oas["components"]["schemas"].as_object().unwrap();
        let mut refs = Vec::new();
        collect_refs(&oas, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let id = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("unexpected $ref {r}"));
            assert!(schemas.contains_key(id), "dangling $ref {r}");
        }
        assert!(
            model(ERROR_SCHEMA).is_none(),
            "a model is named {ERROR_SCHEMA}"
        );
        assert_eq!(schemas.len(), crate::models().count() + 1);
    }

    #[test]
    fn openapi_parameters_and_bodies() {
        let oas = openapi(BASE);
        let param = |path: &str, method: &str, name: &str| -> Value {
            oas["paths"][path][method]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == name)
                .unwrap_or_else(|| panic!("{method} {path}: no {name}"))
                .clone()
        };
        // Every table parameter that is not a body shows up with its enum.
        for (_, o) in operations() {
            let method = o.method.as_str().to_lowercase();
            for p in o.params.iter().filter(|p| p.kind != ParamKind::Body) {
                let got = param(o.path, &method, p.name);
                assert_eq!(got["required"], p.required);
                let schema = if p.allow_multiple {
                    assert_eq!(got["style"], "form");
                    assert_eq!(got["explode"], false);
                    assert_eq!(got["schema"]["type"], "array");
                    got["schema"]["items"].clone()
                } else {
                    got["schema"].clone()
                };
                if let Allowed::Values(values) = p.allowed {
                    assert_eq!(schema["enum"], json!(values));
                }
            }
        }
        let timeout = param("/channels", "post", "timeout");
        assert_eq!(
            timeout["schema"],
            json!({ "type": "integer", "format": "int32", "default": 30 })
        );
        let max = param("/channels/{channelId}/record", "post", "maxDurationSeconds");
        assert_eq!(max["schema"]["minimum"], 0);
        assert!(max["schema"].get("maximum").is_none());
        assert_eq!(
            param("/channels", "post", "priority")["schema"]["format"],
            "int64"
        );
        assert_eq!(
            param("/channels/{channelId}", "get", "channelId")["in"],
            "path"
        );

        let body = &oas["paths"]["/channels"]["post"]["requestBody"];
        let schema = &body["content"]["application/json"]["schema"];
        assert_eq!(schema["properties"]["variables"]["type"], "object");
        let filter = &oas["paths"]["/applications/{applicationName}/eventFilter"]["put"]
            ["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(filter["type"], "object");
        assert!(filter["properties"]["allowed"].is_object());

        let get = &oas["paths"]["/channels/{channelId}"]["get"]["responses"];
        assert_eq!(
            get["200"]["content"]["application/json"]["schema"],
            json!({ "$ref": "#/components/schemas/Channel" })
        );
        assert_eq!(
            get["404"]["content"]["application/json"]["schema"],
            json!({ "$ref": "#/components/schemas/Error" })
        );
        assert!(oas["paths"]["/channels/{channelId}"]["delete"]["responses"]["204"].is_object());
        let list = &oas["paths"]["/channels"]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"];
        assert_eq!(list["type"], "array");
    }

    #[test]
    fn openapi_schemas() {
        let oas = openapi(BASE);
        let s = &oas["components"]["schemas"];
        let channel = &s["Channel"];
        assert_eq!(channel["type"], "object");
        assert_eq!(channel["properties"]["creationtime"]["format"], "date-time");
        assert!(channel["required"]
            .as_array()
            .unwrap()
            .contains(&json!("id")));
        assert!(channel["properties"]["state"]["enum"].is_array());
        assert_eq!(
            channel["properties"]["channelvars"]["additionalProperties"],
            true
        );
        assert_eq!(s["Message"]["discriminator"]["propertyName"], "type");
        assert_eq!(
            s["Event"]["allOf"][0],
            json!({ "$ref": "#/components/schemas/Message" })
        );
        assert_eq!(
            s["StasisStart"]["allOf"][0],
            json!({ "$ref": "#/components/schemas/Event" })
        );
        let sec = &oas["components"]["securitySchemes"];
        assert_eq!(sec["basicAuth"]["scheme"], "basic");
        assert_eq!(sec["apiKey"]["in"], "query");
        assert_eq!(sec["apiKey"]["name"], "api_key");
        assert_eq!(oas["security"].as_array().unwrap().len(), 2);
    }
}
