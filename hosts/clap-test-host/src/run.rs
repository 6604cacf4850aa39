//! `clap-test-host run <bundle.clap> <plugin-id>`: one instance, processing in real time, with a
//! line protocol on stdin/stdout so that another program (the UI's in-host end-to-end test) can
//! watch the host side and automate it.
//!
//! The instance is activated at 48 kHz for blocks of 512 frames and processes one block of a
//! quiet stereo 1 kHz sine every 512/48000 s (≈ 10.7 ms), sleeping in between; the host runs
//! the plugin's main-thread callbacks each turn. Parameters are named by their key: the display
//! name in lower case with `_` for spaces (`output`, `tone_level`), which is also the
//! string id of a nice-plug plugin whose ids are its names.
//!
//! stdout, one line each, flushed:
//! - `ready <count> parameters` once processing runs;
//! - `event gesture-begin <clap-id> <key>`, `event value <clap-id> <key> <value> <text>`,
//!   `event gesture-end <clap-id> <key>` for every parameter event the plugin emits (`value` is
//!   the CLAP value, `text` the plugin's text for it);
//! - `set done <key> <value> <text>` once a `set` was processed (the value the plugin reports
//!   afterwards); `track done` once a `track` was; `error: …` for a line it cannot follow.
//!
//! stdin, one command a line:
//! - `set <key> <value>`: a `CLAP_EVENT_PARAM_VALUE` with that CLAP value (normalized 0..1 for
//!   continuous parameters, as the listing shows) in the next block;
//! - `track <name…>`: the user renamed the instance's track (CLAP `track-info`: the host's
//!   answer changes and the plugin's `changed()` is called); `track` alone: no track name;
//! - `quit`, or end of input: stop processing, deactivate, destroy the instance, exit 0.

use std::io::{BufRead, Write};
use std::sync::mpsc::{self, TryRecvError};
use std::time::{Duration, Instant};

use clap_test_host::{Bundle, Error, Instance, ParamEvent, ParamInfo};

const SAMPLE_RATE: f64 = 48_000.0;
const BLOCK: usize = 512;
const TONE_HZ: f64 = 1_000.0;
/// About -26 dBFS.
const TONE_AMPLITUDE: f64 = 0.05;

/// The key `set` and the events name a parameter by.
fn key(info: &ParamInfo) -> String {
    info.name.trim().to_lowercase().replace(' ', "_")
}

/// Writes one line to stdout and flushes it; `false` once stdout is gone.
fn say(line: &str) -> bool {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

/// What a command line asks for.
enum Command {
    Set { id: u32, value: f64 },
    Track(Option<String>),
    Quit,
}

fn parse(line: &str, params: &[ParamInfo]) -> Result<Command, String> {
    if let Some(name) = line
        .strip_prefix("track")
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))
    {
        let name = name.trim();
        return Ok(Command::Track((!name.is_empty()).then(|| name.to_owned())));
    }
    let mut words = line.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("quit"), None, ..) => Ok(Command::Quit),
        (Some("set"), Some(name), Some(value), None) => {
            let info = params
                .iter()
                .find(|p| key(p) == name.to_lowercase())
                .ok_or_else(|| format!("no parameter '{name}'"))?;
            let value: f64 = value
                .parse()
                .map_err(|_| format!("'{value}' is not a number"))?;
            if !(info.min..=info.max).contains(&value) {
                return Err(format!("{value} outside {}..={}", info.min, info.max));
            }
            Ok(Command::Set { id: info.id, value })
        }
        _ => Err(format!(
            "cannot follow '{line}' (commands: set <key> <value>, track <name>, quit)"
        )),
    }
}

