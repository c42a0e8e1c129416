use eventbind_runtime::{Route, Validate};

#[derive(serde::Deserialize, Validate)]
struct Created {
    id: u64,
}

#[derive(Route)]
#[route(field = "/type")]
enum Event {
    #[route(key = "created")]
    Created(Created),
}

fn main() {}
