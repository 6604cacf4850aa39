//! The worker-subprocess pattern: a test re-runs one `worker_*` test of its own binary in a child
//! process, so a crash or an abort there (a host dying in the plugin's teardown, a process-wide
//! variable) fails the calling test instead of killing the whole run. The worker test returns at
//! once unless [`is_worker`] says this process was started for it, and prints [`DONE`] last.

use std::process::Command;

/// Set to a worker's name in the child process that should run it.
pub const ENV: &str = "WEBSTRIP_TEST_WORKER";

/// What a worker prints when it got to its end.
pub const DONE: &str = "WORKER_DONE";

/// Whether this process is the child started for `worker`; workers do nothing otherwise.
pub fn is_worker(worker: &str) -> bool {
    std::env::var(ENV).is_ok_and(|w| w == worker)
}

/// The child process for `worker`: this test binary running only that test, with [`ENV`] set.
/// Add the environment it needs, then hand it to [`run`].
pub fn command(worker: &str) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("the test binary"));
    command
        .args(["--exact", worker, "--nocapture", "--test-threads=1"])
        .env(ENV, worker);
    command
}

/// Runs `command` (from [`command`]) and returns its stdout; panics with its output, and with
/// `extra` (e.g. the plugin's log), unless it passed and printed [`DONE`].
pub fn run(worker: &str, mut command: Command, extra: impl FnOnce() -> String) -> String {
    let child = command.output().expect("run the worker");
    let stdout = String::from_utf8_lossy(&child.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&child.stderr);
    let extra = extra();
    assert!(
        child.status.success() && stdout.contains("1 passed") && stdout.contains(DONE),
        "{worker} failed ({})\n--- stdout\n{stdout}\n--- stderr\n{stderr}{extra}",
        child.status
    );
    stdout
}
