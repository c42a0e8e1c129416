//! The "Receiving" section, first on the page: what a receiver of each
//! receiving operation must do (headers, verification, dedup key, success
//! answer, retries, routing) and the `eventbind-receive` code that does it,
//! all from what the model knows: servers, security schemes, message
//! headers and payload members, the routing rule.
//!
//! Where the model does not know (what a signature covers, which member is
//! the event id), the text says what eventbind assumes and that the vendor
//! must confirm it, as the spec descriptions do.

use super::text::{code_span, Text};
use crate::model::{Catalog, Operation, RouteRule, SecurityScheme, TyKind, TypeKind};
use std::fmt::Write as _;

/// One receiving operation's recipe.
pub struct RecipeView {
    pub operation: String,
    pub operation_anchor: String,
    /// Label, text: "Headers", "Verification", ...
    pub steps: Vec<(String, Text)>,
    /// The `[dependencies]` a receiver needs.
    pub cargo: String,
    /// A receiver's `main`.
    pub snippet: String,
}

/// How deliveries reach a receiver.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Transport {
    Http,
    Sqs,
}

/// A security check as `eventbind-receive` writes it.
struct Check {
    rust: String,
    uses: &'static str,
    text: String,
}

/// The recipes of the receiving operations, in spec order; `anchors` are
/// the operations' section anchors, in `catalog.operations` order.
pub fn recipes(catalog: &Catalog, rust_crate: &str, anchors: &[String]) -> Vec<RecipeView> {
    let transport = if catalog.servers.iter().any(|s| s.protocol == "sqs") {
        Transport::Sqs
    } else {
        Transport::Http
    };
    catalog
        .operations
        .iter()
        .zip(anchors)
        .filter(|(o, _)| matches!(o.action, crate::model::Action::Receive))
        .map(|(o, anchor)| recipe(catalog, o, anchor, rust_crate, transport))
        .collect()
}

fn recipe(
    catalog: &Catalog,
    operation: &Operation,
    anchor: &str,
    rust_crate: &str,
    transport: Transport,
) -> RecipeView {
    let headers = header_names(catalog, operation);
    let test_header = headers.iter().find(|h| h.contains("test")).cloned();
    let idempotency = headers.iter().find(|h| h.contains("idempotency")).cloned();
    let id_field = id_field(catalog, operation);
    let checks: Vec<Check> = match transport {
        Transport::Http => catalog.security_schemes.iter().map(check).collect(),
        Transport::Sqs => Vec::new(),
    };
    let mut steps = Vec::new();

    let mut signature_headers: Vec<String> = catalog
        .security_schemes
        .iter()
        .filter_map(|s| s.parameter.clone())
        .collect();
    signature_headers.retain(|h| !headers.contains(h));
    let all: Vec<String> = signature_headers
        .iter()
        .chain(&headers)
        .map(|h| code_span(h))
        .collect();
    steps.push(("Headers".to_string(), Text::new(&match (transport, all.is_empty()) {
        (Transport::Sqs, _) => "An SQS message has no HTTP headers: its message attributes are given to the pipeline as headers (names lower-cased), with `sqs-approximate-receive-count`.".to_string(),
        (Transport::Http, true) => "The spec names no request headers.".to_string(),
        (Transport::Http, false) => format!("The spec names {}.", all.join(", ")),
    })));

    let verification = match (transport, checks.as_slice()) {
        (Transport::Sqs, _) => "Messages are not signed: who may read the queue is AWS IAM's business (see [Security](#security)); the consumer signs its own SQS requests with the credentials the vendor grants.".to_string(),
        (Transport::Http, []) => "The spec names no security scheme: anyone who knows the URL can post to it. Use a URL with a secret part, and ask the vendor whether it signs deliveries.".to_string(),
        (Transport::Http, [one]) => one.text.clone(),
        (Transport::Http, several) => format!(
            "The subscription chooses one of {} schemes: {}",
            several.len(),
            several.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" ")
        ),
    };
    steps.push(("Verification".into(), Text::new(&verification)));

    let mut dedup_sources = Vec::new();
    let mut dedup_text = Vec::new();
    if let Some(header) = &idempotency {
        dedup_sources.push(format!(".header({header:?})"));
        dedup_text.push(format!("the {} header", code_span(header)));
    }
    if transport == Transport::Sqs {
        dedup_text.push("the SQS message id (the default)".into());
    }
    if let Some((pointer, required)) = &id_field {
        dedup_sources.push(format!(".field({pointer:?})"));
        dedup_text.push(format!(
            "the member at {} ({} in every message; eventbind takes it for the event id: confirm with the vendor)",
            code_span(pointer),
            if *required { "required" } else { "declared, optional," }
        ));
    }
    steps.push(("Dedup key".into(), Text::new(&if dedup_text.is_empty() {
        "Nothing in the spec identifies a delivery: the body's SHA-256 is the dedup key, so a redelivery is recognised only when its bytes are the same.".to_string()
    } else {
        format!("{}; else the body's SHA-256. A delivery whose key was acknowledged before is acknowledged again without running a handler.", capitalise(&dedup_text.join(", else ")))
    })));

    steps.push(("Success".into(), Text::new(match transport {
        Transport::Http => "`200` once the handler answers `Disposition::Acknowledge` (and for duplicates and test deliveries); `HttpReceiver::success_status` sets another 2xx.",
        Transport::Sqs => "The message is deleted once the handler answers `Disposition::Acknowledge` and its outcome is stored.",
    })));

    let schedule = if operation.description.is_some() {
        format!(" The vendor's own schedule, where the spec states it, is in [Operation {}](#{anchor}).", code_span(&operation.id))
    } else {
        String::new()
    };
    steps.push(("Retries".into(), Text::new(&match transport {
        Transport::Http => format!("`Disposition::RetryLater` answers `503` (`500` if the handler panicked), so the vendor sends it again; a bad signature answers `401` and a body that is malformed, unroutable or invalid `400`, which retrying cannot mend.{schedule}"),
        Transport::Sqs => format!("Anything not acknowledged is left on the queue: it comes back after the visibility timeout, and after `maxReceiveCount` receives the redrive policy moves it to the dead-letter queue. On AWS Lambda, `eventbind_receive::lambda::SqsLambda` answers the same records in `batchItemFailures`.{schedule}"),
    })));

    let routing = match &operation.route {
        RouteRule::Field { pointer } => format!("The body names its event (the string at {}): one URL receives them all.", code_span(pointer)),
        RouteRule::Presence => "The body names its event (which top-level member is present): one queue or URL receives them all.".to_string(),
        RouteRule::Name if operation.messages.len() == 1 => format!(
            "Every delivery is {}: no name is needed.",
            code_span(&operation.messages[0].message)
        ),
        RouteRule::Name => "Nothing in the body names the event: subscribe each event at its own URL, whose last segment names it (`HttpReceiver::path(\"/hooks/{event}\")`).".to_string(),
    };
    let routing = match &test_header {
        Some(header) => format!("{routing} Deliveries with {} true are test deliveries: verified and acknowledged without running a handler.", code_span(header)),
        None => routing,
    };
    steps.push(("Routing".into(), Text::new(&routing)));

    let features = match transport {
        Transport::Http => "http",
        Transport::Sqs => "sqs",
    };
    let cargo = format!(
        "[dependencies]\n{} = \"{}\"\neventbind-receive = {{ version = \"0.1\", features = [\"{features}\"] }}",
        catalog.crate_name, "0.1"
    );
    let snippet = snippet(
        operation,
        rust_crate,
        transport,
        checks.first(),
        &dedup_sources,
        test_header.as_deref(),
    );
    RecipeView {
        operation: operation.id.clone(),
        operation_anchor: anchor.to_string(),
        steps,
        cargo,
        snippet,
    }
}

