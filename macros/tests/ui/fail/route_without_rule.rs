use eventbind_runtime::{Route, UnknownEvent, Validate};

#[derive(serde::Deserialize, Validate)]
struct Created {
    id: u64,
}

#[derive(Route)]
enum Event {
    #[route(key = "created")]
    Created(Created),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

fn main() {}
