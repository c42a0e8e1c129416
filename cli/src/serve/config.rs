//! `serve.toml`: what `eventbind serve` receives, where it keeps it and where
//! it forwards it. Unknown keys are errors, secrets come only from
//! environment variables, and every error names the file, line and key.

use serde::de::IgnoredAny;
use serde::Deserialize;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The HTTP listener (needed when any route has a `path`).
    #[serde(default)]
    pub server: Server,
    /// The durable inbox and outbox.
    pub store: StoreConfig,
    /// What is received.
    #[serde(rename = "route", default)]
    pub routes: Vec<Spanned<Route>>,
    /// Where events are forwarded as CloudEvents.
    #[serde(rename = "sink", default)]
    pub sinks: Vec<Spanned<Sink>>,
}

/// `[server]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Server {
    /// e.g. `127.0.0.1:8080`.
    #[serde(default = "default_addr")]
    pub addr: Spanned<String>,
    /// A client that sends no complete request (headers and body) within
    /// this is cut off.
    #[serde(default = "default_read_timeout")]
    pub read_timeout_seconds: u64,
}

impl Default for Server {
    fn default() -> Self {
        Server {
            addr: default_addr(),
            read_timeout_seconds: default_read_timeout(),
        }
    }
}

fn default_addr() -> Spanned<String> {
    Spanned::new(0..0, "127.0.0.1:8080".to_owned())
}

fn default_read_timeout() -> u64 {
    10
}

/// `[store]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    /// `sqlite:PATH` (relative to the config file) or `postgres://...`.
    pub url: Option<Spanned<String>>,
    /// A variable holding the URL instead (a PostgreSQL URL may hold a password).
    pub url_env: Option<Spanned<String>>,
    /// How long a claim (and a forward attempt) holds before it is taken over.
    #[serde(default = "default_lease")]
    pub lease_seconds: u64,
}

fn default_lease() -> u64 {
    30
}

/// `[[route]]`: one vendor's deliveries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    /// Names the route: the CloudEvents `source` is `/routes/<name>`.
    pub name: Spanned<String>,
    /// The spec folder, relative to the config file.
    pub spec: Spanned<PathBuf>,
    /// HTTP path in axum syntax (`{event}` names the event).
    pub path: Option<Spanned<String>>,
    /// An SQS queue to consume instead.
    pub sqs_queue_url: Option<Spanned<String>>,
    /// The SQS region (default `AWS_REGION`, else us-east-1).
    pub sqs_region: Option<String>,
    /// The SQS endpoint (default `AWS_ENDPOINT_URL_SQS`, else AWS).
    pub sqs_endpoint: Option<String>,
    /// How deliveries are authenticated.
    pub verify: Spanned<VerifyConfig>,
    /// Where dedup keys come from.
    #[serde(default)]
    pub dedup: Dedup,
    /// Headers marking test deliveries (acknowledged, not stored nor forwarded).
    #[serde(default)]
    pub test_header: OneOrMany,
    /// Accepted HTTP methods (default POST).
    #[serde(default)]
    pub methods: Option<Spanned<Vec<String>>>,
    /// The status of an acknowledged delivery.
    #[serde(default)]
    pub success_status: Option<Spanned<u16>>,
    /// Larger bodies are refused with 413.
    #[serde(default = "default_body_limit")]
    pub body_limit: usize,
    /// Forward invalid deliveries too (`eventbindclass = invalid`).
    #[serde(default)]
    pub forward_invalid: bool,
    /// JSON Pointers left out of the body hash.
    #[serde(default)]
    pub hash_ignore: Vec<String>,
    /// The emitted JSON Schemas (`dataschema`); default: the repository's
    /// `generated/<spec folder name>/schemas` beside `specs/`.
    pub schemas: Option<Spanned<PathBuf>>,
}

fn default_body_limit() -> usize {
    1 << 20
}

/// One string or a list of them.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// None given.
    #[default]
    None,
    /// One.
    One(String),
    /// Several.
    Many(Vec<String>),
}

impl OneOrMany {
    /// The strings, in order.
    pub fn items(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

/// `dedup = { headers = [...], fields = [...] }`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dedup {
    /// Headers holding the key, tried first.
    #[serde(default)]
    pub headers: Vec<String>,
    /// JSON Pointers to a string holding the key, tried next.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// `verify = { kind = "hmac" | "basic" | "bearer" | "none", ... }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// Which check.
    pub kind: VerifyKind,
    /// hmac: the signature header.
    pub header: Option<String>,
    /// hmac: variables holding the secret (several: rotation).
    pub secret_env: Option<Spanned<OneOrMany>>,
    /// hmac: text before the signature, e.g. `sha256=`.
    pub prefix: Option<String>,
    /// hmac: `hex`, `base64` or `auto`.
    pub encoding: Option<Encoding>,
    /// hmac: a header with a Unix timestamp that is signed too.
    pub timestamp_header: Option<String>,
    /// hmac: how far the timestamp may be from now.
    pub tolerance_seconds: Option<u64>,
    /// basic: the variable holding the user.
    pub user_env: Option<Spanned<String>>,
    /// basic: the variable holding the password.
    pub password_env: Option<Spanned<String>>,
    /// bearer: the variable holding the token.
    pub token_env: Option<Spanned<String>>,
    /// Refused: secrets never live in the file.
    pub secret: Option<Spanned<IgnoredAny>>,
    /// Refused: secrets never live in the file.
    pub password: Option<Spanned<IgnoredAny>>,
    /// Refused: secrets never live in the file.
    pub token: Option<Spanned<IgnoredAny>>,
}

/// The verification kinds.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum VerifyKind {
    /// HMAC-SHA256 of the body.
    Hmac,
    /// HTTP basic auth.
    Basic,
    /// A bearer token.
    Bearer,
    /// Nothing to check.
    None,
}

