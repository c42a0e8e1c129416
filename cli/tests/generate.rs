//! `eventbind generate --spec FILE --out DIR` and `--runtime`: a crate of
//! one's own, naming the runtime as the user chooses, built for real.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

fn generate(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .arg("generate")
        .args(args)
        .output()
        .expect("eventbind runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn a_crate_generated_with_a_runtime_path_builds_outside_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("commenda-bindings");
    let runtime = repo().join("runtime");
    let runtime_arg = format!("path={}", runtime.display());
    let spec = repo().join("specs/commenda");
    generate(&[
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--runtime",
        &runtime_arg,
    ]);
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("path = {:?}", runtime.display().to_string())),
        "{manifest}"
    );
    // The crate's only dependencies are the runtime and serde (and schemars, optional).
    let dependencies: Vec<&str> = manifest
        .split("[dependencies]\n")
        .nth(1)
        .unwrap()
        .lines()
        .filter_map(|line| line.split(' ').next())
        .filter(|name| !name.is_empty())
        .collect();
    assert_eq!(dependencies, ["eventbind-runtime", "serde", "schemars"]);
    // Builds on its own: outside this workspace, sharing its target folder
    // so nothing already built is built again.
    std::fs::write(out.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
    let status = Command::new(env!("CARGO"))
        .args(["check", "--quiet", "--offline"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", repo().join("target/scratch-generate"))
        .status()
        .expect("cargo runs");
    assert!(status.success());
}

#[test]
fn a_bad_runtime_source_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .args(["generate", "--runtime", "somewhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("expected version=REQ, path=DIR or git=URL"),
        "{stderr}"
    );
}
