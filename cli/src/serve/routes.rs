//! From `[[route]]` entries to what receives: each route's spec loaded and
//! its oracle router built (as `listen` does), its check with secrets read
//! from the environment, its dedup keys and HTTP options. Every problem is
//! collected, located, so `--check` reports them all at once.

use super::config::{Config, Encoding, Problem, Route, Source, VerifyKind};
use crate::oracle::Router;
use eventbind_receive::delivery::Delivery;
use eventbind_receive::http::{Method, StatusCode};
use eventbind_receive::idempotency::{BodyHash, DedupKeys};
use eventbind_receive::verify::{
    BasicAuth, BearerToken, HmacSha256, NoVerification, Verify, VerifyError,
};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Where a route's deliveries come from.
pub enum Transport {
    /// An HTTP path.
    Http(String),
    /// An SQS queue.
    Sqs {
        /// The queue URL.
        queue_url: String,
        /// Its region.
        region: String,
        /// A non-AWS endpoint (moto, LocalStack).
        endpoint: Option<String>,
    },
}

/// One route, ready to receive.
pub struct Plan {
    /// The route's name (`source` = `/routes/<name>`).
    pub name: String,
    /// The spec folder's name (`type` = `<spec>.<message>`).
    pub spec: String,
    /// The oracle router (taken by the route's handler when it starts).
    pub router: Option<Router>,
    /// The check.
    pub verifier: Arc<dyn Verify>,
    /// Dedup key sources.
    pub dedup: DedupKeys,
    /// The body hash.
    pub hash: BodyHash,
    /// Test-delivery headers.
    pub test_headers: Vec<String>,
    /// Accepted methods.
    pub methods: Vec<Method>,
    /// Status of an acknowledged delivery.
    pub success: StatusCode,
    /// Largest body.
    pub body_limit: usize,
    /// Whether invalid deliveries are forwarded.
    pub forward_invalid: bool,
    /// The emitted JSON Schemas folder, when there is one.
    pub schemas: Option<PathBuf>,
    /// HTTP or SQS.
    pub transport: Transport,
}

/// A boxed check as a [`Verify`].
pub struct AnyVerify(pub Arc<dyn Verify>);

impl Verify for AnyVerify {
    fn verify(&self, delivery: &Delivery) -> Result<(), VerifyError> {
        self.0.verify(delivery)
    }
}

/// Builds every route, or every problem found.
pub fn plans(source: &Source, config: &Config) -> Result<Vec<Plan>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut plans = Vec::new();
    let mut names = HashSet::new();
    let mut paths = HashSet::new();
    if config.routes.is_empty() {
        problems.push(source.problem(0..0, "route", "no [[route]] is configured"));
    }
    for (i, route) in config.routes.iter().enumerate() {
        let key = format!("route[{}]", i + 1);
        let name = route.get_ref().name.get_ref();
        if !names.insert(name.clone()) {
            problems.push(source.problem(
                route.get_ref().name.span(),
                &format!("{key}.name"),
                format!("route `{name}` is named twice"),
            ));
        }
        if let Some(path) = &route.get_ref().path {
            if !paths.insert(path.get_ref().clone()) {
                problems.push(source.problem(
                    path.span(),
                    &format!("{key}.path"),
                    format!("path `{}` is used by two routes", path.get_ref()),
                ));
            }
        }
        match plan(source, route.get_ref(), route.span(), &key) {
            Ok(plan) => plans.push(plan),
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(plans)
    } else {
        Err(problems)
    }
}

