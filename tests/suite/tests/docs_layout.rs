//! The layout of each generated `docs/index.html` in headless Chromium, by
//! element geometry (never pixels): at 1280 px the sidebar stays in view
//! after scrolling and the receiving recipe comes before the messages; at
//! 1280 and 390 px no code identifier (nor sidebar name) is broken across
//! lines; at 390 px nothing overflows the viewport horizontally.
//!
//! Chromium's windows are at least 500 px wide, so the page is shown in an
//! `<iframe srcdoc>` of the width wanted, inside a page of the test's own
//! with a measuring script (the generated page has no script, and keeps
//! none); the script writes its findings as JSON into the DOM, which
//! `chromium --dump-dom` prints once everything, the frame included, has
//! loaded.

use eventbind_suite::{root, VENDORS};
use scraper::{Html, Selector};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Measures the page in the frame once it has loaded; fills `#eventbind-layout`.
const MEASURE: &str = r#"
<script>
function measure(frame) {
  var win = frame.contentWindow, doc = frame.contentDocument;
  var out = document.getElementById('eventbind-layout');
  if (!doc || !doc.querySelector('nav')) { out.textContent = '{"error": "the frame has no page"}'; return; }
  var report = {};
  var root = doc.documentElement;
  report.viewport = root.clientWidth;
  report.innerWidth = win.innerWidth;
  report.scrollWidth = Math.max(root.scrollWidth, doc.body.scrollWidth);
  // Elements sticking out past the viewport's right edge and not inside a
  // box that clips or scrolls them: what makes the page scroll sideways.
  var clipped = function (el) {
    for (var p = el.parentElement; p && p !== doc.body; p = p.parentElement) {
      if (win.getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  report.overflowing = [];
  doc.querySelectorAll('body *').forEach(function (el) {
    var r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > root.clientWidth + 0.5 && !clipped(el) && report.overflowing.length < 8) {
      report.overflowing.push(el.tagName + ' ' + (el.textContent || '').slice(0, 60) + ' right=' + Math.round(r.right));
    }
  });
  // Lines a text takes: distinct tops of its text's line boxes.
  var lines = function (el) {
    var range = doc.createRange();
    range.selectNodeContents(el);
    var tops = [];
    Array.prototype.forEach.call(range.getClientRects(), function (r) {
      if (r.width === 0) return;
      var top = Math.round(r.top);
      if (tops.every(function (t) { return Math.abs(t - top) > 2; })) tops.push(top);
    });
    return tops.length;
  };
  report.identifiers = 0;
  report.broken = [];
  doc.querySelectorAll('code, nav a').forEach(function (el) {
    if (el.closest('pre') || !el.textContent.trim()) return;
    report.identifiers += 1;
    var n = lines(el);
    var style = win.getComputedStyle(el);
    var lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    // The box's own height (without a scrollbar) is one line too.
    var tall = el.clientHeight > 1.7 * lineHeight;
    if ((n > 1 || tall) && report.broken.length < 8) {
      report.broken.push({ text: el.textContent, lines: n, height: el.clientHeight, lineHeight: lineHeight });
    }
  });
  var receiving = doc.querySelector('section.receiving');
  var message = doc.querySelector('article.message');
  report.receivingTop = receiving ? receiving.getBoundingClientRect().top : null;
  report.firstMessageTop = message ? message.getBoundingClientRect().top : null;
  // Scroll half-way down and see where the sidebar is.
  win.scrollTo(0, Math.floor(root.scrollHeight / 2));
  report.scrollY = win.scrollY;
  var nav = doc.querySelector('nav').getBoundingClientRect();
  report.nav = { top: nav.top, bottom: nav.bottom, height: nav.height };
  report.viewportHeight = win.innerHeight;
  out.textContent = JSON.stringify(report);
}
</script>
"#;

/// The frame's height: the viewport the page is measured in.
const HEIGHT: u32 = 900;

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
        "Chromium is not installed, so the docs layout cannot be checked: run \
         `bash scripts/install-test-deps-chromium.sh` (Debian: apt-get install chromium) or set CHROMIUM"
    );
}

