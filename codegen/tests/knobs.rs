//! The Builder's customisations, one knob at a time, each held by a golden
//! file (`EVENTBIND_BLESS=1 cargo test -p eventbind-codegen --test knobs`
//! rewrites them), and the same options read from `eventbind.toml`.

use eventbind_codegen::Builder;
use std::path::{Path, PathBuf};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/knobs")
}

fn module(builder: Builder) -> Result<String, eventbind_codegen::Error> {
    let out = tempfile::tempdir().unwrap();
    let written = builder
        .out_dir(out.path())
        .emit_rerun_if_changed(false)
        .compile()?;
    Ok(std::fs::read_to_string(&written[0]).unwrap())
}

fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/golden/knobs/{name}.rs"));
    if std::env::var_os("EVENTBIND_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with EVENTBIND_BLESS=1", path.display()));
    assert_eq!(
        actual,
        expected,
        "{name}: the output differs from {}",
        path.display()
    );
}

fn spec() -> Builder {
    Builder::new().spec(fixture())
}

#[test]
fn derive_all_adds_where_it_holds_and_skips_where_it_cannot() {
    let source = module(spec().derive_all("Eq").derive_all("Hash")).unwrap();
    golden("derive_all", &source);
    // `Reading` holds an f64: neither Eq nor Hash is added to it.
    let reading = item(&source, "pub struct Reading");
    assert!(
        !reading.contains(", Eq") && !reading.contains("Hash"),
        "{reading}"
    );
    let sensor = item(&source, "pub struct Sensor");
    assert!(sensor.contains("Eq, Hash"), "{sensor}");
}

#[test]
fn derive_on_one_type_is_checked_against_it() {
    let source = module(spec().derive("Sensor", "Default").derive("Sensor", "Hash")).unwrap();
    golden("derive_one", &source);
    let error = module(spec().derive("Reading", "Eq")).unwrap_err();
    assert!(
        error.message.contains("cannot derive `Eq` for `Reading`")
            && error.message.contains("member `value` is a number"),
        "{error}"
    );
    let error = module(spec().derive("Status", "Default")).unwrap_err();
    assert!(
        error
            .message
            .contains("cannot derive `Default` for `Status`"),
        "{error}"
    );
    let error = module(spec().derive("Nope", "Eq")).unwrap_err();
    assert!(
        error.message.contains("no generated type is named `Nope`"),
        "{error}"
    );
}

#[test]
fn type_and_field_attributes_by_path() {
    let source = module(
        spec()
            .type_attribute("Sensor", "#[non_exhaustive]")
            .type_attribute("*", "#[doc(alias = \"knob\")]")
            .field_attribute("Sensor.label", "#[doc(alias = \"name\")]"),
    )
    .unwrap();
    golden("attributes", &source);
    assert!(item(&source, "pub struct Sensor").contains("#[non_exhaustive]"));
    let error = module(spec().type_attribute("Sensor", "non_exhaustive")).unwrap_err();
    assert!(error.message.contains("is not an attribute"), "{error}");
    let error = module(spec().field_attribute("Sensor.nope", "#[doc(hidden)]")).unwrap_err();
    assert!(
        error.message.contains("`Sensor` has no member `nope`"),
        "{error}"
    );
}

#[test]
fn a_type_replaced_by_an_existing_rust_type() {
    let source = module(spec().replace("Money", "crate::money::Money")).unwrap();
    golden("replace", &source);
    assert!(
        source.contains("pub type Money = crate::money::Money;"),
        "{source}"
    );
    assert!(!source.contains("pub struct Money"), "{source}");
    let error = module(spec().replace("Money", "not a type!")).unwrap_err();
    assert!(error.message.contains("is not a Rust type"), "{error}");
}

#[test]
fn routing_overridden_from_the_builder() {
    let default = module(spec()).unwrap();
    assert!(!default.contains("pub enum ReadingEvent"), "{default}");
    let source =
        module(spec().route("receiveReadings", "name", None, Some("ReadingEvent".into()))).unwrap();
    golden("route", &source);
    assert!(source.contains("#[route(name)]"), "{source}");
    assert!(source.contains("pub enum ReadingEvent"), "{source}");
    let error = module(spec().route("receiveReadings", "field", Some("/sensor/id".into()), None))
        .unwrap_err();
    assert!(error.message.contains("does not pin /sensor/id"), "{error}");
}

#[test]
fn eventbind_toml_gives_the_same_options() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture().join("asyncapi.yaml"),
        dir.path().join("asyncapi.yaml"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("eventbind.toml"),
        r##"
[derive]
all = ["Eq"]
[derive.types]
Sensor = ["Hash"]
[attributes]
types = { Sensor = ["#[non_exhaustive]"] }
fields = { "Sensor.label" = ["#[doc(alias = \"name\")]"] }
[replace]
Money = "crate::money::Money"
"##,
    )
    .unwrap();
    // The folder's name is the spec's: give the fixture's copy the same one.
    let named = dir.path().join("knobs");
    std::fs::create_dir(&named).unwrap();
    for file in ["asyncapi.yaml", "eventbind.toml"] {
        std::fs::rename(dir.path().join(file), named.join(file)).unwrap();
    }
    let from_file = module(Builder::new().spec(&named)).unwrap();
    let from_builder = module(
        spec()
            .derive_all("Eq")
            .derive("Sensor", "Hash")
            .type_attribute("Sensor", "#[non_exhaustive]")
            .field_attribute("Sensor.label", "#[doc(alias = \"name\")]")
            .replace("Money", "crate::money::Money"),
    )
    .unwrap();
    assert_eq!(from_file, from_builder);
}

/// The text of the item starting at `start`, with the attributes above it.
fn item<'s>(source: &'s str, start: &str) -> &'s str {
    let at = source.find(start).unwrap_or_else(|| panic!("no {start}"));
    let begin = source[..at].rfind("\n\n").map_or(0, |i| i + 2);
    let end = at + source[at..].find("\n}\n").unwrap_or(source.len() - at);
    &source[begin..end]
}
