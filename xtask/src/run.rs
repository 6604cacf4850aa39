//! `cargo xtask run`: the standalone app, built in release mode.

use anyhow::Result;

use crate::{cmd, deps};

/// Builds the standalone and runs it with `args` (nice-plug's flags: `-b dummy`, `-r`, `-p`, …).
pub fn run(args: &[String]) -> Result<()> {
    deps::ensure(deps::BUILD)?;
    cmd::run(&mut cmd::cargo([
        "build",
        "--release",
        "-p",
        "webstrip-standalone",
    ]))?;
    let binary = cmd::target_dir().join("release").join("webstrip");
    cmd::run(std::process::Command::new(binary).args(args))
}
