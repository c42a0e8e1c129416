//! moto's SQS-compatible server.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A moto server on a free loopback port, killed on drop.
pub struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    /// Starts `python3 -m moto.server` and waits until it answers.
    pub fn start() -> Moto {
        let import = Command::new("python3")
            .args(["-c", "import moto.server"])
            .output();
        match import {
            Ok(output) if output.status.success() => {}
            Ok(output) => panic!(
                "moto is not installed (python3 -c 'import moto.server' failed: {}); \
                 run `bash scripts/install-test-deps.sh`",
                String::from_utf8_lossy(&output.stderr).trim()
            ),
            Err(error) => panic!(
                "python3 cannot be run ({error}); the SQS tests need moto: \
                 run `bash scripts/install-test-deps.sh`"
            ),
        }
        let port = crate::free_port();
        let mut child = Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            // moto logs every request; a pipe nobody reads would fill and stall it.
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto starts");
        crate::wait_for_port(&mut child, port, "moto", Duration::from_secs(30));
        Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        }
    }

    /// The server's URL, e.g. `http://127.0.0.1:5123`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
