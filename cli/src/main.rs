//! The `eventbind` command line.

/// Generation allocates and frees millions of small token and syntax-tree
/// nodes; mimalloc does that in about half the time of the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(eventbind::run(std::env::args_os()));
}
