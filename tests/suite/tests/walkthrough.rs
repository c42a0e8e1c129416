//! The README's walkthrough, run as written: its blocks marked
//! `<!-- walkthrough: PATH -->` are written to PATH in a scratch folder, and
//! those marked `<!-- walkthrough: run -->` are run there with `sh`: the
//! real `eventbind generate` through cargo, then `cargo check` of the
//! receiver.
//!
//! The scratch folder is `target/walkthrough/acme`. The README works beside
//! a clone at `../eventbind`; here the clone is this repository, so the
//! blocks' `../eventbind/` and `../../eventbind/` become its absolute path
//! (a link would not do: cargo would see two copies of the runtime, one
//! through the link). Cargo builds into the workspace's own target folder
//! (cargo releases it before it runs the tests), where the CLI and the
//! receiver's dependencies are already built: in a folder of its own the
//! walkthrough built them all again, three minutes of a CI run. The
//! repository's `Cargo.lock` pins the versions already downloaded, and cargo
//! runs offline.

use eventbind_suite::root;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a marked block is for.
enum Block {
    File { path: String, text: String },
    Run(String),
}

/// The marked blocks of `readme`, in order.
fn blocks(readme: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(target) = line
            .trim()
            .strip_prefix("<!-- walkthrough:")
            .and_then(|rest| rest.strip_suffix("-->"))
            .map(str::trim)
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "README: the walkthrough block {target:?} is not followed by a code fence: {fence:?}"
        );
        let mut text = String::new();
        for line in lines.by_ref() {
            if line.starts_with("```") {
                break;
            }
            text.push_str(line);
            text.push('\n');
        }
        out.push(match target {
            "run" => Block::Run(text),
            path => Block::File {
                path: path.to_string(),
                text,
            },
        });
    }
    out
}

/// Removes what an earlier run wrote (not the build output); returns the
/// folder the walkthrough works in and cargo's target folder.
fn scratch() -> (PathBuf, PathBuf) {
    let base = root().join("target/walkthrough");
    let work = base.join("acme");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).expect("scratch folder");
    // A relative folder is taken from the workspace, as cargo takes it.
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => root().join(dir),
        None => root().join("target"),
    };
    (work, target)
}

/// `text` with the README's clone (`../eventbind`, seen from the working
/// folder or from a crate inside it) replaced by this repository.
fn here(text: &str) -> String {
    let repo = format!("{}/", root().display());
    text.replace("../../eventbind/", &repo)
        .replace("../eventbind/", &repo)
}

fn write(work: &Path, path: &str, text: &str) {
    assert!(
        !path.starts_with('/') && !path.contains(".."),
        "README: walkthrough path {path:?} leaves the scratch folder"
    );
    let file = work.join(path);
    std::fs::create_dir_all(file.parent().expect("a parent")).expect("folder");
    std::fs::write(&file, here(text)).expect("file written");
}

#[test]
fn the_readme_walkthrough_generates_a_crate_and_its_receiver_checks() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let blocks = blocks(&readme);
    let files: Vec<&str> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::File { path, .. } => Some(path.as_str()),
            Block::Run(_) => None,
        })
        .collect();
    for expected in [
        "acme/asyncapi.yaml",
        "acme/eventbind.toml",
        "receiver/Cargo.toml",
        "receiver/src/main.rs",
    ] {
        assert!(
            files.contains(&expected),
            "README: no walkthrough block for {expected}: {files:?}"
        );
    }
    let (work, target) = scratch();
    // Every file first: the commands may refer to any of them.
    for block in &blocks {
        if let Block::File { path, text } = block {
            write(&work, path, text);
        }
    }
    std::fs::copy(root().join("Cargo.lock"), work.join("receiver/Cargo.lock"))
        .expect("lock file copied");
    let scripts: Vec<&String> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Run(script) => Some(script),
            Block::File { .. } => None,
        })
        .collect();
    assert!(!scripts.is_empty(), "README: no `walkthrough: run` block");
    for script in scripts {
        let output = Command::new("sh")
            .args(["-euc", &here(script)])
            .current_dir(&work)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_NET_OFFLINE", "true")
            .env_remove("RUSTFLAGS")
            .output()
            .expect("sh runs");
        assert!(
            output.status.success(),
            "README walkthrough failed ({}):\n{script}\n--- stdout\n{}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // What the walkthrough says it made.
    let lib = std::fs::read_to_string(work.join("acme-events/src/lib.rs"))
        .expect("generate wrote acme-events/src/lib.rs");
    assert!(lib.contains("pub enum AcmeEvent"), "no AcmeEvent enum");
    let docs = std::fs::read_to_string(work.join("acme-events/docs/index.html"))
        .expect("generate wrote the docs page");
    assert!(
        docs.contains("<section class=\"receiving\">"),
        "the docs page has no receiving recipe"
    );
}
