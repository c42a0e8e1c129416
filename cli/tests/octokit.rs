//! GitHub's webhook schemas (344 definitions, 630 KB) through the plain JSON
//! Schema front end: the generated crate must compile without errors or
//! warnings, with no counter-style names.

use std::path::Path;
use std::process::Command;

#[test]
fn octokit_bindings_generate_and_pass_cargo_check() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap();
    let schema = repo.join("../shared/corpora/octokit-webhooks-schemas/schema.json");
    let scratch = tempfile::tempdir().unwrap();
    let crate_dir = scratch.path().join("octokit");
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args(["generate", "--spec"])
        .arg(&schema)
        .arg("--out")
        .arg(&crate_dir)
        // Outside the workspace, the runtime beside it (not a published version).
        .arg("--runtime")
        .arg(format!("path={}", repo.join("runtime").display()))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let source = std::fs::read_to_string(crate_dir.join("src/lib.rs")).unwrap();
    let type_names: Vec<&str> = source
        .lines()
        .filter_map(|l| {
            l.strip_prefix("pub struct ")
                .or_else(|| l.strip_prefix("pub enum "))
        })
        .filter_map(|l| l.split(|c: char| !c.is_alphanumeric()).next())
        .collect();
    assert!(type_names.len() > 344, "only {} types", type_names.len());
    let counters: Vec<&&str> = type_names
        .iter()
        .filter(|n| n.ends_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(counters.is_empty(), "counter-style names: {counters:?}");

    // A crate of its own (not part of this workspace), pinned to this
    // workspace's dependency versions so it checks offline.
    let manifest = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{text}\n[workspace]\n")).unwrap();
    std::fs::copy(repo.join("Cargo.lock"), crate_dir.join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The workspace's target folder: dependencies already checked there are reused.
    let check = Command::new(cargo)
        .current_dir(&crate_dir)
        .args(["check", "--offline", "--message-format", "short"])
        .env(
            "CARGO_TARGET_DIR",
            std::env::var_os("CARGO_TARGET_DIR").unwrap_or_else(|| repo.join("target").into()),
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "cargo check failed:\n{stderr}");
    // Dependencies' lints are capped; a warning here is the generated crate's own.
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("warning")).collect();
    assert!(
        warnings.is_empty(),
        "the generated crate has warnings:\n{}",
        warnings.join("\n")
    );
}
