//! `--allow-root DIR` and `--max-file-size BYTES` on the commands that load
//! a spec: by default a spec reads only its own folder, so a `$ref` to a
//! sibling folder is refused naming the `$ref`, and allowed with the flag.

use std::path::Path;
use std::process::{Command, Output};

fn eventbind(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_eventbind"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("eventbind runs")
}

/// `spec/asyncapi.yaml`, whose payloads live in `shared/thing.yaml` and
/// `more/other.yaml` beside it, and a payload `p.json`.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    for folder in ["spec", "shared", "more"] {
        std::fs::create_dir(root.join(folder)).unwrap();
    }
    std::fs::write(
        root.join("spec/asyncapi.yaml"),
        "asyncapi: 2.6.0\ninfo:\n  title: Probe\n  version: 1.0.0\nchannels:\n  things:\n    \
         subscribe:\n      message:\n        $ref: '#/components/messages/Thing'\ncomponents:\n  \
         messages:\n    Thing:\n      payload:\n        type: object\n        properties:\n          \
         thing:\n            $ref: '../shared/thing.yaml'\n          other:\n            \
         $ref: '../more/other.yaml'\n",
    )
    .unwrap();
    std::fs::write(
        root.join("shared/thing.yaml"),
        "type: object\nproperties:\n  sharedField:\n    type: integer\n",
    )
    .unwrap();
    std::fs::write(root.join("more/other.yaml"), "type: string\n").unwrap();
    std::fs::write(root.join("p.json"), r#"{"thing": {"sharedField": 3}}"#).unwrap();
    dir
}

const ROOTS: &[&str] = &["--allow-root", "shared", "--allow-root", "more"];

/// Each command that loads a spec, with its arguments.
fn commands() -> Vec<Vec<&'static str>> {
    vec![
        vec!["ir", "--spec", "spec"],
        vec!["schema", "--spec", "spec"],
        vec!["docs", "--spec", "spec", "--out", "docs"],
        vec!["generate", "--spec", "spec", "--out", "out"],
        vec!["route", "--spec", "spec", "p.json"],
        vec!["drift", "--spec", "spec", "p.json"],
        vec!["diff", "spec", "spec"],
    ]
}

#[test]
fn a_ref_outside_the_spec_folder_is_refused_naming_the_ref() {
    let dir = tree();
    for command in commands() {
        let output = eventbind(dir.path(), &command);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
        assert!(
            stderr.contains("spec/asyncapi.yaml#/components/messages/Thing/payload/properties/"),
            "{command:?}: {stderr}"
        );
        assert!(
            stderr.contains("is outside the folders this spec may read"),
            "{command:?}: {stderr}"
        );
        assert!(stderr.contains("--allow-root"), "{command:?}: {stderr}");
    }
    // lint reports it as a finding.
    let output = eventbind(dir.path(), &["lint", "spec"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("is outside the folders"), "{stdout}");
}

#[test]
fn allowed_roots_are_read_and_the_flag_repeats() {
    let dir = tree();
    for command in commands() {
        let mut args = command.clone();
        args.extend_from_slice(ROOTS);
        let output = eventbind(dir.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = eventbind(dir.path(), &["ir", "--spec", "spec", ROOTS[0], ROOTS[1]]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("more/other.yaml is outside"), "{stderr}");
    assert!(!stderr.contains("thing.yaml is outside"), "{stderr}");
    let mut lint = vec!["lint", "spec"];
    lint.extend_from_slice(ROOTS);
    let output = eventbind(dir.path(), &lint);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("is outside the folders"), "{stdout}");
}

#[test]
fn max_file_size_refuses_a_larger_file_naming_it_and_the_limit() {
    let dir = tree();
    let mut args = vec!["ir", "--spec", "spec", "--max-file-size", "100"];
    args.extend_from_slice(ROOTS);
    let output = eventbind(dir.path(), &args);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("spec/asyncapi.yaml is larger than the limit of 100 bytes"),
        "{stderr}"
    );
    assert!(stderr.contains("--max-file-size"), "{stderr}");
}
