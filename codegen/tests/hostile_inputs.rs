//! Specs written to hurt: every one is answered, none hangs, exhausts memory
//! or reads a file it should not. Files are read only when regular, at most
//! the size limit, and only under a root (the spec's folder, or one allowed);
//! damaged text is refused with the file and the place named.

use eventbind_codegen::{load_with, Error, LoadOptions};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What a secret outside the spec holds: never in an error or the output.
const SECRET: &str = "title: Secret\ndescription: the-password-is-hunter2\ntype: object\n";

/// A spec folder `spec/` beside a file `secret.yaml`, in a fresh folder.
struct Tree {
    _dir: tempfile::TempDir,
    /// The fresh folder, canonical (so paths in errors compare equal).
    base: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::create_dir(base.join("spec")).unwrap();
        std::fs::write(base.join("secret.yaml"), SECRET).unwrap();
        Tree { _dir: dir, base }
    }

    fn spec_dir(&self) -> PathBuf {
        self.base.join("spec")
    }

    /// Writes `spec/<name>`.
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.spec_dir().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// `spec/schema.yaml`: a JSON Schema whose property `x` is `$ref: reference`.
    fn referring(&self, reference: &str) -> PathBuf {
        self.write(
            "schema.yaml",
            format!("title: Probe\ntype: object\nproperties:\n  x:\n    $ref: '{reference}'\n"),
        )
    }
}

/// Loads `path` on a thread, so that a read that blocks fails the test
/// instead of hanging the suite (a guard: any answer in time is judged).
fn guarded_load(path: &Path, options: LoadOptions) -> Result<(), Error> {
    let (send, answer) = mpsc::channel();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(load_with(&path, &options).map(|_| ()));
    });
    answer
        .recv_timeout(Duration::from_secs(10))
        .expect("the loader answered within 10 s")
}

/// The error of loading `path`, which must be refused.
fn refused(path: &Path, options: LoadOptions) -> Error {
    match guarded_load(path, options) {
        Ok(()) => panic!("{} loaded", path.display()),
        Err(error) => error,
    }
}

/// Asserts `error` is told at the `$ref` of property `x` of `spec`, and
/// that it says `says` without quoting the secret.
fn at_the_ref(error: &Error, spec: &Path, says: &str) {
    assert_eq!(error.file, spec, "{error}");
    assert_eq!(error.pointer, "/properties/x/$ref", "{error}");
    let text = error.to_string();
    assert!(text.contains(says), "{text}");
    assert!(!text.contains("hunter2"), "the secret leaked: {text}");
}

fn default() -> LoadOptions {
    LoadOptions::default()
}

#[cfg(unix)]
#[test]
fn dev_zero_is_outside_the_roots_and_not_a_regular_file() {
    let tree = Tree::new();
    let spec = tree.referring("/dev/zero");
    let error = refused(&spec, default());
    at_the_ref(
        &error,
        &spec,
        "/dev/zero is outside the folders this spec may read",
    );
    // Allowed as a root, it is still a device: refused before it is opened.
    let error = refused(&spec, default().allow_root("/dev"));
    at_the_ref(
        &error,
        &spec,
        "/dev/zero is a character device, not a regular file",
    );
}

