//! Deliveries grown to a size: the body size, not the example, decides what
//! dominates reading (the scan for the key, UTF-8 checks, string copies).
//!
//! What grows is what grows in real deliveries: Vertex's event payload (a
//! document carried as an escaped JSON string) and Commenda's arrays of
//! objects (errors, customs rules), filled with the items of other valid
//! deliveries of the same message, so the grown arrays hold varied items.

use crate::corpus::{Delivery, Rng};
use serde_json::{json, Value};

/// The sizes of the sweep: a label and a target body size in bytes.
pub const SIZES: [(&str, usize); 3] =
    [("~1 KB", 1_000), ("~100 KB", 100_000), ("~1 MB", 1_000_000)];

/// What to grow in a vendor's deliveries.
#[derive(Debug, Clone, Copy)]
pub enum Growth {
    /// The string at this JSON Pointer, as an escaped JSON document.
    Text(&'static str),
    /// Every array of objects, with the same array's items from donors.
    Arrays,
}

/// `base` grown to at least `target` bytes (about; never much over), or
/// `None` if it has nothing to grow. `donors` are other deliveries of the
/// same message, whose array items are appended in turn.
pub fn grow(
    base: &Delivery,
    growth: Growth,
    donors: &[&Delivery],
    target: usize,
    rng: &mut Rng,
) -> Option<Delivery> {
    let mut value: Value = serde_json::from_slice(&base.body).ok()?;
    let missing = target.saturating_sub(base.body.len());
    match growth {
        Growth::Text(pointer) => {
            let node = value.pointer_mut(pointer)?;
            let old = node.as_str()?.len();
            *node = Value::String(document(missing + old, rng));
        }
        Growth::Arrays => {
            let mut arrays = Vec::new();
            arrays_of_objects(&value, String::new(), &mut arrays);
            if arrays.is_empty() {
                return None;
            }
            let donated: Vec<Vec<Value>> = arrays
                .iter()
                .map(|p| {
                    donors
                        .iter()
                        .filter_map(|d| serde_json::from_slice::<Value>(&d.body).ok())
                        .filter_map(|v| v.pointer(p).and_then(Value::as_array).cloned())
                        .flatten()
                        .collect()
                })
                .collect();
            // Sizes measured once per item: appending is linear, not quadratic.
            let mut added = 0;
            let mut turn = 0;
            while added < missing {
                let a = turn % arrays.len();
                let items = &donated[a];
                if items.is_empty() {
                    return None;
                }
                let item = items[(turn / arrays.len()) % items.len()].clone();
                added += serde_json::to_vec(&item).map_or(0, |b| b.len() + 1);
                value.pointer_mut(&arrays[a])?.as_array_mut()?.push(item);
                turn += 1;
            }
        }
    }
    Some(Delivery {
        body: serde_json::to_vec(&value).ok()?,
        ..base.clone()
    })
}

/// A JSON document of invoice lines as text, about `len` bytes once escaped
/// in a JSON string (each `"` costs two).
fn document(len: usize, rng: &mut Rng) -> String {
    let mut lines = Vec::new();
    let mut size = 40;
    let mut n = 0u32;
    while size < len {
        n += 1;
        let description: String = (0..rng.range(8, 40))
            .map(|_| (b'a' + rng.below(26) as u8) as char)
            .collect();
        let line = json!({
            "line": n,
            "sku": format!("SKU-{:06}", rng.below(1_000_000)),
            "quantity": rng.range(1, 99),
            "amount": format!("{}.{:02}", rng.range(1, 9_999), rng.below(100)),
            "description": description,
        });
        // The line's length once escaped in a JSON string, and its comma.
        size += serde_json::to_string(&line.to_string()).map_or(0, |t| t.len() - 1);
        lines.push(line);
    }
    json!({"documentId": rng.range(100, 999_999).to_string(), "lines": lines}).to_string()
}

fn arrays_of_objects(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) if items.first().is_some_and(Value::is_object) => out.push(at),
        Value::Object(map) => {
            for (key, child) in map {
                let token = key.replace('~', "~0").replace('/', "~1");
                arrays_of_objects(child, format!("{at}/{token}"), out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::delivery;

    #[test]
    fn grown_to_about_the_target() {
        let mut rng = Rng::new(5);
        let text = delivery("v", "m", &json!({"e": {"payload": "abc"}}));
        let grown = grow(&text, Growth::Text("/e/payload"), &[], 10_000, &mut rng).unwrap();
        let n = grown.body.len();
        assert!((10_000..11_000).contains(&n), "{n}");
        let array = delivery("c", "m", &json!({"d": {"rules": [{"a": 1}]}}));
        let donors = [&array];
        let grown = grow(&array, Growth::Arrays, &donors, 5_000, &mut rng).unwrap();
        let n = grown.body.len();
        assert!((5_000..5_100).contains(&n), "{n}");
        assert!(grow(&text, Growth::Arrays, &donors, 5_000, &mut rng).is_none());
    }
}
