//! `cargo xtask run`: builds the UI when it is stale, builds the standalone app in
//! release mode (the UI embedded), starts it — `--dev-server` when there is no usable display —
//! and prints the browser URL.

use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::{cmd, deps, ui};

/// The port the app listens on unless `--port` is given.
const DEFAULT_PORT: &str = "9000";

/// Builds what is needed and runs the app with `args` (ours: `--port`, `--token`, …; nice-plug's:
/// `-b dummy`, `-r`, `-p`, …).
pub fn run(args: &[String]) -> Result<()> {
    deps::ensure(deps::BUILD)?;
    ui::ensure_built()?;
    cmd::run(&mut cmd::cargo([
        "build",
        "--release",
        "-p",
        "webstrip-standalone",
    ]))?;
    let binary = cmd::target_dir().join("release").join("webstrip");

    let mut args = args.to_vec();
    if !args.iter().any(|a| a == "--dev-server") && !display_usable() {
        eprintln!("xtask: no usable display: starting headless (--dev-server)");
        args.insert(0, "--dev-server".into());
    }
    let port = flag_value(&args, "--port").unwrap_or(DEFAULT_PORT);
    let token = flag_value(&args, "--token").map_or(String::new(), |t| format!("?token={t}"));
    println!("Webstrip: open http://127.0.0.1:{port}/{token} in a browser (Ctrl+C quits)");
    let status = Command::new(&binary).args(&args).status()?;
    if !status.success() {
        bail!("webstrip exited with {status}");
    }
    Ok(())
}

/// The value of `--name V` or `--name=V` in `args`.
fn flag_value<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if arg == name {
            args.get(i + 1).map(String::as_str)
        } else {
            arg.strip_prefix(name)?.strip_prefix('=')
        }
    })
}

/// Whether a window could open: Wayland, or an X display whose local socket exists (remote X
/// displays are trusted).
fn display_usable() -> bool {
    if std::env::var_os("WAYLAND_DISPLAY").is_some_and(|v| !v.is_empty()) {
        return true;
    }
    let Some(display) = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty()) else {
        return false;
    };
    match display.strip_prefix(':') {
        Some(local) => {
            let number = local.split('.').next().unwrap_or(local);
            Path::new("/tmp/.X11-unix")
                .join(format!("X{number}"))
                .exists()
        }
        None => true,
    }
}
