//! What the docs say, gathered from the catalog once for both templates:
//! transport, security, how events are identified, messages and types.

use super::pieces::{ty_shown, Links, Shown};
use super::recipe::{recipes, RecipeView};
use super::rows::{field_rows, pretty, FieldRow};
use super::text::{code_span, Anchors, Text};
use super::types::{delivery_types, type_views, TypeView};
use crate::model::{Catalog, Message, Operation, RouteRule, Ty, TyKind, TypeKind};

pub struct Page {
    pub title: String,
    pub title_anchor: String,
    pub provenance: String,
    pub crate_name: String,
    pub rust_crate: String,
    pub description: Option<Text>,
    /// Where the JSON Schemas are, relative to the docs, when they are beside them.
    pub schemas_dir: Option<String>,
    pub contents_anchor: String,
    /// The receiving recipe, first after the contents.
    pub receiving_anchor: String,
    pub recipes: Vec<RecipeView>,
    pub transport_anchor: String,
    pub servers: Vec<ServerView>,
    pub security_anchor: String,
    pub security: Vec<SecurityView>,
    pub operations_anchor: String,
    pub operations: Vec<OperationView>,
    pub messages_anchor: String,
    pub messages: Vec<MessageView>,
    /// Types a delivery can hold, then the rest (`None`: no such type).
    pub delivery_types_anchor: Option<String>,
    pub other_types_anchor: Option<String>,
    pub types: Vec<TypeView>,
    pub notes_anchor: String,
    pub notes: Vec<Text>,
}

pub struct ServerView {
    pub name: String,
    pub host: String,
    pub protocol: String,
    pub description: Option<Text>,
}

pub struct SecurityView {
    pub name: String,
    pub kind: String,
    pub parameter: Option<String>,
    pub signature: Option<String>,
    pub description: Option<Text>,
}

pub struct OperationView {
    pub id: String,
    pub anchor: String,
    pub action: String,
    pub channel: String,
    pub summary: Option<Text>,
    pub description: Option<Text>,
    /// How the message of a body is told apart.
    pub rule: Text,
    /// Rust code that parses a body of this operation.
    pub snippet: String,
    pub routes: Vec<RouteView>,
}

#[derive(Clone)]
pub struct RouteView {
    pub message: String,
    pub anchor: String,
    /// Routing keys, as Markdown/HTML code spans.
    pub keys: Shown,
    /// `Enum::Variant`.
    pub variant: String,
    pub operation: String,
    pub operation_anchor: String,
}

pub struct MessageView {
    pub name: String,
    pub anchor: String,
    pub heading: String,
    pub title: Option<String>,
    pub summary: Option<Text>,
    pub description: Option<Text>,
    pub content_type: Option<String>,
    pub routes: Vec<RouteView>,
    /// The Rust value an event of this message arrives as.
    pub rust: String,
    pub payload: Option<Shown>,
    pub fields: Vec<FieldRow>,
    pub headers: Option<Shown>,
    pub header_fields: Vec<FieldRow>,
    pub schema_file: Option<String>,
    pub examples: Vec<ExampleView>,
}

pub struct ExampleView {
    pub name: String,
    pub summary: Option<Text>,
    pub json: String,
}

