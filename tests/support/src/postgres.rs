//! A throw-away PostgreSQL cluster: `initdb` into a temporary folder, then
//! `pg_ctl start` on a free loopback port, run as the unprivileged user
//! `eventbind-pg` when the tests run as root (postgres refuses root).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The user the server runs as when the tests run as root; created by
/// `scripts/install-test-deps.sh`.
const USER: &str = "eventbind-pg";

/// A running PostgreSQL server, stopped (and its folder removed) on drop.
pub struct Postgres {
    /// `pg_ctl stop`, run on drop.
    stop: Command,
    port: u16,
    // Dropped after the server is stopped.
    _dir: tempfile::TempDir,
}

impl Postgres {
    /// Initialises a cluster (trust authentication, superuser `postgres`,
    /// durability settings left at their defaults) and starts it.
    pub fn start() -> Postgres {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("eventbind-pg-")
            .tempdir()
            .expect("a temporary folder");
        let as_root = is_root();
        if as_root {
            assert!(
                Command::new("id")
                    .args(["-u", USER])
                    .output()
                    .is_ok_and(|o| o.status.success()),
                "the system user `{USER}` is missing (postgres refuses to run as root); \
                 run `bash scripts/install-test-deps.sh`"
            );
            run(Command::new("chown").args([USER, &dir.path().display().to_string()]));
        }
        let data = dir.path().join("data");
        let mut initdb = command(as_root, &bin.join("initdb"));
        initdb.args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        initdb.arg("-D").arg(&data);
        run(&mut initdb);
        let port = crate::free_port();
        let options = format!(
            "-p {port} -c listen_addresses=127.0.0.1 -k {} -c max_connections=100",
            dir.path().display()
        );
        // pg_ctl forks the server and returns once it accepts connections
        // (-w), whatever runuser does with its own process.
        let mut start = command(as_root, &bin.join("pg_ctl"));
        start
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-w", "-t", "60"]);
        start.arg("-l").arg(dir.path().join("log")).arg("start");
        run(&mut start);
        Postgres {
            stop: command_stop(as_root, &bin, &data),
            port,
            _dir: dir,
        }
    }

    /// A connection URL for the `postgres` database, e.g.
    /// `postgres://postgres@127.0.0.1:5433/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // Immediate: nothing in a test cluster is worth a checkpoint.
        let _ = self
            .stop
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn command_stop(as_root: bool, bin: &Path, data: &Path) -> Command {
    let mut stop = command(as_root, &bin.join("pg_ctl"));
    stop.arg("-D")
        .arg(data)
        .args(["-m", "immediate", "-w", "stop"]);
    stop
}

/// Where `initdb` and `pg_ctl` (and `postgres`) are: beside `initdb` on the PATH,
/// else Debian's /usr/lib/postgresql/<version>/bin (newest version).
fn bin_dir() -> PathBuf {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("initdb"))
            .find(|initdb| initdb.is_file())
    });
    if let Some(initdb) = on_path {
        // A symlink (as /usr/local/bin/initdb may be) points at the real folder.
        let real = std::fs::canonicalize(&initdb).unwrap_or(initdb);
        if let Some(dir) = real.parent().filter(|d| d.join("postgres").is_file()) {
            return dir.to_owned();
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("postgres").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "PostgreSQL's initdb and postgres were found neither on the PATH nor under \
             /usr/lib/postgresql/*/bin; run `bash scripts/install-test-deps.sh`"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program`, run as [`USER`] through `runuser` when the tests run as root.
fn command(as_root: bool, program: &Path) -> Command {
    if as_root {
        let mut command = Command::new("runuser");
        command.args(["-u", USER, "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?} could not be run: {e}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