/// The report of the measuring script on `vendor`'s page in a window
/// `width` px wide.
fn measure(vendor: &str, width: u32) -> Value {
    let page = root()
        .join("generated")
        .join(vendor)
        .join("docs/index.html");
    let html = std::fs::read_to_string(&page)
        .unwrap_or_else(|e| panic!("{}: {e} (run `eventbind generate`)", page.display()));
    let escaped = html.replace('&', "&amp;").replace('"', "&quot;");
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("measure.html");
    std::fs::write(
        &copy,
        format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body style=\"margin:0\">{MEASURE}\
             <iframe style=\"border:0;width:{width}px;height:{HEIGHT}px\" onload=\"measure(this)\" srcdoc=\"{escaped}\"></iframe>\
             <pre id=\"eventbind-layout\"></pre></body></html>"
        ),
    )
    .expect("page written");
    let dom = dump_dom(&copy, dir.path());
    let dom = Html::parse_document(&dom);
    let selector = Selector::parse("#eventbind-layout").expect("selector");
    let text: String = dom
        .select(&selector)
        .next()
        .map(|e| e.text().collect())
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!("{vendor} at {width} px: the measuring script wrote no report ({e}): {text:?}")
    })
}

/// The DOM Chromium builds for `page`, run headless with a fresh profile
/// under `scratch`, in a window larger than any frame measured.
fn dump_dom(page: &Path, scratch: &Path) -> String {
    let profile = scratch.join("profile");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
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
            panic!("chromium did not finish {} in 120 s", page.display());
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

fn number(report: &Value, key: &str) -> f64 {
    report[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number {key} in {report}"))
}

/// Every code identifier and sidebar name on one line, and measured.
fn assert_identifiers_whole(vendor: &str, width: u32, report: &Value) {
    assert!(
        number(report, "identifiers") > 20.0,
        "{vendor} at {width} px: too few identifiers measured: {report}"
    );
    assert_eq!(
        report["broken"],
        Value::Array(Vec::new()),
        "{vendor} at {width} px: identifiers broken across lines"
    );
}

#[test]
fn at_1280_px_the_sidebar_stays_in_view_and_the_recipe_comes_first() {
    for vendor in VENDORS {
        let report = measure(vendor, 1280);
        assert_eq!(number(&report, "innerWidth"), 1280.0, "{vendor}: {report}");
        // Scrolled far enough that a sidebar scrolling with the page would
        // be gone, it is still at the top of the viewport.
        let scrolled = number(&report, "scrollY");
        assert!(
            scrolled > 1000.0,
            "{vendor}: the page is too short to scroll: {report}"
        );
        let nav = &report["nav"];
        let top = nav["top"].as_f64().expect("nav top");
        let bottom = nav["bottom"].as_f64().expect("nav bottom");
        assert!(
            (-1.0..=1.0).contains(&top),
            "{vendor}: after scrolling {scrolled} px the sidebar's top is at {top} px: {report}"
        );
        assert!(
            bottom > 200.0 && bottom <= number(&report, "viewportHeight") + 1.0,
            "{vendor}: the sidebar is not in the viewport after scrolling: {report}"
        );
        let recipe = number(&report, "receivingTop");
        let message = number(&report, "firstMessageTop");
        assert!(
            recipe < message,
            "{vendor}: the receiving recipe ({recipe} px) is not above the first message ({message} px)"
        );
        assert_identifiers_whole(vendor, 1280, &report);
    }
}

#[test]
fn at_390_px_nothing_overflows_and_identifiers_stay_whole() {
    for vendor in VENDORS {
        let report = measure(vendor, 390);
        assert_eq!(number(&report, "innerWidth"), 390.0, "{vendor}: {report}");
        let viewport = number(&report, "viewport");
        assert!(
            number(&report, "scrollWidth") <= viewport,
            "{vendor}: the page is wider than the {viewport} px viewport: {report}"
        );
        assert_eq!(
            report["overflowing"],
            Value::Array(Vec::new()),
            "{vendor}: elements past the viewport's right edge"
        );
        assert_identifiers_whole(vendor, 390, &report);
    }
}
