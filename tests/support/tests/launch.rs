//! The launchers start real servers that answer on their ports.

use std::net::TcpStream;

#[test]
fn postgres_starts_answers_and_stops() {
    let port = {
        let postgres = eventbind_test_support::Postgres::start();
        assert!(postgres.url().starts_with("postgres://postgres@127.0.0.1:"));
        TcpStream::connect(("127.0.0.1", postgres.port())).expect("postgres answers");
        postgres.port()
    };
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "stopped on drop"
    );
}
