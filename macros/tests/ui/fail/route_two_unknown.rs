use eventbind_runtime::{Route, UnknownEvent};

#[derive(Route)]
#[route(name)]
enum Event {
    #[route(unknown)]
    Unknown(UnknownEvent),
    #[route(unknown)]
    Other(UnknownEvent),
}

fn main() {}