/// The header names the operation's messages declare (their headers'
/// members), each once, in order.
fn header_names(catalog: &Catalog, operation: &Operation) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for routed in &operation.messages {
        let Some(message) = catalog.messages.iter().find(|m| m.name == routed.message) else {
            continue;
        };
        let Some(TyKind::Named { name }) = message.headers.as_ref().map(|t| &t.kind) else {
            continue;
        };
        if let Some(TypeKind::Struct { fields, .. }) = catalog.type_named(name).map(|d| &d.kind) {
            for field in fields {
                let wire = field.wire.to_ascii_lowercase();
                if !names.contains(&wire) {
                    names.push(wire);
                }
            }
        }
    }
    names
}

/// `/<member>` when every message of the operation has a top-level string
/// member named like an event id, and whether every message requires it.
fn id_field(catalog: &Catalog, operation: &Operation) -> Option<(String, bool)> {
    const NAMES: [&str; 4] = ["id", "eventId", "event_id", "messageId"];
    NAMES.iter().find_map(|candidate| {
        let mut required = true;
        let in_every = !operation.messages.is_empty()
            && operation.messages.iter().all(|routed| {
                let payload = catalog
                    .messages
                    .iter()
                    .find(|m| m.name == routed.message)
                    .and_then(|m| m.payload.as_ref());
                let Some(TyKind::Named { name }) = payload.map(|t| &t.kind) else {
                    return false;
                };
                let Some(TypeKind::Struct { fields, .. }) =
                    catalog.type_named(name).map(|d| &d.kind)
                else {
                    return false;
                };
                let field = fields
                    .iter()
                    .find(|f| f.wire == *candidate && matches!(f.ty.kind, TyKind::String { .. }));
                required &= field.is_some_and(|f| f.required);
                field.is_some()
            });
        in_every.then(|| (format!("/{candidate}"), required))
    })
}

