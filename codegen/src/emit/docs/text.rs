//! Text for the docs: spec descriptions (Markdown) in the forms the two
//! outputs need, heading anchors that match GitHub's, and escaping.

use pulldown_cmark::{html, Event, Options, Parser};
use std::collections::BTreeMap;

/// A spec description, ready for each place it goes.
#[derive(Debug, Clone)]
pub struct Text {
    /// As written: Markdown, for a block of `EVENTS.md`.
    pub md: String,
    /// On one line, for a Markdown table cell.
    pub cell: String,
    /// Rendered to HTML, for `index.html`.
    pub html: String,
}

impl Text {
    pub fn new(markdown: &str) -> Text {
        let md = markdown.trim().to_string();
        Text {
            cell: md_cell(&md),
            html: markdown_html(&md),
            md,
        }
    }

    pub fn from_option(markdown: Option<&str>) -> Option<Text> {
        markdown
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Text::new)
    }
}

/// Markdown to HTML. Raw HTML in a description is shown as text, not
/// interpreted: specs hold placeholders like `<link_to_documentation>`.
pub fn markdown_html(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out.trim_end().to_string()
}

/// A Markdown table cell: pipes escaped, paragraphs kept apart with `<br>`.
pub fn md_cell(markdown: &str) -> String {
    let paragraphs: Vec<String> = markdown
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    paragraphs.join("<br><br>").replace('|', "\\|")
}

/// A Markdown code span holding `text` exactly (backticks inside included).
pub fn code_span(text: &str) -> String {
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The anchor GitHub gives a heading: lower case, punctuation dropped
/// (hyphens and underscores stay), spaces turned into hyphens.
pub fn github_slug(heading: &str) -> String {
    heading
        .trim()
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// Anchors of the headings of one document, taken in document order. A slug
/// already taken gets `-1`, `-2`, ... as GitHub numbers repeated headings, so
/// the HTML ids and the Markdown links agree.
#[derive(Default)]
pub struct Anchors {
    used: BTreeMap<String, usize>,
}

impl Anchors {
    pub fn take(&mut self, heading: &str) -> String {
        let base = github_slug(heading);
        let base = if base.is_empty() {
            "section".to_string()
        } else {
            base
        };
        let mut candidate = base.clone();
        let mut count = self.used.get(&base).copied().unwrap_or(0);
        while self.used.contains_key(&candidate) {
            count += 1;
            candidate = format!("{base}-{count}");
        }
        self.used.insert(base.clone(), count);
        self.used.entry(candidate.clone()).or_insert(0);
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_github() {
        assert_eq!(
            github_slug("Message `timesheet_created`"),
            "message-timesheet_created"
        );
        assert_eq!(github_slug("Type `Tag.Value` (v2)"), "type-tagvalue-v2");
        let mut anchors = Anchors::default();
        assert_eq!(anchors.take("Types"), "types");
        assert_eq!(anchors.take("Types"), "types-1");
        assert_eq!(anchors.take("Types"), "types-2");
    }

    #[test]
    fn raw_html_in_a_description_is_shown_not_run() {
        let html = markdown_html("See <link_to_documentation> and `code`.");
        assert_eq!(
            html,
            "<p>See &lt;link_to_documentation&gt; and <code>code</code>.</p>"
        );
    }

    #[test]
    fn cells_and_code_spans_survive_pipes_and_backticks() {
        assert_eq!(md_cell("a | b\n\nc\nd"), "a \\| b<br><br>c d");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
    }
}
