//! No code: this crate holds the compile-error tests of eventbind-receive
//! (`tests/`). They live apart because trybuild builds its scratch project
//! with the features of the crate under test, and the receive crate's own
//! tests run with every transport enabled (the AWS SDK, PostgreSQL, SQLite),
//! which would make trybuild build all of them once more.