/// The `eventbind-receive` check for a scheme.
fn check(scheme: &SecurityScheme) -> Check {
    let name = code_span(&scheme.name);
    let lower = format!("{} {}", scheme.name, scheme.kind).to_ascii_lowercase();
    match (scheme.kind.as_str(), &scheme.parameter) {
        ("httpApiKey" | "apiKey", Some(header))
            if scheme.signature.is_some() || lower.contains("hmac") || header.contains("signature") =>
        {
            Check {
                rust: format!("HmacSha256::new({header:?}, secret)"),
                uses: "verify::HmacSha256",
                text: format!("{name}: an HMAC-SHA256 signature in {}, checked on the raw body by `HmacSha256::new({header:?}, secret)` (hex or base64, told apart; `.secret(old)` keeps a rotated secret valid). What exactly is signed is the scheme's description's to say (see [Security](#security)).", code_span(header)),
            }
        }
        ("httpApiKey" | "apiKey", Some(header)) => Check {
            rust: "BearerToken::new(move |token| token == expected)".into(),
            uses: "verify::BearerToken",
            text: format!("{name}: a key in {}; check it with a `Verify` of your own (or `BearerToken` when it is an `Authorization: Bearer` token).", code_span(header)),
        },
        ("userPassword", _) | ("http", _) if lower.contains("basic") || scheme.kind == "userPassword" => Check {
            rust: "BasicAuth::new(&user, &password)".into(),
            uses: "verify::BasicAuth",
            text: format!("{name}: HTTP basic auth, `BasicAuth::new(user, password)` (`.credentials(..)` adds a pair while rotating)."),
        },
        _ => Check {
            rust: "BearerToken::new(move |token| token == expected)".into(),
            uses: "verify::BearerToken",
            text: format!("{name}: a bearer token in `Authorization`, checked by `BearerToken::new(|token| ...)` with your token check."),
        },
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A receiver's `main` for the operation.
fn snippet(
    operation: &Operation,
    rust_crate: &str,
    transport: Transport,
    check: Option<&Check>,
    dedup: &[String],
    test_header: Option<&str>,
) -> String {
    let enum_name = &operation.enum_name;
    let first = operation
        .messages
        .first()
        .map_or("", |m| m.message.as_str());
    let mut uses = vec![
        format!("{rust_crate}::{enum_name}"),
        "eventbind_receive::delivery::Disposition".to_string(),
        "eventbind_receive::dispatch::Dispatcher".to_string(),
        "eventbind_receive::receive::Receiver".to_string(),
        "eventbind_receive::serve::Serve".to_string(),
    ];
    match transport {
        Transport::Http => uses.push("eventbind_receive::http::HttpReceiver".into()),
        Transport::Sqs => uses.push("eventbind_receive::sqs::{self, SqsConsumer}".into()),
    }
    if !dedup.is_empty() {
        uses.push("eventbind_receive::idempotency::DedupKeys".into());
    }
    if let Some(check) = check {
        uses.push(format!("eventbind_receive::{}", check.uses));
    }
    uses.sort();
    let mut out = String::new();
    for path in &uses {
        let _ = writeln!(out, "use {path};");
    }
    out.push_str("\nfn main() -> Result<(), Box<dyn std::error::Error>> {\n");
    let secret = |var: &str| {
        format!(
            "    let {var} = std::env::var({:?})?;\n",
            var.to_ascii_uppercase()
        )
    };
    match check.map(|c| c.uses) {
        Some("verify::HmacSha256") => out.push_str(&secret("secret")),
        Some("verify::BasicAuth") => {
            out.push_str(&secret("user"));
            out.push_str(&secret("password"));
        }
        Some(_) => out.push_str(&secret("expected")),
        None => {}
    }
    let _ = writeln!(
        out,
        "    let handlers = Dispatcher::<{enum_name}>::new().on({first:?}, |event, _context| async move {{\n        println!(\"{{event:?}}\");\n        Disposition::Acknowledge\n    }})?;"
    );
    out.push_str("    let receiver = Receiver::new(handlers)");
    if let Some(check) = check {
        let _ = write!(out, "\n        .verify({})", check.rust);
    }
    if !dedup.is_empty() {
        let _ = write!(out, "\n        .dedup(DedupKeys::new(){})", dedup.join(""));
    }
    if let Some(header) = test_header {
        let _ = write!(
            out,
            "\n        .test_delivery(|headers| headers.is_true({header:?}))"
        );
    }
    out.push_str(";\n");
    match transport {
        Transport::Http => {
            let path = match (&operation.route, operation.messages.len()) {
                (RouteRule::Name, n) if n > 1 => "/hooks/{event}",
                _ => "/hooks",
            };
            let _ = writeln!(
                out,
                "    let app = HttpReceiver::new(receiver).path({path:?}).into_router();\n    Serve::new()\n        .http(std::net::TcpListener::bind(\"0.0.0.0:8080\")?, app)\n        .run_until_signal()?;"
            );
        }
        Transport::Sqs => out.push_str(
            "    let (key_id, key) = (std::env::var(\"AWS_ACCESS_KEY_ID\")?, std::env::var(\"AWS_SECRET_ACCESS_KEY\")?);\n    let client = sqs::client(&std::env::var(\"AWS_REGION\")?, None, &key_id, &key);\n    let queue_url = std::env::var(\"QUEUE_URL\")?;\n    Serve::new()\n        .sqs(SqsConsumer::new(client, queue_url, receiver))\n        .run_until_signal()?;\n",
        ),
    }
    out.push_str("    Ok(())\n}");
    out
}
