//! The docs under `generated/<vendor>/docs/`: `index.html` is valid HTML5
//! with unique ids, working anchors and no external assets, and renders every
//! message in headless Chromium; `EVENTS.md` links only to headings it has,
//! keeps its tables square and its JSON examples JSON.

use eventbind_suite::{root, spec_dir, VENDORS};
use scraper::{Html, Selector};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn docs_dir(vendor: &str) -> PathBuf {
    root().join("generated").join(vendor).join("docs")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (run `eventbind generate`)", path.display()))
}

fn catalog(vendor: &str) -> eventbind_codegen::model::Catalog {
    eventbind_codegen::load(&spec_dir(vendor))
        .expect("spec loads")
        .catalog
}

fn select<'a>(html: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("selector");
    html.select(&selector).collect()
}

#[test]
fn html_docs_are_valid_and_self_contained() {
    for vendor in VENDORS {
        let dir = docs_dir(vendor);
        let text = read(&dir.join("index.html"));
        assert!(text.starts_with("<!DOCTYPE html>"), "{vendor}: no doctype");
        let html = Html::parse_document(&text);
        assert!(
            html.errors.is_empty(),
            "{vendor}: HTML parse errors: {:?}",
            html.errors
        );
        let mut ids = BTreeSet::new();
        for element in select(&html, "[id]") {
            let id = element.value().attr("id").unwrap_or_default();
            assert!(
                !id.is_empty() && !id.contains(char::is_whitespace),
                "{vendor}: bad id {id:?}"
            );
            assert!(
                ids.insert(id.to_string()),
                "{vendor}: id {id:?} is used twice"
            );
        }
        let mut internal = 0;
        for link in select(&html, "a[href]") {
            let href = link.value().attr("href").unwrap_or_default();
            match href.strip_prefix('#') {
                Some(target) => {
                    assert!(
                        ids.contains(target),
                        "{vendor}: link to #{target}, which no element has"
                    );
                    internal += 1;
                }
                // The only other links are to the schemas beside the docs.
                None => assert!(
                    !href.contains("://") && dir.join(href).is_file(),
                    "{vendor}: link to {href}, which is not a file beside the docs"
                ),
            }
        }
        assert!(internal > 10, "{vendor}: only {internal} internal links");
        // Works offline: nothing is loaded from anywhere.
        assert!(
            select(&html, "script, link, img, iframe, [src]").is_empty(),
            "{vendor}: external assets"
        );
        let css: String = select(&html, "style")
            .iter()
            .flat_map(|s| s.text())
            .collect();
        assert!(
            !css.contains("url(") && !css.contains("@import"),
            "{vendor}: CSS loads something"
        );
    }
}

#[test]
fn every_message_and_type_is_documented_in_both_docs() {
    for vendor in VENDORS {
        let catalog = catalog(vendor);
        let markdown = read(&docs_dir(vendor).join("EVENTS.md"));
        let html = Html::parse_document(&read(&docs_dir(vendor).join("index.html")));
        let headings: BTreeSet<String> = select(&html, "h3")
            .iter()
            .map(|h| h.text().collect::<String>())
            .collect();
        for message in &catalog.messages {
            assert!(
                markdown.contains(&format!("\n### Message `{}`\n", message.name)),
                "{vendor}: {} missing from EVENTS.md",
                message.name
            );
            assert!(
                headings.contains(&format!("Message {}", message.name)),
                "{vendor}: {} missing from index.html",
                message.name
            );
            for example in message.examples.iter().filter_map(|e| e.payload.as_ref()) {
                let json = serde_json::to_string_pretty(example).unwrap();
                assert!(
                    markdown.contains(&json),
                    "{vendor}: an example of {} is missing from EVENTS.md",
                    message.name
                );
            }
        }
        for def in &catalog.types {
            assert!(
                markdown.contains(&format!("\n### Type `{}`\n", def.name)),
                "{vendor}: {} missing from EVENTS.md",
                def.name
            );
            assert!(
                headings.contains(&format!("Type {}", def.name)),
                "{vendor}: {} missing from index.html",
                def.name
            );
        }
    }
}

