//! The Webstrip standalone application: the toolkit's standalone app (nice-plug's standalone
//! wrapper, the WebSocket + HTTP server, the editor window, signals) around the plugin.

fn main() -> std::process::ExitCode {
    webui_toolkit::standalone::main::<webstrip::Webstrip>()
}
