//! Doc comments from spec descriptions.

/// Width doc text is wrapped to.
const WIDTH: usize = 96;

/// Doc comment lines (without `///`) for the given paragraphs, wrapped,
/// with a blank line between paragraphs (empty ones are skipped).
pub fn doc_lines<'a>(paragraphs: impl IntoIterator<Item = Option<&'a str>>) -> Vec<String> {
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
    let mut paragraph: Vec<String> = Vec::new();
    let flush = |paragraph: &mut Vec<String>, out: &mut Vec<String>| {
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
            paragraph.push(escape_prose(line.trim()));
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

/// Spec prose as rustdoc reads it: outside code spans, `<word>` is not taken
/// for an HTML tag (`<appcode>.<resource>` in Vertex's docs), a bare URL becomes
/// an autolink, and `[text]` not followed by a link target is not taken for an
/// intra-doc link.
fn escape_prose(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let bytes = line.as_bytes();
    // A tick with no partner later on the line opens no code span.
    let last_tick = line.rfind('`');
    let paired_ticks = line.matches('`').count() / 2 * 2;
    let mut ticks_seen = 0;
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        let c = rest.chars().next().unwrap_or_default();
        if c == '`' {
            ticks_seen += 1;
            out.push(c);
            i += 1;
            continue;
        }
        let in_code = ticks_seen % 2 == 1 && ticks_seen <= paired_ticks && Some(i) != last_tick;
        let after = |offset: usize| bytes.get(i + offset).copied().unwrap_or(b' ');
        let before = i.checked_sub(1).map(|j| bytes[j]);
        if in_code {
            out.push(c);
        } else if c == '<'
            && !rest.starts_with("<http://")
            && !rest.starts_with("<https://")
            && (after(1).is_ascii_alphabetic() || after(1) == b'/')
        {
            out.push_str("\\<");
        } else if (rest.starts_with("http://") || rest.starts_with("https://"))
            && !matches!(before, Some(b'<' | b'(' | b'"'))
        {
            let end = rest
                .find(|ch: char| ch.is_whitespace() || ch == '>' || ch == ')')
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            i += url.len();
            continue;
        } else if c == '[' && after(1) != b'`' && !is_link(rest) {
            // `[`Type`]` is the emitter's own intra-doc link; anything else is prose.
            out.push_str("\\[");
        } else {
            out.push(c);
        }
        i += c.len_utf8();
    }
    out
}

/// Whether `text` (starting at `[`) is a Markdown link: `[label](target)`.
fn is_link(text: &str) -> bool {
    text.find(']')
        .is_some_and(|close| text[close + 1..].starts_with('('))
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
    fn prose_is_escaped_for_rustdoc_and_code_is_not() {
        assert_eq!(
            escape_prose("<appcode>.<resource> in `<x>` see https://a.example/b."),
            "\\<appcode>.\\<resource> in `<x>` see <https://a.example/b>."
        );
        assert_eq!(
            escape_prose("a [link](https://x.example) and [note]"),
            "a [link](https://x.example) and \\[note]"
        );
        assert_eq!(
            escape_prose("x < 3 and <https://y.example>"),
            "x < 3 and <https://y.example>"
        );
    }

    #[test]
    fn wraps_prose_and_indents_list_continuations() {
        let long = "word ".repeat(40);
        let lines = wrap_markdown(&format!("- {long}\n\n```\ncode   kept\n```"));
        assert!(lines[0].starts_with("- word"));
        assert!(lines[1].starts_with("  word"));
        assert!(lines.contains(&"code   kept".to_string()));
    }
}
