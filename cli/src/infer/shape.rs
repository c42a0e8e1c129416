//! What the samples showed at one place in the document, merged sample by
//! sample: how often each JSON type occurred, which formats every string
//! met, the distinct strings (up to a cap), and the members of objects and
//! the items of arrays, each a `Shape` of its own.

use super::formats::{FormatSet, Formats};
use super::sample::Sample;
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// Values seen here, `null` included.
    pub seen: u64,
    pub nulls: u64,
    pub booleans: u64,
    /// Integer literals.
    pub integers: u64,
    /// Literals with a fraction or exponent.
    pub numbers: u64,
    pub strings: Option<Strings>,
    pub arrays: Option<Arrays>,
    pub objects: Option<Objects>,
}

#[derive(Debug, Clone)]
pub struct Strings {
    pub count: u64,
    /// Formats every string so far met.
    pub formats: FormatSet,
    /// Distinct values with their counts, first-seen order; `None` once more
    /// distinct values were seen than an enum may have (no longer tracked).
    pub values: Option<Vec<(String, u64)>>,
}

#[derive(Debug, Clone)]
pub struct Arrays {
    pub count: u64,
    /// Every item of every array seen here.
    pub items: Box<Shape>,
    pub min_len: usize,
    pub max_len: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Objects {
    pub count: u64,
    /// Members in first-seen order; a member's `seen` is how many objects had it.
    pub members: Vec<(String, Shape)>,
    index: HashMap<String, usize>,
}

/// What merging needs besides the sample.
pub struct Context<'a> {
    pub formats: &'a Formats,
    /// Stop tracking distinct strings past this many.
    pub max_distinct: usize,
}

impl Shape {
    pub fn add(&mut self, sample: &Sample, context: &Context) {
        self.seen += 1;
        match sample {
            Sample::Null => self.nulls += 1,
            Sample::Bool => self.booleans += 1,
            Sample::Integer => self.integers += 1,
            Sample::Number => self.numbers += 1,
            Sample::String(value) => self.add_string(value, context),
            Sample::Array(items) => {
                let arrays = self.arrays.get_or_insert_with(|| Arrays {
                    count: 0,
                    items: Box::default(),
                    min_len: items.len(),
                    max_len: items.len(),
                });
                arrays.count += 1;
                arrays.min_len = arrays.min_len.min(items.len());
                arrays.max_len = arrays.max_len.max(items.len());
                for item in items {
                    arrays.items.add(item, context);
                }
            }
            Sample::Object(members) => {
                let objects = self.objects.get_or_insert_with(Objects::default);
                objects.count += 1;
                for (key, value) in members {
                    let at = match objects.index.get(key) {
                        Some(&at) => at,
                        None => {
                            objects.index.insert(key.clone(), objects.members.len());
                            objects.members.push((key.clone(), Shape::default()));
                            objects.members.len() - 1
                        }
                    };
                    if let Some((_, shape)) = objects.members.get_mut(at) {
                        shape.add(value, context);
                    }
                }
            }
        }
    }

    fn add_string(&mut self, value: &str, context: &Context) {
        let strings = self.strings.get_or_insert_with(|| Strings {
            count: 0,
            formats: FormatSet::ALL,
            values: Some(Vec::new()),
        });
        strings.count += 1;
        if !strings.formats.is_empty() {
            strings.formats = context.formats.matching(value, strings.formats);
        }
        if let Some(values) = &mut strings.values {
            match values.iter().position(|(v, _)| v == value) {
                Some(at) => values[at].1 += 1,
                None if values.len() < context.max_distinct => values.push((value.to_string(), 1)),
                None => strings.values = None,
            }
        }
    }

    /// How many of the non-null JSON types occurred (integer and number count once).
    pub fn kinds(&self) -> usize {
        [
            self.booleans > 0,
            self.integers + self.numbers > 0,
            self.strings.is_some(),
            self.arrays.is_some(),
            self.objects.is_some(),
        ]
        .iter()
        .filter(|k| **k)
        .count()
    }
}
