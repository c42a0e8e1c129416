use eventbind_runtime::{Route, UnknownEvent};

#[derive(Route)]
#[route(field = "topic")]
enum Event {
    #[route(key = "a")]
    A(serde_json::Value),
    #[route(unknown)]
    Unknown(UnknownEvent),
}

fn main() {}
