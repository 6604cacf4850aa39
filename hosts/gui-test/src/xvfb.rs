//! A private X server: Xvfb picks a free display itself (`-displayfd`), so tests
//! running at the same time never race for a display number. Dropping it stops the server.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long Xvfb may take to come up on a busy machine.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running Xvfb on a display of its own choosing; stopped (SIGTERM) when dropped.
pub struct Xvfb {
    child: Child,
    /// The display, e.g. `:3`, for `$DISPLAY`.
    pub display: String,
}

impl Xvfb {
    /// Starts a 1280×800×24 screen without TCP. Panics with the reason when Xvfb is missing or
    /// does not come up (these are tests).
    pub fn start() -> Self {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb (apt-get install xvfb)");
        // Xvfb writes the display number to fd 1 once it accepts connections.
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        match receiver.recv_timeout(START_TIMEOUT) {
            Ok(line) if line.trim().parse::<u32>().is_ok() => Self {
                display: format!(":{}", line.trim()),
                child,
            },
            outcome => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("Xvfb did not come up: {outcome:?}");
            }
        }
    }
}

impl Drop for Xvfb {
    /// SIGTERM, so the server removes its socket and lock file.
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child process.
        unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_servers_get_two_displays_and_go_away() {
        let (a, b) = (Xvfb::start(), Xvfb::start());
        assert_ne!(a.display, b.display);
        let socket = format!("/tmp/.X11-unix/X{}", &a.display[1..]);
        assert!(std::path::Path::new(&socket).exists());
        drop(a);
        assert!(
            !std::path::Path::new(&socket).exists(),
            "the socket is removed on drop"
        );
    }
}