/// The whole page. `schemas_dir` links each message to its schema file.
pub fn page(catalog: &Catalog, spec_display: &str, schemas_dir: Option<&str>) -> Page {
    let rust_crate = catalog.crate_name.replace('-', "_");
    let title = format!("{} {}", catalog.title, catalog.version);
    // Taken in the order the headings appear in EVENTS.md (see `Anchors`).
    let mut anchors = Anchors::default();
    let title_anchor = anchors.take(&title);
    let contents_anchor = anchors.take("Contents");
    let receiving_anchor = anchors.take("Receiving");
    let transport_anchor = anchors.take("Transport");
    let security_anchor = anchors.take("Security");
    let operations_anchor = anchors.take("Operations");
    let operation_anchors: Vec<String> = catalog
        .operations
        .iter()
        .map(|o| anchors.take(&operation_heading(o)))
        .collect();
    let messages_anchor = anchors.take("Messages");
    let message_anchors: Vec<String> = catalog
        .messages
        .iter()
        .map(|m| anchors.take(&message_heading(m)))
        .collect();
    // Delivery types come first, so their anchors are taken first.
    let delivery = delivery_types(catalog);
    let (delivered, others): (Vec<_>, Vec<_>) = catalog
        .types
        .iter()
        .partition(|t| delivery.contains(t.name.as_str()));
    let mut links = Links::new();
    let mut section = |title: &str, types: &[&crate::model::TypeDef]| {
        let anchor = (!types.is_empty()).then(|| anchors.take(title));
        for t in types {
            links.insert(t.name.clone(), anchors.take(&format!("Type `{}`", t.name)));
        }
        anchor
    };
    let delivery_types_anchor = section("Delivery types", &delivered);
    let other_types_anchor = section("Other types", &others);
    let notes_anchor = anchors.take("Notes");

    let operations: Vec<OperationView> = catalog
        .operations
        .iter()
        .zip(&operation_anchors)
        .map(|(operation, anchor)| {
            operation_view(catalog, operation, anchor, &rust_crate, &message_anchors)
        })
        .collect();
    let messages = catalog
        .messages
        .iter()
        .zip(&message_anchors)
        .map(|(message, anchor)| {
            let routes = operations
                .iter()
                .flat_map(|o| &o.routes)
                .filter(|r| r.message == message.name)
                .cloned()
                .collect();
            message_view(
                catalog,
                message,
                anchor,
                routes,
                &links,
                &rust_crate,
                schemas_dir,
            )
        })
        .collect();
    Page {
        provenance: format!(
            "Generated by eventbind from `{spec_display}`. Do not edit: change the spec and run `eventbind generate`."
        ),
        title,
        title_anchor,
        crate_name: catalog.crate_name.clone(),
        description: Text::from_option(catalog.description.as_deref()),
        schemas_dir: schemas_dir.map(str::to_string),
        contents_anchor,
        receiving_anchor,
        recipes: recipes(catalog, &rust_crate, &operation_anchors),
        transport_anchor,
        servers: catalog
            .servers
            .iter()
            .map(|s| ServerView {
                name: s.name.clone(),
                host: s.host.clone(),
                protocol: s.protocol.clone(),
                description: Text::from_option(s.description.as_deref()),
            })
            .collect(),
        security_anchor,
        security: catalog
            .security_schemes
            .iter()
            .map(|s| SecurityView {
                name: s.name.clone(),
                kind: s.kind.clone(),
                parameter: s.parameter.clone(),
                signature: s.signature.as_ref().map(|v| v.to_string()),
                description: Text::from_option(s.description.as_deref()),
            })
            .collect(),
        operations_anchor,
        operations,
        messages_anchor,
        messages,
        delivery_types_anchor,
        other_types_anchor,
        types: type_views(catalog, &links, &rust_crate),
        notes_anchor,
        notes: catalog.warnings.iter().map(|w| Text::new(w)).collect(),
        rust_crate,
    }
}

fn operation_heading(operation: &Operation) -> String {
    format!("Operation `{}`", operation.id)
}

fn message_heading(message: &Message) -> String {
    format!("Message `{}`", message.name)
}

