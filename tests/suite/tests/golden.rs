//! Golden files: the checked-in crates under `generated/` are exactly what the
//! generator writes today, so every change to generated code is a reviewed diff.
//! Update them with `cargo run -p eventbind -- generate`.

use eventbind_codegen::{Builder, GeneratedFile};
use eventbind_suite::root;

#[test]
fn checked_in_crates_match_the_generator() {
    let root = root();
    let files = generate_all(&root).expect("generation succeeds");
    assert!(
        files.len() >= 8,
        "expected a Cargo.toml and lib.rs per vendor, got {}",
        files.len()
    );
    let mut stale = Vec::new();
    for file in &files {
        let on_disk = std::fs::read_to_string(&file.path).unwrap_or_default();
        if on_disk != file.contents {
            let first_difference = on_disk
                .lines()
                .zip(file.contents.lines())
                .position(|(a, b)| a != b)
                .map_or_else(
                    || "length differs".to_string(),
                    |line| format!("first difference at line {}", line + 1),
                );
            stale.push(format!("{} ({first_difference})", file.path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files (run `eventbind generate`):\n{}",
        stale.join("\n")
    );
}

#[test]
fn generation_is_deterministic() {
    let root = root();
    let first = generate_all(&root).unwrap();
    let second = generate_all(&root).unwrap();
    assert_eq!(first, second);
}

#[test]
fn generated_crates_are_clippy_clean() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(root()).args(["clippy", "--quiet"]);
    for vendor in eventbind_suite::VENDORS {
        command.args(["-p", &format!("eventbind-{vendor}")]);
    }
    let output = command
        .args(["--", "-D", "warnings"])
        .output()
        .expect("cargo clippy runs");
    assert!(
        output.status.success(),
        "clippy found problems in generated code:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// What `eventbind generate` writes for the repository's specs.
fn generate_all(root: &std::path::Path) -> eventbind_codegen::Result<Vec<GeneratedFile>> {
    Builder::new()
        .specs_dir(root.join("specs"))
        .out_dir(root.join("generated"))
        .crate_files()
}