#[cfg(unix)]
#[test]
fn dev_urandom_is_refused_without_reading() {
    let tree = Tree::new();
    let spec = tree.referring("file:///dev/urandom");
    let error = refused(&spec, default().allow_root("/dev"));
    at_the_ref(&error, &spec, "/dev/urandom is a character device");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_opening_it() {
    let tree = Tree::new();
    let fifo = tree.spec_dir().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", fifo.display());
    let spec = tree.referring("pipe.yaml");
    let error = refused(&spec, default());
    at_the_ref(
        &error,
        &spec,
        "pipe.yaml is a FIFO (named pipe), not a regular file",
    );
}

#[test]
fn a_directory_is_refused() {
    let tree = Tree::new();
    std::fs::create_dir(tree.spec_dir().join("sub")).unwrap();
    let spec = tree.referring("sub");
    let error = refused(&spec, default());
    at_the_ref(&error, &spec, "sub is a directory, not a regular file");
}

#[test]
fn a_file_over_the_size_limit_is_refused_naming_it_and_the_limit() {
    let tree = Tree::new();
    let big = format!("type: object\ndescription: '{}'\n", "x".repeat(2000));
    tree.write("big.yaml", &big);
    let spec = tree.referring("big.yaml");
    let error = refused(&spec, default().max_file_size(1024));
    at_the_ref(
        &error,
        &spec,
        "big.yaml is larger than the limit of 1024 bytes",
    );
    assert!(error.message.contains("--max-file-size"), "{error}");
    // The limit holds for the spec itself, and through the Builder.
    let error = eventbind_codegen::Builder::new()
        .spec(tree.spec_dir().join("big.yaml"))
        .out_dir(tree.base.join("out"))
        .max_file_size(1024)
        .crate_files()
        .unwrap_err();
    assert_eq!(error.file, tree.spec_dir().join("big.yaml"), "{error}");
    assert!(error.message.contains("1024 bytes"), "{error}");
    // Under the default limit (64 MiB) the same file loads.
    guarded_load(&spec, default()).unwrap();
}

#[test]
fn a_parent_folder_reference_is_refused() {
    let tree = Tree::new();
    let spec = tree.referring("../secret.yaml");
    let error = refused(&spec, default());
    at_the_ref(
        &error,
        &spec,
        "secret.yaml is outside the folders this spec may read",
    );
}

#[test]
fn an_absolute_path_outside_is_refused() {
    let tree = Tree::new();
    let secret = tree.base.join("secret.yaml");
    let spec = tree.referring(&secret.to_string_lossy());
    let error = refused(&spec, default());
    at_the_ref(&error, &spec, "is outside the folders this spec may read");
}

#[test]
fn a_file_uri_outside_is_refused() {
    let tree = Tree::new();
    let uri = format!("file://{}", tree.base.join("secret.yaml").display());
    let spec = tree.referring(&uri);
    let error = refused(&spec, default());
    at_the_ref(&error, &spec, "is outside the folders this spec may read");
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_root_is_refused() {
    let tree = Tree::new();
    std::os::unix::fs::symlink(
        tree.base.join("secret.yaml"),
        tree.spec_dir().join("inside.yaml"),
    )
    .unwrap();
    let spec = tree.referring("inside.yaml");
    let error = refused(&spec, default());
    at_the_ref(&error, &spec, "inside.yaml (which is ");
    assert!(error.message.contains("is outside the folders"), "{error}");
}

#[test]
fn a_file_under_an_allowed_root_is_read() {
    let tree = Tree::new();
    let shared = tree.base.join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::write(
        shared.join("common.yaml"),
        "type: object\nproperties:\n  n:\n    type: integer\n",
    )
    .unwrap();
    let spec = tree.referring("../shared/common.yaml");
    let error = refused(&spec, default());
    at_the_ref(&error, &spec, "common.yaml is outside the folders");
    let loaded = load_with(&spec, &default().allow_root(&shared)).unwrap();
    assert!(
        loaded
            .documents
            .files()
            .any(|f| f.ends_with("shared/common.yaml")),
        "{:?}",
        loaded.documents.files().collect::<Vec<_>>()
    );
    // The same through the Builder.
    let files = eventbind_codegen::Builder::new()
        .spec(&spec)
        .out_dir(tree.base.join("out"))
        .allow_root(&shared)
        .crate_files()
        .unwrap();
    assert!(!files.is_empty());
}

#[test]
fn a_byte_order_mark_before_yaml_or_json_is_accepted() {
    let tree = Tree::new();
    let yaml = tree.write(
        "bom.yaml",
        "\u{FEFF}title: Probe\ntype: object\nproperties:\n  n:\n    type: integer\n",
    );
    guarded_load(&yaml, default()).unwrap_or_else(|e| panic!("{e}"));
    let json = tree.write(
        "bom.json",
        "\u{FEFF}{\"title\": \"Probe\", \"type\": \"object\", \"properties\": {\"n\": {\"type\": \"integer\"}}}",
    );
    guarded_load(&json, default()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn invalid_utf8_is_located() {
    let tree = Tree::new();
    let spec = tree.write("latin1.yaml", b"title: Probe\ndescription: caf\xE9\n");
    let error = refused(&spec, default());
    assert_eq!(error.file, spec, "{error}");
    assert!(
        error
            .message
            .contains("invalid UTF-8 at byte offset 29 (line 2, column 17)"),
        "{error}"
    );
}

#[test]
fn a_nul_byte_is_located() {
    let tree = Tree::new();
    let spec = tree.write("nul.yaml", b"title: Probe\n\0type: object\n");
    let error = refused(&spec, default());
    assert_eq!(error.file, spec, "{error}");
    assert!(
        error
            .message
            .contains("a NUL byte at byte offset 13 (line 2, column 1)"),
        "{error}"
    );
}

#[test]
fn an_empty_file_is_refused_where_it_is_named() {
    let tree = Tree::new();
    let empty = tree.write("empty.yaml", "");
    let error = refused(&empty, default());
    assert_eq!(error.file, empty, "{error}");
    assert!(error.message.contains("the file is empty"), "{error}");
    let spec = tree.referring("empty.yaml");
    let error = refused(&spec, default());
    at_the_ref(&error, &spec, "the file is empty");
}

#[test]
fn an_alias_bomb_is_refused() {
    // Nine levels of nine aliases: 9^9 nodes if expanded.
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..9 {
        let list = vec![format!("*a{}", level - 1); 9].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{list}]\n"));
    }
    let tree = Tree::new();
    let spec = tree.write("bomb.yaml", text);
    let error = refused(&spec, default());
    assert_eq!(error.file, spec, "{error}");
    assert!(error.message.contains("repetition limit"), "{error}");
    assert!(error.message.contains("alias bomb"), "{error}");
}

#[test]
fn ten_thousand_deep_nesting_is_refused_at_its_line_and_column() {
    let tree = Tree::new();
    let depth = 10_000;
    let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    for name in ["deep.yaml", "deep.json"] {
        let spec = tree.write(name, &nested);
        let error = refused(&spec, default());
        assert_eq!(error.file, spec, "{error}");
        assert!(error.message.contains("recursion limit"), "{error}");
        assert!(error.message.contains("line 1 column"), "{error}");
    }
}

#[test]
fn a_cyclic_ref_chain_is_a_located_error() {
    let tree = Tree::new();
    let spec = tree.write(
        "cycle.yaml",
        "title: Probe\ntype: object\nproperties:\n  x:\n    $ref: '#/definitions/A'\n\
         definitions:\n  A:\n    $ref: '#/definitions/B'\n  B:\n    $ref: '#/definitions/A'\n",
    );
    let error = refused(&spec, default());
    assert_eq!(error.file, spec, "{error}");
    assert!(error.message.contains("loop"), "{error}");
    assert!(error.to_string().contains("#/definitions/"), "{error}");
}

#[test]
fn a_count_beyond_u64_is_refused_at_its_keyword() {
    let tree = Tree::new();
    let schema = |bound: &str| {
        format!(
            "title: Probe\ntype: object\nproperties:\n  s:\n    type: string\n    maxLength: {bound}\n"
        )
    };
    // JSON reads the number (as a float): the count is refused at its keyword.
    let json = tree.write(
        "huge.json",
        r#"{"type": "object", "properties": {"s": {"type": "string", "maxLength": 18446744073709551616}}}"#,
    );
    let error = refused(&json, default());
    assert_eq!(error.file, json, "{error}");
    assert_eq!(error.pointer, "/properties/s/maxLength", "{error}");
    assert!(
        error.message.contains("larger than the largest count"),
        "{error}"
    );
    let json = tree.write(
        "items.json",
        r#"{"type": "array", "items": {"type": "string"}, "minItems": 1e300}"#,
    );
    let error = refused(&json, default());
    assert_eq!(error.pointer, "/minItems", "{error}");
    // The YAML reader refuses an integer beyond u64 itself, at its line
    // and column, naming the keyword's path.
    let spec = tree.write("huge.yaml", schema("18446744073709551616"));
    let error = refused(&spec, default());
    assert_eq!(error.file, spec, "{error}");
    assert!(error.message.contains("properties.s.maxLength"), "{error}");
    assert!(error.message.contains("line 6 column 16"), "{error}");
    // The largest count there is still holds.
    let spec = tree.write("max.yaml", schema("18446744073709551615"));
    guarded_load(&spec, default()).unwrap_or_else(|e| panic!("{e}"));
}
