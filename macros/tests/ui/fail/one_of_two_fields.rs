use eventbind_runtime::{OneOf, Validate};

#[derive(serde::Serialize, OneOf, Validate)]
#[serde(untagged)]
enum Shape {
    Pair(i64, i64),
    Single(i64),
}

fn main() {}