/// The `event …` line for an event the plugin emitted.
fn describe(plugin: &mut Instance, params: &[ParamInfo], event: &ParamEvent) -> String {
    let id = event.id();
    let name = params
        .iter()
        .find(|p| p.id == id)
        .map_or_else(|| "?".to_owned(), key);
    match *event {
        ParamEvent::GestureBegin { .. } => format!("event gesture-begin {id} {name}"),
        ParamEvent::GestureEnd { .. } => format!("event gesture-end {id} {name}"),
        ParamEvent::Value { value, .. } => {
            let text = plugin.value_to_text(id, value).unwrap_or_default();
            format!("event value {id} {name} {value} {text}")
        }
        ParamEvent::Mod { amount, .. } => format!("event mod {id} {name} {amount}"),
    }
}

/// Runs the instance until `quit` or the end of stdin.
pub fn run(path: &str, plugin_id: &str) -> Result<(), Error> {
    let bundle = Bundle::load(path)?;
    let mut plugin = bundle.instantiate(plugin_id)?;
    let params = plugin.param_infos()?;
    plugin.activate(SAMPLE_RATE, 1, BLOCK as u32)?;
    plugin.start_processing()?;

    // Commands arrive on a thread of their own, so that reading never stalls the audio.
    let (commands, incoming) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if commands.send(line).is_err() {
                break;
            }
        }
    });

    let channels = plugin.active_config().map_or(2, |c| c.input_channels);
    let mut input = vec![0.0f32; BLOCK];
    let mut outputs = vec![vec![0.0f32; BLOCK]; channels];
    let period = Duration::from_secs_f64(BLOCK as f64 / SAMPLE_RATE);
    let mut phase = 0usize;
    let mut due = Instant::now();
    let mut pending: Vec<ParamEvent> = Vec::new();
    let mut alive = say(&format!("ready {} parameters", params.len()));
    let mut quit = false;

    while alive && !quit {
        let mut sets = Vec::new();
        while !quit {
            match incoming.try_recv() {
                Ok(line) if line.trim().is_empty() => {}
                Ok(line) => match parse(line.trim(), &params) {
                    Ok(Command::Set { id, value }) => {
                        pending.push(ParamEvent::value(0, id, value));
                        sets.push(id);
                    }
                    Ok(Command::Track(name)) => {
                        if plugin.set_track_name(name.as_deref()) {
                            alive &= say("track done");
                        } else {
                            alive &= say("error: the plugin has no clap.track-info");
                        }
                    }
                    Ok(Command::Quit) => quit = true,
                    Err(message) => alive &= say(&format!("error: {message}")),
                },
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => quit = true,
            }
        }
        // On `quit` this last block still applies the sets before it.

        plugin.run_main_thread_callbacks();
        for (i, sample) in input.iter_mut().enumerate() {
            let t = (phase + i) as f64 / SAMPLE_RATE;
            *sample = (TONE_AMPLITUDE * (std::f64::consts::TAU * TONE_HZ * t).sin()) as f32;
        }
        phase = (phase + BLOCK) % SAMPLE_RATE as usize;
        let inputs = vec![input.as_slice(); channels];
        let mut outs: Vec<&mut [f32]> = outputs.iter_mut().map(Vec::as_mut_slice).collect();
        plugin.process(&inputs, &mut outs, &pending)?;
        pending.clear();

        for event in plugin.take_output_events() {
            let line = describe(&mut plugin, &params, &event);
            alive &= say(&line);
        }
        for id in sets {
            let value = plugin.param_value(id).unwrap_or(f64::NAN);
            let text = plugin.value_to_text(id, value).unwrap_or_default();
            let name = params.iter().find(|p| p.id == id).map(key);
            alive &= say(&format!(
                "set done {} {value} {text}",
                name.unwrap_or_default()
            ));
        }

        due += period;
        let now = Instant::now();
        match due.checked_duration_since(now) {
            Some(wait) => std::thread::sleep(wait),
            // Far behind (the machine was busy): start the schedule again rather than catch up.
            None if now - due > period * 8 => due = now,
            None => {}
        }
    }

    plugin.stop_processing()?;
    plugin.deactivate()?;
    drop(plugin);
    say("bye");
    Ok(())
}
