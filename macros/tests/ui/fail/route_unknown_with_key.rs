use eventbind_runtime::{Route, UnknownEvent};

#[derive(Route)]
#[route(name)]
enum Event {
    A(serde_json::Value),
    /// Documented, so the error must point at the route attribute, not here.
    #[route(unknown, key = "x")]
    Unknown(UnknownEvent),
}

fn main() {}