fn plan(
    source: &Source,
    route: &Route,
    span: std::ops::Range<usize>,
    key: &str,
) -> Result<Plan, Vec<Problem>> {
    let mut problems = Vec::new();
    let spec_dir = source.dir().join(route.spec.get_ref());
    let router = match eventbind_codegen::load(&spec_dir) {
        Ok(loaded) => match Router::for_spec(&loaded) {
            Ok(router) => Some(router),
            Err(e) => {
                problems.push(source.problem(
                    route.spec.span(),
                    &format!("{key}.spec"),
                    e.to_string(),
                ));
                None
            }
        },
        Err(e) => {
            problems.push(source.problem(
                route.spec.span(),
                &format!("{key}.spec"),
                format!("spec {} does not load: {e}", spec_dir.display()),
            ));
            None
        }
    };
    let verifier = verifier(source, route, key, &mut problems);
    let transport = match (&route.path, &route.sqs_queue_url) {
        (Some(path), None) => {
            if !path.get_ref().starts_with('/') {
                problems.push(source.problem(
                    path.span(),
                    &format!("{key}.path"),
                    "a path starts with `/`",
                ));
            }
            Some(Transport::Http(path.get_ref().clone()))
        }
        (None, Some(url)) => Some(Transport::Sqs {
            queue_url: url.get_ref().clone(),
            region: route
                .sqs_region
                .clone()
                .or_else(|| env("AWS_REGION"))
                .unwrap_or_else(|| "us-east-1".to_owned()),
            endpoint: route
                .sqs_endpoint
                .clone()
                .or_else(|| env("AWS_ENDPOINT_URL_SQS")),
        }),
        _ => {
            problems.push(source.problem(
                span.clone(),
                key,
                "give exactly one of `path` and `sqs_queue_url`",
            ));
            None
        }
    };
    let methods = match &route.methods {
        None => vec![Method::POST],
        Some(list) => {
            let parsed: Result<Vec<Method>, _> = list
                .get_ref()
                .iter()
                .map(|m| Method::from_bytes(m.to_ascii_uppercase().as_bytes()))
                .collect();
            parsed.unwrap_or_else(|_| {
                problems.push(source.problem(
                    list.span(),
                    &format!("{key}.methods"),
                    "not an HTTP method",
                ));
                Vec::new()
            })
        }
    };
    let success = match &route.success_status {
        None => StatusCode::OK,
        Some(code) => StatusCode::from_u16(*code.get_ref())
            .ok()
            .filter(StatusCode::is_success)
            .unwrap_or_else(|| {
                problems.push(source.problem(
                    code.span(),
                    &format!("{key}.success_status"),
                    "not a 2xx status",
                ));
                StatusCode::OK
            }),
    };
    let spec = route
        .spec
        .get_ref()
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let schemas = match &route.schemas {
        Some(dir) => {
            let dir_path = source.dir().join(dir.get_ref());
            if !dir_path.is_dir() {
                problems.push(source.problem(
                    dir.span(),
                    &format!("{key}.schemas"),
                    format!("{} is not a folder", dir_path.display()),
                ));
            }
            Some(dir_path)
        }
        // specs/<name> beside generated/<name>/schemas, as this repository lays them.
        None => spec_dir
            .parent()
            .and_then(|specs| specs.parent())
            .map(|root| root.join("generated").join(&spec).join("schemas"))
            .filter(|d| d.is_dir()),
    };
    let (Some(router), Some(verifier), Some(transport), true) =
        (router, verifier, transport, problems.is_empty())
    else {
        return Err(problems);
    };
    let dedup = route
        .dedup
        .headers
        .iter()
        .fold(DedupKeys::new(), |k, h| k.header(h));
    let dedup = route
        .dedup
        .fields
        .iter()
        .fold(dedup, |k, f| k.field(f))
        .transport_id();
    Ok(Plan {
        name: route.name.get_ref().clone(),
        spec,
        router: Some(router),
        verifier,
        dedup,
        hash: route
            .hash_ignore
            .iter()
            .fold(BodyHash::new(), |h, p| h.ignore(p)),
        test_headers: route.test_header.items(),
        methods,
        success,
        body_limit: route.body_limit,
        forward_invalid: route.forward_invalid,
        schemas: schemas.map(|d| d.canonicalize().unwrap_or(d)),
        transport,
    })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn verifier(
    source: &Source,
    route: &Route,
    key: &str,
    problems: &mut Vec<Problem>,
) -> Option<Arc<dyn Verify>> {
    let verify = route.verify.get_ref();
    let at = |span: std::ops::Range<usize>, field: &str, message: String| {
        source.problem(span, &format!("{key}.verify.{field}"), message)
    };
    for (field, given) in [
        ("secret", &verify.secret),
        ("password", &verify.password),
        ("token", &verify.token),
    ] {
        if let Some(given) = given {
            problems.push(at(
                given.span(),
                field,
                format!("secrets are never written in the file: name an environment variable with `{field}_env`"),
            ));
        }
    }
    let mut var = |name: &toml::Spanned<String>, field: &str| match env(name.get_ref()) {
        Some(value) => Some(value),
        None => {
            problems.push(at(
                name.span(),
                field,
                format!("environment variable {} is not set", name.get_ref()),
            ));
            None
        }
    };
    let checked: Option<Arc<dyn Verify>> = match verify.kind {
        VerifyKind::None => Some(Arc::new(NoVerification)),
        VerifyKind::Hmac => {
            let names = verify
                .secret_env
                .as_ref()
                .map(|s| (s.span(), s.get_ref().items()));
            let secrets: Vec<String> = match &names {
                Some((span, names)) if !names.is_empty() => names
                    .iter()
                    .filter_map(|n| var(&toml::Spanned::new(span.clone(), n.clone()), "secret_env"))
                    .collect(),
                _ => {
                    problems.push(at(
                        route.verify.span(),
                        "secret_env",
                        "hmac needs `secret_env`".into(),
                    ));
                    Vec::new()
                }
            };
            let header = verify.header.clone();
            if header.is_none() {
                problems.push(at(
                    route.verify.span(),
                    "header",
                    "hmac needs `header`".into(),
                ));
            }
            match (header, secrets.split_first()) {
                (Some(header), Some((first, rest)))
                    if secrets.len() == names.map_or(0, |n| n.1.len()) =>
                {
                    let mut hmac = rest
                        .iter()
                        .fold(HmacSha256::new(header, first), |h, s| h.secret(s))
                        .encoding(match verify.encoding.unwrap_or(Encoding::Auto) {
                            Encoding::Hex => eventbind_receive::verify::Encoding::Hex,
                            Encoding::Base64 => eventbind_receive::verify::Encoding::Base64,
                            Encoding::Auto => eventbind_receive::verify::Encoding::Auto,
                        });
                    if let Some(prefix) = &verify.prefix {
                        hmac = hmac.prefix(prefix);
                    }
                    if let Some(ts) = &verify.timestamp_header {
                        let tolerance =
                            Duration::from_secs(verify.tolerance_seconds.unwrap_or(300));
                        hmac = hmac.timestamp(ts, tolerance);
                    }
                    Some(Arc::new(hmac))
                }
                _ => None,
            }
        }
        VerifyKind::Basic => match (&verify.user_env, &verify.password_env) {
            (Some(user), Some(password)) => {
                match (var(user, "user_env"), var(password, "password_env")) {
                    (Some(u), Some(p)) => Some(Arc::new(BasicAuth::new(&u, &p))),
                    _ => None,
                }
            }
            _ => {
                problems.push(at(
                    route.verify.span(),
                    "user_env",
                    "basic needs `user_env` and `password_env`".into(),
                ));
                None
            }
        },
        VerifyKind::Bearer => match &verify.token_env {
            Some(token) => var(token, "token_env").map(|expected| {
                let expected = eventbind_receive::idempotency::body_hash(expected.as_bytes());
                // Digests compared, so the compare's time says nothing of the token.
                Arc::new(BearerToken::new(move |given| {
                    eventbind_receive::idempotency::body_hash(given.as_bytes()) == expected
                })) as Arc<dyn Verify>
            }),
            None => {
                problems.push(at(
                    route.verify.span(),
                    "token_env",
                    "bearer needs `token_env`".into(),
                ));
                None
            }
        },
    };
    checked
}
