//! `import!`: the bindings of a spec, generated in place at compile time.
//!
//! ```ignore
//! pub mod commenda {
//!     eventbind_import::import!("../specs/commenda");
//! }
//! ```
//!
//! expands to the same module a build script writes with
//! `eventbind_codegen::Builder::compile` (one path from spec to code:
//! [`eventbind_codegen::rust_module`]), so the calling crate needs
//! `eventbind-runtime` and `serde` as dependencies, as it would then. The
//! path is relative to the calling crate's `CARGO_MANIFEST_DIR`: a spec
//! folder (holding `asyncapi.yaml` and `eventbind.toml`) or one document.
//! Each file the spec is read from is named in an `include_bytes!`, so cargo
//! rebuilds the crate when one changes. A spec error is a compile error that
//! names the file and the JSON Pointer.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as TokenStream2;
use quote::quote;
use std::path::{Path, PathBuf};
use syn::{parse_macro_input, LitStr};

/// Expands to the bindings of the spec at the given path (relative to the
/// calling crate's manifest folder).
#[proc_macro]
pub fn import(input: TokenStream) -> TokenStream {
    let path = parse_macro_input!(input as LitStr);
    match expand(&path.value()) {
        Ok((module, files)) => {
            let files = files.iter().map(|f| f.to_string_lossy().into_owned());
            quote! {
                #module
                #(const _: &[u8] = include_bytes!(#files);)*
            }
            .into()
        }
        Err(message) => syn::Error::new(path.span(), message)
            .to_compile_error()
            .into(),
    }
}

/// Expands to a string literal: the module [`import!`] would expand to for
/// the same path, formatted with prettyplease (without the `include_bytes!`
/// lines), for golden tests of the expansion.
#[proc_macro]
pub fn expansion(input: TokenStream) -> TokenStream {
    let path = parse_macro_input!(input as LitStr);
    let text = expand(&path.value()).and_then(|(module, _)| {
        syn::parse2::<syn::File>(module)
            .map(|file| prettyplease::unparse(&file))
            .map_err(|e| format!("the generated module does not parse: {e}"))
    });
    match text {
        Ok(text) => quote!(#text).into(),
        Err(message) => syn::Error::new(path.span(), message)
            .to_compile_error()
            .into(),
    }
}

/// The module's tokens and the files it was generated from.
fn expand(relative: &str) -> Result<(TokenStream2, Vec<PathBuf>), String> {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .ok_or("CARGO_MANIFEST_DIR is not set: import! is meant to run under cargo")?;
    let spec = Path::new(&manifest).join(relative);
    let loaded = eventbind_codegen::load(&spec).map_err(|e| e.to_string())?;
    let origin = format!(
        "from the spec {:?} by eventbind::import!",
        loaded.catalog.name
    );
    let source =
        eventbind_codegen::rust_module(&loaded.catalog, &origin).map_err(|e| e.to_string())?;
    let module: TokenStream2 = source
        .parse()
        .map_err(|e| format!("the generated module does not lex: {e}"))?;
    let mut files: Vec<PathBuf> = loaded.documents.files().cloned().collect();
    let options = spec.join("eventbind.toml");
    if options.is_file() {
        files.push(options);
    }
    // Absolute paths: include_bytes! resolves relative ones from the calling file.
    let files = files
        .into_iter()
        .map(|f| std::fs::canonicalize(&f).unwrap_or(f))
        .collect();
    Ok((module, files))
}
