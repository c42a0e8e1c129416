//! `eventbind serve --check`: the worked example config passes, and each
//! kind of mistake fails with a message naming the file, line and key.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Runs `serve --check --config FILE` with `vars` set (and the example's
/// other variables removed); exit code and stderr.
fn check(config: &Path, vars: &[(&str, &str)]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eventbind"));
    command
        .current_dir(repo())
        .args(["serve", "--check", "--config"])
        .arg(config)
        .env_remove("VERTEX_HMAC_SECRET")
        .env_remove("VERTEX_HMAC_SECRET_PREVIOUS")
        .env_remove("EVENTBIND_STORE_URL");
    for (name, value) in vars {
        command.env(name, value);
    }
    let output = command.output().expect("eventbind runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn example_vars(db: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("EVENTBIND_STORE_URL", format!("sqlite:{}", db.display())),
        ("VERTEX_HMAC_SECRET", "new".to_owned()),
        ("VERTEX_HMAC_SECRET_PREVIOUS", "old".to_owned()),
    ]
}

fn borrowed<'a>(vars: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    vars.iter().map(|(n, v)| (*n, v.as_str())).collect()
}

#[test]
fn the_worked_example_config_passes_check() {
    let dir = tempfile::tempdir().unwrap();
    let vars = example_vars(&dir.path().join("serve.db"));
    let (code, stderr) = check(&repo().join("examples/serve.toml"), &borrowed(&vars));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("4 route(s), 2 sink(s)"), "{stderr}");
}

/// The example with `edit` applied, written beside it in a temporary folder
/// of the repository's examples (so its relative spec paths still hold).
fn edited(edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(repo().join("examples/serve.toml")).unwrap();
    let dir = tempfile::Builder::new()
        .prefix("serve-check-")
        .tempdir_in(repo().join("target"))
        .unwrap();
    // ../specs from target/<tmp>/ is two levels up, as from examples/ it is one.
    let text = edit(&text).replace("\"../specs/", "\"../../specs/");
    let file = dir.path().join("serve.toml");
    std::fs::write(&file, text).unwrap();
    (dir, file)
}

fn line_of(file: &Path, needle: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap()
        + 1
}

#[test]
fn a_missing_secret_variable_is_named_with_its_line() {
    let (dir, file) = edited(|t| t.to_owned());
    let mut vars = example_vars(&dir.path().join("serve.db"));
    vars.retain(|(n, _)| *n != "VERTEX_HMAC_SECRET_PREVIOUS");
    let (code, stderr) = check(&file, &borrowed(&vars));
    assert_eq!(code, 1, "{stderr}");
    let line = line_of(&file, "VERTEX_HMAC_SECRET_PREVIOUS");
    let expected = format!("{}:{line}:", file.display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(
        stderr.contains("route[2].verify.secret_env: environment variable VERTEX_HMAC_SECRET_PREVIOUS is not set"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let (dir, file) = edited(|t| {
        t.replace(
            "forward_invalid = true",
            "forward_invalid = true\nretry_forever = true",
        )
    });
    let vars = example_vars(&dir.path().join("serve.db"));
    let (code, stderr) = check(&file, &borrowed(&vars));
    assert_eq!(code, 1, "{stderr}");
    let line = line_of(&file, "retry_forever");
    assert!(
        stderr.contains(&format!(
            "{}:{line}:1: retry_forever: unknown field `retry_forever`",
            file.display()
        )),
        "{stderr}"
    );
}

#[test]
fn a_bad_spec_path_is_named_with_its_line() {
    let (dir, file) = edited(|t| t.replace("../specs/avaza", "../specs/no-such-vendor"));
    let vars = example_vars(&dir.path().join("serve.db"));
    let (code, stderr) = check(&file, &borrowed(&vars));
    assert_eq!(code, 1, "{stderr}");
    let line = line_of(&file, "no-such-vendor");
    assert!(
        stderr.contains(&format!("{}:{line}:", file.display())),
        "{stderr}"
    );
    assert!(stderr.contains("route[3].spec: spec"), "{stderr}");
}

#[test]
fn a_secret_written_in_the_file_is_refused() {
    let (dir, file) = edited(|t| {
        t.replace(
            "secret_env = [\"VERTEX_HMAC_SECRET\", \"VERTEX_HMAC_SECRET_PREVIOUS\"]",
            "secret = \"hunter2\"",
        )
    });
    let vars = example_vars(&dir.path().join("serve.db"));
    let (code, stderr) = check(&file, &borrowed(&vars));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("route[2].verify.secret: secrets are never written in the file"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2"), "{stderr}");
}

#[test]
fn an_unreachable_store_fails_check() {
    let (dir, file) = edited(|t| t.to_owned());
    let mut vars = example_vars(&dir.path().join("serve.db"));
    vars[0].1 = format!("sqlite:{}/no/such/dir/serve.db", dir.path().display());
    let (code, stderr) = check(&file, &borrowed(&vars));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("store.url_env: store: sqlite"), "{stderr}");
}
