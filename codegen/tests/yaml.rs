//! The YAML reader (serde_norway, the maintained fork of serde_yaml): errors
//! name the file and the line, and hostile documents are refused quickly
//! with a located error instead of exhausting memory or the stack.

use std::path::PathBuf;

fn load(name: &str, text: &str) -> eventbind_codegen::Error {
    let dir = tempfile::tempdir().unwrap();
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let error = eventbind_codegen::load(&path).expect_err("refused");
    assert_eq!(error.file, path, "{error}");
    error
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let error = load(
        "broken.yaml",
        "asyncapi: 2.6.0\ninfo:\n  title: x\n  version: [1\nchannels: {}\n",
    );
    assert!(error.message.contains("line "), "{error}");
}

#[test]
fn an_alias_bomb_is_refused() {
    // Nine levels of nine aliases: 9^9 nodes if expanded.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let previous = format!("*a{}", level - 1);
        let list = [previous.as_str(); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{list}]\n"));
    }
    let error = load("bomb.yaml", &text);
    assert!(error.message.contains("invalid YAML"), "{error}");
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let depth = 10_000;
    let text = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    let error = load("deep.yaml", &text);
    assert!(error.message.contains("invalid YAML"), "{error}");
}