/// Signature encodings.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// Lower- or upper-case hex.
    Hex,
    /// Standard base64.
    Base64,
    /// Either.
    Auto,
}

/// `[[sink]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sink {
    /// Names the sink (its outbox rows and metrics); default: `<kind>-<n>`.
    pub name: Option<Spanned<String>>,
    /// `http`, `sqs` or `jsonl`.
    pub kind: SinkKind,
    /// http: where to POST.
    pub url: Option<Spanned<String>>,
    /// http: `structured` (default) or `binary`.
    #[serde(default)]
    pub mode: Mode,
    /// sqs: the queue.
    pub queue_url: Option<Spanned<String>>,
    /// sqs: region (default `AWS_REGION`, else us-east-1).
    pub region: Option<String>,
    /// sqs: endpoint (default `AWS_ENDPOINT_URL_SQS`, else AWS).
    pub endpoint: Option<String>,
    /// jsonl: a file (relative to the config file), or `-` for stdout.
    pub path: Option<Spanned<String>>,
    /// Attempts before an event is dead for this sink.
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
    /// The first retry's delay.
    #[serde(default = "default_backoff_initial")]
    pub backoff_initial_ms: u64,
    /// The longest delay between retries.
    #[serde(default = "default_backoff_max")]
    pub backoff_max_ms: u64,
    /// How many events are in flight to the sink at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    /// http: how long one request may take.
    #[serde(default = "default_timeout")]
    pub timeout_ms: u64,
}

fn default_attempts() -> u32 {
    10
}
fn default_backoff_initial() -> u64 {
    200
}
fn default_backoff_max() -> u64 {
    60_000
}
fn default_concurrency() -> usize {
    8
}
fn default_timeout() -> u64 {
    10_000
}

/// Sink kinds.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SinkKind {
    /// POST each event.
    Http,
    /// SendMessageBatch to a queue.
    Sqs,
    /// One JSON line per event.
    Jsonl,
}

/// CloudEvents HTTP content modes.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// The whole event as `application/cloudevents+json`.
    #[default]
    Structured,
    /// Attributes as `ce-` headers, the data as the body.
    Binary,
}

/// A located problem in the config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The config file.
    pub file: PathBuf,
    /// 1-based line and column (0 when the problem has no place).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The key at fault, dotted (`route[2].verify.secret_env`).
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.key,
            self.message
        )
    }
}

/// The text of a config file and its name, to locate spans in.
pub struct Source {
    /// The file.
    pub file: PathBuf,
    /// Its text.
    pub text: String,
}

impl Source {
    /// A problem at `span`.
    pub fn problem(&self, span: Range<usize>, key: &str, message: impl Into<String>) -> Problem {
        let start = span.start.min(self.text.len());
        let before = &self.text[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rfind('\n').map_or(start, |i| start - i - 1) + 1;
        Problem {
            file: self.file.clone(),
            line,
            column,
            key: key.to_owned(),
            message: message.into(),
        }
    }

    /// The folder paths in the file are relative to.
    pub fn dir(&self) -> &Path {
        self.file.parent().unwrap_or_else(|| Path::new("."))
    }
}

/// Reads and parses `file`; a syntax error, an unknown key or a wrong type
/// comes back located.
pub fn read(file: &Path) -> Result<(Source, Config), Problem> {
    let text = std::fs::read_to_string(file).map_err(|e| Problem {
        file: file.to_owned(),
        line: 0,
        column: 0,
        key: String::new(),
        message: e.to_string(),
    })?;
    let source = Source {
        file: file.to_owned(),
        text,
    };
    let config = toml::from_str::<Config>(&source.text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let key = key_at(&source.text, span.start);
        source.problem(span, &key, e.message().trim())
    })?;
    Ok((source, config))
}

/// The key written at or before `offset`, for errors serde gives without one:
/// the word before `=` on that line, else the nearest table header.
fn key_at(text: &str, offset: usize) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = text[line_start..line_end].trim();
    if let Some((key, _)) = line.split_once('=') {
        return key.trim().to_owned();
    }
    text[..line_start]
        .lines()
        .rev()
        .chain(std::iter::once(line))
        .find(|l| l.trim_start().starts_with('['))
        .map(|l| l.trim().trim_matches(['[', ']']).to_owned())
        .unwrap_or_default()
}