/// The anchor GitHub gives a heading (github-slugger), written here apart
/// from the generator's so that a mistake there shows.
fn github_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn markdown_docs_link_to_their_own_headings_and_keep_tables_square() {
    for vendor in VENDORS {
        let dir = docs_dir(vendor);
        let text = read(&dir.join("EVENTS.md"));
        let mut anchors = BTreeSet::new();
        let mut in_fence = false;
        let mut fence = String::new();
        let mut table_columns: Option<usize> = None;
        for line in text.lines() {
            if line.starts_with("```") {
                if in_fence && fence.trim_start().starts_with('{') {
                    serde_json::from_str::<serde_json::Value>(&fence).unwrap_or_else(|e| {
                        panic!("{vendor}: a ```json block is not JSON: {e}\n{fence}")
                    });
                }
                in_fence = !in_fence;
                fence.clear();
                continue;
            }
            if in_fence {
                fence.push_str(line);
                fence.push('\n');
                continue;
            }
            if let Some(heading) = line.strip_prefix('#').map(|h| h.trim_start_matches('#')) {
                let base = github_anchor(heading.trim());
                let mut anchor = base.clone();
                let mut n = 0;
                while anchors.contains(&anchor) {
                    n += 1;
                    anchor = format!("{base}-{n}");
                }
                anchors.insert(anchor);
            }
            // Every row of a table has as many cells as its header (escaped pipes are text).
            if line.starts_with('|') {
                let cells = line.replace("\\|", "").matches('|').count() - 1;
                match table_columns {
                    None => table_columns = Some(cells),
                    Some(n) => assert_eq!(
                        n, cells,
                        "{vendor}: a table row has {cells} cells, not {n}: {line}"
                    ),
                }
            } else {
                table_columns = None;
            }
        }
        assert!(!in_fence, "{vendor}: a code fence is not closed");
        let mut links = 0;
        for (index, _) in text.match_indices("](") {
            let rest = &text[index + 2..];
            let target = &rest[..rest.find(')').expect("link closes")];
            match target.strip_prefix('#') {
                Some(anchor) => {
                    assert!(
                        anchors.contains(anchor),
                        "{vendor}: EVENTS.md links to #{anchor}, which no heading has"
                    );
                    links += 1;
                }
                None => assert!(
                    dir.join(target).exists(),
                    "{vendor}: EVENTS.md links to {target}, which is not there"
                ),
            }
        }
        assert!(links > 10, "{vendor}: only {links} links");
    }
}

/// The Chromium binary: `$CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser"] {
            if dir.join(name).is_file() {
                return dir.join(name);
            }
        }
    }
    panic!(
        "Chromium is not installed, so the HTML docs cannot be checked in a browser: run \
         `bash scripts/install-test-deps-chromium.sh` (Debian: apt-get install chromium) or set CHROMIUM"
    );
}

/// The DOM Chromium builds for `page`, run headless with a fresh profile.
fn dump_dom(page: &Path) -> String {
    let profile = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    // Read while it runs (a full pipe would stall it), and never wait forever.
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut dom).map(|_| dom)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("chromium runs") {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!(
                "chromium did not finish rendering {} in 120 s",
                page.display()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = reader.join().expect("reader").expect("chromium output");
    assert!(
        status.success(),
        "chromium failed on {}: {status}",
        page.display()
    );
    dom
}

#[test]
fn chromium_renders_every_message_heading() {
    for vendor in VENDORS {
        let page = docs_dir(vendor).join("index.html");
        let dom = Html::parse_document(&dump_dom(&page));
        let rendered: BTreeSet<String> = select(&dom, "h3")
            .iter()
            .map(|h| h.text().collect::<String>())
            .collect();
        let catalog = catalog(vendor);
        assert!(!catalog.messages.is_empty(), "{vendor}: no messages");
        for message in &catalog.messages {
            let heading = format!("Message {}", message.name);
            assert!(
                rendered.contains(&heading),
                "{vendor}: Chromium shows no heading {heading:?}"
            );
        }
        let title = select(&dom, "h1")
            .first()
            .map(|h| h.text().collect::<String>());
        assert_eq!(
            title.as_deref(),
            Some(format!("{} {}", catalog.title, catalog.version).as_str())
        );
    }
}

#[test]
fn the_docs_command_writes_the_docs_alone() {
    let out = tempfile::tempdir().expect("temp dir");
    let spec = spec_dir("commenda");
    let code = eventbind::run([
        "eventbind".as_ref(),
        "docs".as_ref(),
        "--spec".as_ref(),
        spec.as_os_str(),
        "--out".as_ref(),
        out.path().as_os_str(),
    ]);
    assert_eq!(code, 0);
    let html = read(&out.path().join("index.html"));
    let markdown = read(&out.path().join("EVENTS.md"));
    assert!(markdown.contains("### Message `NexusThresholdStateAlert`"));
    // No schema files beside these docs, so no links to them.
    assert!(!html.contains("schemas/") && !markdown.contains("schemas/"));
    let schema = |message: &str| {
        eventbind::run([
            "eventbind".as_ref(),
            "schema".as_ref(),
            "--spec".as_ref(),
            spec.as_os_str(),
            "--message".as_ref(),
            message.as_ref(),
        ])
    };
    assert_eq!(schema("NexusThresholdStateAlert"), 0);
    assert_eq!(schema("Nope"), 2, "an unknown message is a usage error");
}
