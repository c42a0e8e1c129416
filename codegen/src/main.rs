//! The `eventbind` command line.

fn main() {
    std::process::exit(eventbind::cli::run(std::env::args_os()));
}
