//! Doc comments from spec descriptions.

use proc_macro2::TokenStream;
use quote::quote;

/// Width doc text is wrapped to.
const WIDTH: usize = 96;

/// `#[doc]` attributes for the given paragraphs (empty ones are skipped).
pub fn doc_attrs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let lines = doc_lines(paragraphs);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#[doc = #line])
    });
    quote!(#(#attrs)*)
}

/// Inner `#![doc]` attributes, for a crate root.
pub fn inner_doc_attrs<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> TokenStream {
    let lines = doc_lines(paragraphs);
    let attrs = lines.iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        };
        quote!(#![doc = #line])
    });
    quote!(#(#attrs)*)
}

fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for text in paragraphs.into_iter().flatten() {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(wrap_markdown(text));
    }
    lines
}

/// Wraps prose paragraphs, leaving code blocks and indented lines alone, and
/// indenting the continuation of list items so Markdown keeps them together.
fn wrap_markdown(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut Vec<String>| {
        if paragraph.is_empty() {
            return;
        }
        let joined = paragraph.join(" ");
        let indent = list_indent(&joined);
        out.extend(wrap(&joined, indent));
        paragraph.clear();
    };
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with("```") {
            flush(&mut paragraph, &mut out);
            in_fence = !in_fence;
            out.push(line.to_string());
        } else if in_fence || line.starts_with("    ") || line.starts_with('\t') {
            flush(&mut paragraph, &mut out);
            out.push(line.replace('\t', "    "));
        } else if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
            out.push(String::new());
        } else {
            if list_indent(line.trim_start()) > 0 {
                flush(&mut paragraph, &mut out);
            }
            paragraph.push(line.trim());
        }
    }
    flush(&mut paragraph, &mut out);
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    if in_fence {
        out.push("```".to_string());
    }
    out
}

/// Width of a Markdown list marker at the start of `line` (0 if none).
fn list_indent(line: &str) -> usize {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return 2;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")) {
        return digits + 2;
    }
    0
}

fn wrap(text: &str, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let width = current.chars().count();
        if !current.is_empty() && width + 1 + word.chars().count() > WIDTH {
            lines.push(std::mem::take(&mut current));
            current.push_str(&" ".repeat(indent));
        } else if !current.is_empty() && !current.ends_with(' ') {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.trim().is_empty() {
        lines.push(current);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_prose_and_indents_list_continuations() {
        let long = "word ".repeat(40);
        let lines = wrap_markdown(&format!("- {long}\n\n```\ncode   kept\n```"));
        assert!(lines[0].starts_with("- word"));
        assert!(lines[1].starts_with("  word"));
        assert!(lines.contains(&"code   kept".to_string()));
    }
}
