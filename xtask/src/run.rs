//! `cargo xtask run [PLUGIN]`: builds the UI when it is stale, builds the plugin's standalone app
//! (`webstrip`, or the example's `gain`) and the editor helper in release mode (the UI embedded;
//! the helper lands next to the app as `<app>-editor`, where the app looks for it), starts it — its window when there is a usable display, `--dev-server`
//! (headless) otherwise — and prints the browser URL.

use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};

use crate::{cmd, deps, ui};

/// The port the app listens on unless `--port` is given.
const DEFAULT_PORT: &str = "9000";

/// The plugins with a standalone app: (name for `run`, the app's package, its binary).
const APPS: [(&str, &str, &str); 2] = [
    ("webstrip", "webstrip-standalone", "webstrip"),
    ("gain", "gain-standalone", "gain"),
];

/// Builds what is needed and runs the app with `args` (first, optionally, the plugin of [`APPS`];
/// then ours: `--port`, `--token`, …; nice-plug's: `-b dummy`, `-r`, `-p`, …).
pub fn run(args: &[String]) -> Result<()> {
    let (args, (_, package, name)) =
        match APPS.iter().find(|app| args.first() == Some(&app.0.into())) {
            Some(app) => (&args[1..], *app),
            None => (args, APPS[0]),
        };
    deps::ensure_build()?;
    ui::ensure_built()?;
    cmd::run(&mut cmd::cargo([
        "build",
        "--release",
        "-p",
        package,
        "-p",
        "webui-editor-helper",
    ]))?;
    let release = cmd::target_dir().join("release");
    let binary = release.join(name);
    let helper = ui_assets::helper_pipe::helper_file_name(name);
    std::fs::copy(
        release.join(ui_assets::helper_pipe::HELPER_BINARY),
        release.join(&helper),
    )?;

    let mut args = args.to_vec();
    if !args.iter().any(|a| a == "--dev-server") && !display_usable() {
        eprintln!("xtask: no usable display: starting headless (--dev-server)");
        args.insert(0, "--dev-server".into());
    }
    let port = flag_value(&args, "--port").unwrap_or(DEFAULT_PORT);
    let token = flag_value(&args, "--token").map_or(String::new(), |t| format!("?token={t}"));
    println!("{name}: open http://127.0.0.1:{port}/{token} in a browser (Ctrl+C quits)");
    let status = Command::new(&binary).args(&args).status()?;
    if !status.success() {
        bail!("{name} exited with {status}");
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

/// Whether a window could open: an X display (the editor is an X11 client) whose local socket
/// accepts a connection (remote X displays are trusted). The app checks the same before it opens
/// its window, and warns when it cannot.
fn display_usable() -> bool {
    let Some(display) = std::env::var("DISPLAY").ok().filter(|d| !d.is_empty()) else {
        return false;
    };
    let local = display
        .strip_prefix("unix:")
        .or_else(|| display.strip_prefix(':'));
    match local {
        Some(local) => {
            let number = local.split('.').next().unwrap_or(local);
            let path = Path::new("/tmp/.X11-unix").join(format!("X{number}"));
            UnixStream::connect(&path).is_ok() || connect_abstract(&path)
        }
        None => true,
    }
}

/// Linux X servers also listen on an abstract socket named like the file.
#[cfg(target_os = "linux")]
fn connect_abstract(path: &Path) -> bool {
    use std::os::linux::net::SocketAddrExt;
    use std::os::unix::ffi::OsStrExt;
    std::os::unix::net::SocketAddr::from_abstract_name(path.as_os_str().as_bytes())
        .and_then(|name| UnixStream::connect_addr(&name))
        .is_ok()
}

#[cfg(not(target_os = "linux"))]
fn connect_abstract(_path: &Path) -> bool {
    false
}
