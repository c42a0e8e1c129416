use eventbind_runtime::{Route, UnknownEvent};

#[derive(Route)]
#[route(field = "/type")]
struct Event {
    unknown: UnknownEvent,
}

fn main() {}
