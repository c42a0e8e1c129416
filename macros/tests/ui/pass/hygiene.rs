//! The derived code names everything by absolute path, so local items that
//! share names with the runtime's or the prelude's do not break it, and the
//! derives work without importing anything.

#![allow(dead_code)]

struct Path;
struct Errors;
struct ParseError;
struct UnknownEvent;
mod check {}
mod format {}
type Result<T> = core::result::Result<T, ()>;
fn from_slice() {}

#[derive(serde::Deserialize, serde::Serialize, eventbind_runtime::Validate)]
struct Item {
    #[validate(min_length = 1, pattern = "x", format = "uuid", enum_values("x"))]
    name: std::string::String,
    #[validate(min_items = 1, items(maximum = 2))]
    counts: std::vec::Vec<u32>,
}

#[derive(serde::Deserialize, eventbind_runtime::Validate)]
struct Other {
    item: Item,
}

#[derive(eventbind_runtime::Route)]
#[route(field = "/kind")]
enum Event {
    Item(Item),
    Other(Other),
    #[route(unknown)]
    Unknown(eventbind_runtime::UnknownEvent),
}

fn main() {
    let _ = Event::parse(b"{}");
}
