//! The standalone app's own command-line flags. Everything else passes through to nice-plug's standalone
//! wrapper (`-b dummy`, `-r 48000`, `-p 512`, …).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use bridge_ws::ServerConfig;
use clap::Parser;

/// The app's flags (program name, version and description: [`command`]).
#[derive(Debug, Parser)]
#[command(
    after_help = "Every other option is nice-plug's standalone option and passes through \
                  unchanged: -b/--backend auto|jack|alsa|dummy, -r/--sample-rate, \
                  -p/--period-size, … (listed below)."
)]
pub struct Cli {
    /// Headless: no editor window, the UI is reached through the browser (http://HOST:PORT/).
    /// Runs until Ctrl+C or SIGTERM.
    #[arg(long)]
    pub dev_server: bool,
    /// Port of the WebSocket (/ws) and UI (/) server.
    #[arg(long, default_value_t = 9000)]
    pub port: u16,
    /// Address to listen on; a non-loopback address needs --token.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// A browser origin allowed besides the server's own and Vite's dev server
    /// (http://localhost:5173); repeatable.
    #[arg(long = "allow-origin", value_name = "URL")]
    pub allow_origins: Vec<String>,
    /// Clients must present this token (?token=T or Authorization: Bearer T).
    #[arg(long)]
    pub token: Option<String>,
}

impl Cli {
    /// The server configuration these flags describe.
    pub fn server_config(&self) -> ServerConfig {
        ServerConfig {
            addr: SocketAddr::new(self.bind, self.port),
            token: self.token.clone(),
            allowed_origins: self.allow_origins.clone(),
            close_grace: bridge_ws::DEFAULT_CLOSE_GRACE,
            limits: bridge_ws::Limits::default(),
            assets: ui_assets::Assets::new(&[], ""),
        }
    }
}

/// The flags as `program` (the plugin `name`, `version`) presents them.
pub fn command(program: &str, name: &str, version: &'static str) -> clap::Command {
    use clap::CommandFactory;
    Cli::command()
        .name(program.to_owned())
        .version(version)
        .about(format!(
            "{name} standalone: the plugin on JACK/ALSA/dummy audio, with its UI served over \
             WebSocket and HTTP on one port"
        ))
}

/// Parses `ours` ([`Split::ours`]) or exits with clap's message.
pub fn parse(ours: &[String], name: &str, version: &'static str) -> Cli {
    use clap::FromArgMatches;
    let program = ours.first().map_or("standalone", String::as_str);
    let matches = command(program, name, version).get_matches_from(ours);
    Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit())
}

/// The command line split into the app's flags and nice-plug's.
pub struct Split {
    /// Program name and the app's flags, for [`Cli`].
    pub ours: Vec<String>,
    /// Program name and everything else, for nice-plug.
    pub theirs: Vec<String>,
    /// `-h` / `--help` was given.
    pub help: bool,
}

/// Flags of ours that take a value.
const WITH_VALUE: [&str; 4] = ["--port", "--bind", "--allow-origin", "--token"];
/// Flags of ours without a value.
const SWITCHES: [&str; 2] = ["--dev-server", "--version"];

/// Splits `args` (program name first) into ours and nice-plug's.
pub fn split(args: impl IntoIterator<Item = String>) -> Split {
    let mut args = args.into_iter();
    let program = args.next().unwrap_or_else(|| "standalone".into());
    let mut split = Split {
        ours: vec![program.clone()],
        theirs: vec![program],
        help: false,
    };
    while let Some(arg) = args.next() {
        let name = arg.split_once('=').map_or(arg.as_str(), |(name, _)| name);
        if arg == "-h" || arg == "--help" {
            split.help = true;
        } else if SWITCHES.contains(&arg.as_str()) {
            split.ours.push(arg);
        } else if WITH_VALUE.contains(&name) {
            let has_value = arg.contains('=');
            split.ours.push(arg);
            if !has_value && let Some(value) = args.next() {
                split.ours.push(value);
            }
        } else {
            split.theirs.push(arg);
        }
    }
    split
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn splits_ours_from_nice_plugs() {
        let split = split(strings(&[
            "app",
            "-b",
            "dummy",
            "--dev-server",
            "--port",
            "9100",
            "-p",
            "128",
            "--allow-origin=http://a.example",
            "--token",
            "t",
        ]));
        assert_eq!(
            split.ours,
            strings(&[
                "app",
                "--dev-server",
                "--port",
                "9100",
                "--allow-origin=http://a.example",
                "--token",
                "t"
            ])
        );
        assert_eq!(split.theirs, strings(&["app", "-b", "dummy", "-p", "128"]));
        let cli = Cli::try_parse_from(split.ours).unwrap();
        assert!(cli.dev_server);
        assert_eq!(cli.server_config().addr.to_string(), "127.0.0.1:9100");
        assert_eq!(cli.allow_origins, ["http://a.example"]);
    }
}
