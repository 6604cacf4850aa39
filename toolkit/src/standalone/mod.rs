//! The standalone app of a toolkit plugin: nice-plug's standalone wrapper around the plugin, with
//! the WebSocket + HTTP server (`bridge-ws`) on each editor session's bridge. A plugin's app is
//! one line: `fn main() -> ExitCode { webui_toolkit::standalone::main::<Gain>() }`.
//!
//! - `cli.rs`: our flags (the rest passes through to nice-plug);
//! - `session.rs`: what attaches to the session: the server and the signal watcher;
//! - `signals.rs`: Ctrl+C / SIGTERM → close the session → exit 0;
//! - `window.rs`: whether the editor window can open (a display that answers, the helper).
//!
//! Without `--dev-server` the editor shows its window (the helper's top-level window; closing it
//! quits) when it can, else the app warns once and runs headless. The server runs either way.

mod cli;
mod session;
mod signals;
mod window;

use std::process::ExitCode;
use std::sync::Arc;

use bridge_ws::{Listener, StartError};

use crate::WebUi;
use crate::standalone::session::SessionStarter;

/// Runs plugin `P` as a standalone app with the process's command line; returns its exit code.
pub fn main<P: WebUi>() -> ExitCode {
    let split = cli::split(std::env::args());
    let program = split
        .ours
        .first()
        .and_then(|path| std::path::Path::new(path).file_name())
        .map_or_else(
            || P::NAME.to_owned(),
            |name| name.to_string_lossy().into_owned(),
        );
    if split.help {
        let _ = cli::command(&program, P::NAME, P::VERSION).print_help();
        println!("\nnice-plug's standalone options (passed through):\n");
        let mut theirs = split.theirs;
        theirs.push("--help".into());
        // Prints nice-plug's help and exits.
        nice_plug::prelude::nice_export_standalone_with_args::<P, _>(theirs);
        return ExitCode::SUCCESS;
    }
    let cli = cli::parse(&split.ours, P::NAME, P::VERSION);

    let config = bridge_ws::ServerConfig {
        assets: P::UI,
        ..cli.server_config()
    };
    let listener = match Listener::bind(config.clone()) {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!("{program}: {err}");
            return ExitCode::from(match err {
                StartError::AddrInUse(_) | StartError::NonLoopbackWithoutToken(_) => 2,
                _ => 1,
            });
        }
    };
    let local = listener.local_addr();
    let show_window = !cli.dev_server
        && window::usable()
            .map_err(|why| eprintln!("{program}: warning: {why}: running headless"))
            .is_ok();
    crate::editor::set_standalone_window(show_window);
    let host = if local.ip().is_unspecified() || local.ip().is_loopback() {
        format!("127.0.0.1:{}", local.port())
    } else {
        local.to_string()
    };
    let token = cli
        .token
        .as_deref()
        .map_or(String::new(), |t| format!("?token={t}"));
    let quit = if show_window {
        "close the window or Ctrl+C to quit"
    } else {
        "Ctrl+C to quit"
    };
    eprintln!("{program}: UI at http://{host}/{token} (WebSocket ws://{host}/ws); {quit}");

    let starter = Arc::new(SessionStarter::new(listener, config));
    crate::editor::sessions_set_app(move |session| starter.open(session));
    if nice_plug::prelude::nice_export_standalone_with_args::<P, _>(split.theirs) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