fn operation_view(
    catalog: &Catalog,
    operation: &Operation,
    anchor: &str,
    rust_crate: &str,
    message_anchors: &[String],
) -> OperationView {
    let enum_path = format!("{rust_crate}::{}", operation.enum_name);
    let (rule, snippet) = match &operation.route {
        RouteRule::Field { pointer } => (
            format!(
                "The string at {} (a JSON Pointer into the body) names the message. A value no message lists arrives as `{}::Unknown`, kept byte for byte.",
                code_span(pointer),
                operation.enum_name
            ),
            format!("let event = {enum_path}::parse(&body)?;"),
        ),
        RouteRule::Presence => (
            format!(
                "Which top-level member of the body is present ({}) names the message; exactly one of them must be. A body with none of them is an unknown event.",
                operation
                    .messages
                    .iter()
                    .flat_map(|m| &m.keys)
                    .map(|k| code_span(k))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            format!("let event = {enum_path}::parse(&body)?;"),
        ),
        RouteRule::Name => {
            let first = operation
                .messages
                .first()
                .map_or("name", |m| m.message.as_str());
            (
                format!(
                    "Nothing in the body names the message: the name comes from outside it (the subscription or the delivery it arrived on). Pass it to `parse_named`; a name no message has arrives as `{}::Unknown`.",
                    operation.enum_name
                ),
                format!("let event = {enum_path}::parse_named({first:?}, &body)?;"),
            )
        }
    };
    let rule = match operation.route_origin {
        crate::model::RouteOrigin::Payloads => format!(
            "{rule} (Read from the payload schemas: every message pins this field to values of its own; `eventbind.toml` can set another rule.)"
        ),
        _ => rule,
    };
    let routes = operation
        .messages
        .iter()
        .filter_map(|routed| {
            let index = catalog
                .messages
                .iter()
                .position(|m| m.name == routed.message)?;
            let message = &catalog.messages[index];
            let keys: Vec<String> = routed.keys.iter().map(|k| code_span(k)).collect();
            let keys_html: Vec<String> = routed
                .keys
                .iter()
                .map(|k| format!("<code>{}</code>", super::text::escape_html(k)))
                .collect();
            Some(RouteView {
                message: message.name.clone(),
                anchor: message_anchors[index].clone(),
                keys: Shown {
                    md: keys.join(" or ").replace('|', "\\|"),
                    html: keys_html.join(" or "),
                },
                variant: format!("{}::{}", operation.enum_name, message.variant),
                operation: operation.id.clone(),
                operation_anchor: anchor.to_string(),
            })
        })
        .collect();
    OperationView {
        id: operation.id.clone(),
        anchor: anchor.to_string(),
        action: match operation.action {
            crate::model::Action::Receive => "receive".into(),
            crate::model::Action::Send => "send".into(),
        },
        channel: operation.channel.clone(),
        summary: Text::from_option(operation.summary.as_deref()),
        description: Text::from_option(operation.description.as_deref()),
        rule: Text::new(&rule),
        snippet,
        routes,
    }
}

fn message_view(
    catalog: &Catalog,
    message: &Message,
    anchor: &str,
    routes: Vec<RouteView>,
    links: &Links,
    rust_crate: &str,
    schemas_dir: Option<&str>,
) -> MessageView {
    let payload_rust = match &message.payload {
        Some(Ty {
            kind: TyKind::Named { name },
            nullable: false,
            ..
        }) => format!("{rust_crate}::{name}"),
        _ => "serde_json::Value".to_string(),
    };
    let rust = match routes.first() {
        Some(route) => format!("{rust_crate}::{}({payload_rust})", route.variant),
        None => payload_rust,
    };
    MessageView {
        name: message.name.clone(),
        anchor: anchor.to_string(),
        heading: message_heading(message),
        title: message.title.clone(),
        summary: Text::from_option(message.summary.as_deref()),
        description: Text::from_option(message.description.as_deref()),
        content_type: message.content_type.clone(),
        routes,
        rust,
        payload: message.payload.as_ref().map(|ty| ty_shown(ty, links)),
        fields: struct_fields(catalog, message.payload.as_ref(), links),
        headers: message.headers.as_ref().map(|ty| ty_shown(ty, links)),
        header_fields: struct_fields(catalog, message.headers.as_ref(), links),
        schema_file: schemas_dir
            .map(|dir| format!("{dir}/{}", crate::emit::schema::file_name(message))),
        examples: message
            .examples
            .iter()
            .enumerate()
            .filter_map(|(index, example)| {
                Some(ExampleView {
                    name: example
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("Example {}", index + 1)),
                    summary: Text::from_option(example.summary.as_deref()),
                    json: pretty(example.payload.as_ref()?),
                })
            })
            .collect(),
    }
}

/// The members of `ty` when it names a struct (the table a reader wants first).
fn struct_fields(catalog: &Catalog, ty: Option<&Ty>, links: &Links) -> Vec<FieldRow> {
    let Some(TyKind::Named { name }) = ty.map(|t| &t.kind) else {
        return Vec::new();
    };
    match catalog.type_named(name).map(|d| &d.kind) {
        Some(TypeKind::Struct { fields, .. }) => field_rows(fields, links),
        _ => Vec::new(),
    }
}
