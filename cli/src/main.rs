//! The `eventbind` command line.

fn main() {
    std::process::exit(eventbind::run(std::env::args_os()));
}
