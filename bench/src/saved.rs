//! A corpus written to a file and read back, so that a program run under
//! valgrind (`examples/route-count.rs`) reads the route bench's exact
//! deliveries without building and checking them again (which takes the
//! spec loader and `jsonschema`, and far longer under valgrind than the
//! routing it measures).
//!
//! One delivery a line: vendor, class, message and the body in hex (a
//! malformed body need not be UTF-8), separated by tabs.

use crate::corpus::{Class, Delivery};
use crate::VENDORS;
use std::fmt::Write as _;
use std::path::Path;

/// Writes `deliveries` to `path`.
pub fn save(path: &Path, deliveries: &[Delivery]) -> Result<(), String> {
    let mut text = String::new();
    for d in deliveries {
        let _ = write!(text, "{}\t{}\t{}\t", d.vendor, d.class.name(), d.message);
        for byte in &d.body {
            let _ = write!(text, "{byte:02x}");
        }
        text.push('\n');
    }
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads deliveries [`save`] wrote.
pub fn load(path: &Path) -> Result<Vec<Delivery>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .map(|(n, line)| parse_line(line).ok_or_else(|| format!("{}:{}", path.display(), n + 1)))
        .collect()
}

fn parse_line(line: &str) -> Option<Delivery> {
    let mut fields = line.split('\t');
    let vendor = fields.next()?;
    let vendor = *VENDORS.iter().find(|v| **v == vendor)?;
    let class = fields.next()?;
    let class = *Class::ALL.iter().find(|c| c.name() == class)?;
    let message = fields.next()?.to_string();
    let hex = fields.next()?.as_bytes();
    let body = hex
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    Some(Delivery {
        vendor,
        message,
        body,
        class,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_corpus_reads_back_the_same() {
        let deliveries = vec![
            Delivery {
                vendor: "commenda",
                message: "NexusThresholdStateAlert".into(),
                body: b"{\"topic\":\t\"x\"}".to_vec(),
                class: Class::Valid,
            },
            Delivery {
                vendor: "vertex",
                message: "EventDelivery".into(),
                body: vec![0xff, b'{'],
                class: Class::Malformed,
            },
        ];
        let path = std::env::temp_dir().join(format!("saved-{}.tsv", std::process::id()));
        save(&path, &deliveries).unwrap();
        let back = load(&path).unwrap();
        let _ = std::fs::remove_file(&path);
        assert_eq!(back.len(), 2);
        for (a, b) in deliveries.iter().zip(&back) {
            assert_eq!(
                (a.vendor, &a.message, &a.body, a.class),
                (b.vendor, &b.message, &b.body, b.class)
            );
        }
    }
}
