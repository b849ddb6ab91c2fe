//! The resource tables, one file per ARI resource (as Asterisk keeps one
//! `api-docs/*.json` per resource), and the small `const fn` builders that keep
//! them readable.

use crate::{
    Allowed, DataType, ErrorResponse, Method, Model, Operation, Param, ParamKind, Property,
    Resource,
};

mod applications;
mod asterisk;
mod bridges;
mod channels;
mod device_states;
mod endpoints;
mod events;
mod mailboxes;
mod playbacks;
mod recordings;
mod sounds;

/// Every resource the project describes, in the order Asterisk lists them in
/// `resources.json`.
pub static RESOURCES: &[Resource] = &[
    asterisk::RESOURCE,
    endpoints::RESOURCE,
    channels::RESOURCE,
    bridges::RESOURCE,
    recordings::RESOURCE,
    sounds::RESOURCE,
    playbacks::RESOURCE,
    device_states::RESOURCE,
    mailboxes::RESOURCE,
    events::RESOURCE,
    applications::RESOURCE,
];

/// A path parameter (always required).
pub(crate) const fn path(name: &'static str, description: &'static str) -> Param {
    Param {
        name,
        description,
        kind: ParamKind::Path,
        data_type: DataType::String,
        required: true,
        allow_multiple: false,
        default: None,
        allowed: Allowed::Any,
    }
}

/// An optional query parameter of the given type.
pub(crate) const fn query(
    name: &'static str,
    data_type: DataType,
    description: &'static str,
) -> Param {
    Param {
        name,
        description,
        kind: ParamKind::Query,
        data_type,
        required: false,
        allow_multiple: false,
        default: None,
        allowed: Allowed::Any,
    }
}

/// A body parameter (`variables`, `fields`): an object carried as the JSON body.
pub(crate) const fn body(
    name: &'static str,
    data_type: DataType,
    description: &'static str,
) -> Param {
    Param {
        name,
        description,
        kind: ParamKind::Body,
        data_type,
        required: false,
        allow_multiple: false,
        default: None,
        allowed: Allowed::Any,
    }
}

impl Param {
    /// Marks the parameter required.
    pub(crate) const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// Marks the parameter as taking a comma-separated list.
    pub(crate) const fn multiple(mut self) -> Self {
        self.allow_multiple = true;
        self
    }
    /// Sets the default value.
    pub(crate) const fn default(mut self, value: &'static str) -> Self {
        self.default = Some(value);
        self
    }
    /// Restricts the value to a list.
    pub(crate) const fn values(mut self, values: &'static [&'static str]) -> Self {
        self.allowed = Allowed::Values(values);
        self
    }
    /// Restricts a number to a range.
    pub(crate) const fn range(mut self, min: Option<i64>, max: Option<i64>) -> Self {
        self.allowed = Allowed::Range { min, max };
        self
    }
}

/// An error answer.
pub(crate) const fn err(code: u16, reason: &'static str) -> ErrorResponse {
    ErrorResponse { code, reason }
}

/// An operation with no notes, not a WebSocket.
pub(crate) const fn op(
    method: Method,
    path: &'static str,
    nickname: &'static str,
    summary: &'static str,
    response_class: &'static str,
    params: &'static [Param],
    errors: &'static [ErrorResponse],
) -> Operation {
    Operation {
        path,
        method,
        nickname,
        summary,
        notes: None,
        response_class,
        params,
        errors,
        websocket: false,
    }
}

impl Operation {
    /// Adds notes.
    pub(crate) const fn notes(mut self, notes: &'static str) -> Self {
        self.notes = Some(notes);
        self
    }
    /// Marks the operation as the events WebSocket upgrade.
    pub(crate) const fn websocket(mut self) -> Self {
        self.websocket = true;
        self
    }
}

/// A model property (optional until marked required).
pub(crate) const fn prop(
    name: &'static str,
    type_name: &'static str,
    description: &'static str,
) -> Property {
    Property {
        name,
        type_name,
        required: false,
        description,
        allowed: Allowed::Any,
    }
}

impl Property {
    /// Marks the property always present.
    pub(crate) const fn required(mut self) -> Self {
        self.required = true;
        self
    }
    /// Restricts the value to a list.
    pub(crate) const fn values(mut self, values: &'static [&'static str]) -> Self {
        self.allowed = Allowed::Values(values);
        self
    }
}

/// A model with no sub types and no discriminator.
pub(crate) const fn model(
    id: &'static str,
    description: &'static str,
    properties: &'static [Property],
) -> Model {
    Model {
        id,
        description,
        properties,
        sub_types: &[],
        discriminator: None,
    }
}

impl Model {
    /// Sets the models derived from this one.
    pub(crate) const fn sub_types(mut self, sub_types: &'static [&'static str]) -> Self {
        self.sub_types = sub_types;
        self
    }
    /// Sets the property that tells derived models apart.
    pub(crate) const fn discriminator(mut self, name: &'static str) -> Self {
        self.discriminator = Some(name);
        self
    }
}
