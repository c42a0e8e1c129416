//! Human docs for a catalog: `EVENTS.md` (GitHub-flavoured Markdown) and a
//! static, self-contained `index.html`, both from askama templates under
//! `codegen/templates/` and both from one view of the catalog, so they say
//! the same things and link the same anchors.

mod pieces;
mod recipe;
mod rows;
mod text;
mod types;
mod view;

use crate::error::{Error, Result};
use crate::model::Catalog;
use askama::Template;
use view::Page;

#[derive(Template)]
#[template(path = "events.md")]
struct EventsMd<'a> {
    page: &'a Page,
}

#[derive(Template)]
#[template(path = "index.html")]
struct IndexHtml<'a> {
    page: &'a Page,
}

/// `EVENTS.md` and `index.html`, by file name. `schemas_dir`, when the JSON
/// Schemas sit beside the docs, is their folder relative to the docs.
pub fn files(
    catalog: &Catalog,
    spec_display: &str,
    schemas_dir: Option<&str>,
) -> Result<Vec<(String, String)>> {
    let page = view::page(catalog, spec_display, schemas_dir);
    let failed = |e: askama::Error| {
        Error::new(
            spec_display,
            "",
            format!("internal error: a docs template failed: {e}"),
        )
    };
    let markdown = EventsMd { page: &page }.render().map_err(failed)?;
    let html = IndexHtml { page: &page }.render().map_err(failed)?;
    Ok(vec![
        ("EVENTS.md".to_string(), tidy(&markdown)),
        ("index.html".to_string(), tidy(&html)),
    ])
}

/// No trailing spaces, at most one blank line in a row, one final newline:
/// templates are easier to read with some slack, and diffs of the output calmer.
/// Code fences and `<pre>` blocks are kept exactly.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    let mut verbatim = false;
    for raw in text.lines() {
        let fence = raw.trim_start().starts_with("```");
        if verbatim {
            out.push_str(raw);
            out.push('\n');
            verbatim = !(fence || raw.contains("</pre>"));
            continue;
        }
        let line = raw.trim_end();
        if line.is_empty() {
            if blank || out.is_empty() {
                continue;
            }
            blank = true;
        } else {
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
        verbatim = fence || (line.contains("<pre") && !line.contains("</pre>"));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
