//! The test host as a command:
//!
//! - `clap-test-host <bundle.clap> [plugin-id]`: lists the bundle's plugins and, for each (or
//!   only `plugin-id`), its extensions, parameters, audio ports and port configurations;
//! - `clap-test-host run <bundle.clap> <plugin-id>`: one instance processing a quiet sine in
//!   real time; prints the parameter events the plugin emits and takes `set <key> <value>` /
//!   `quit` on stdin (see [`run`]).

mod run;

use std::process::ExitCode;

use clap_test_host::{Bundle, Error};

/// Plugin extensions the listing probes for.
const KNOWN_EXTENSIONS: [&str; 12] = [
    "clap.params",
    "clap.state",
    "clap.audio-ports",
    "clap.audio-ports-config",
    "clap.configurable-audio-ports",
    "clap.gui",
    "clap.latency",
    "clap.tail",
    "clap.render",
    "clap.note-ports",
    "clap.remote-controls",
    "clap.track-info",
];

fn describe(bundle: &Bundle, id: &str) -> Result<(), Error> {
    let mut plugin = bundle.instantiate(id)?;
    println!("{id}");
    let extensions: Vec<&str> = KNOWN_EXTENSIONS
        .into_iter()
        .filter(|ext| plugin.has_extension(ext))
        .collect();
    println!("  extensions: {}", extensions.join(", "));
    println!("  parameters:");
    for info in plugin.param_infos()? {
        let value = plugin.param_value(info.id).unwrap_or(f64::NAN);
        let text = plugin.value_to_text(info.id, value).unwrap_or_default();
        println!(
            "    {:>10} {:<12} {}..{} default {} = {value} ({text}) {:?}",
            info.id, info.name, info.min, info.max, info.default, info.flags
        );
    }
    for (label, is_input) in [("inputs", true), ("outputs", false)] {
        println!("  audio {label}:");
        for port in plugin.audio_ports(is_input) {
            println!(
                "    #{} {:?}: {} ch {}",
                port.id, port.name, port.channel_count, port.port_type
            );
        }
    }
    println!("  port configs:");
    for config in plugin.port_configs() {
        println!(
            "    #{} {:?}: in {:?} out {:?}",
            config.id, config.name, config.main_input_channels, config.main_output_channels
        );
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [mode, path, id] if mode == "run" => run::run(path, id),
        [path] | [path, _] if path != "run" => list(path, args.get(1)),
        _ => {
            eprintln!(
                "usage: clap-test-host <bundle.clap> [plugin-id]\n       clap-test-host run <bundle.clap> <plugin-id>"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// The listing: every plugin of the bundle, or only `id`.
fn list(path: &str, id: Option<&String>) -> Result<(), Error> {
    Bundle::load(path).and_then(|bundle| {
        let ids: Vec<String> = match id {
            Some(id) => vec![id.clone()],
            None => bundle.plugins()?.into_iter().map(|p| p.id).collect(),
        };
        ids.iter().try_for_each(|id| describe(&bundle, id))
    })
}
