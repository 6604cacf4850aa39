//! The Webstrip CLAP bundle against a real CLAP host.
//!
//! The bundle comes from `$WEBSTRIP_CLAP`, else `<workspace>/target/bundled/Webstrip.clap`
//! (`cargo xtask bundle webstrip --features assert_process_allocs`, a debug build: the
//! allocation test requires both).

use std::collections::HashMap;
use std::f64::consts::{FRAC_PI_4, TAU};
use std::path::Path;

use clap_test_host::{Bundle, Instance, LogSeverity, ParamEvent, ParamInfo, ParamRescanFlags};
use webstrip_tests::paths::{PLUGIN_ID, bundle_path};
use webstrip_tests::worker;

const RAMP_SECONDS: f64 = 0.02;

// ----- locating and opening the bundle --------------------------------------------------------

fn open() -> Instance {
    let bundle = Bundle::load(bundle_path()).expect("load the bundle");
    bundle.instantiate(PLUGIN_ID).expect("instantiate Webstrip")
}

// ----- the plugin's parameters ----------------------------------------------------------------

/// `(string id, display name)` of every parameter.
const PARAMS: [(&str, &str); 13] = [
    ("input", "Input"),
    ("output", "Output"),
    ("pan", "Pan"),
    ("width", "Width"),
    ("invert_l", "Invert L"),
    ("invert_r", "Invert R"),
    ("mute", "Mute"),
    ("bypass", "Bypass"),
    ("tone", "Tone"),
    ("tone_level", "Tone Level"),
    ("mono", "Mono"),
    ("swap", "Swap L/R"),
    ("dc_filter", "DC Filter"),
];

/// nice-plug's CLAP/VST3 parameter id: a 31-bit hash of the string id.
fn nice_hash(id: &str) -> u32 {
    id.bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        & !(1 << 31)
}

/// CLAP id by string id.
fn id(name: &str) -> u32 {
    assert!(PARAMS.iter().any(|(p, _)| *p == name), "unknown {name}");
    nice_hash(name)
}

/// A linear float parameter's CLAP value (normalized) for a plain value.
fn lin(plain: f64, min: f64, max: f64) -> f64 {
    (plain - min) / (max - min)
}

/// A gain's CLAP value on its symmetrically skewed law: 0 dB at 0.5, each half `p^0.5` from
/// the centre (nice-plug's `FloatRange::SymmetricalSkewed`, factor 0.5), so a quarter of the way
/// from the centre is a sixteenth of that half's range.
fn centred_db(db: f64, min: f64, max: f64) -> f64 {
    let (p, centre) = (lin(db, min, max), lin(0.0, min, max));
    if p > centre {
        0.5 + 0.5 * ((p - centre) / (1.0 - centre)).sqrt()
    } else {
        0.5 - 0.5 * ((centre - p) / centre).sqrt()
    }
}

fn input_db(db: f64) -> f64 {
    centred_db(db, -24.0, 24.0)
}
fn output_db(db: f64) -> f64 {
    centred_db(db, -60.0, 12.0)
}
fn pan(p: f64) -> f64 {
    lin(p, -100.0, 100.0)
}
fn width(w: f64) -> f64 {
    lin(w, 0.0, 200.0)
}
fn tone_level_db(db: f64) -> f64 {
    lin(db, -60.0, 0.0)
}
const TONE_OFF: f64 = 0.0;
const TONE_SINE: f64 = 1.0;
const TONE_PINK: f64 = 2.0;

fn db(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

fn set(name: &str, value: f64) -> ParamEvent {
    ParamEvent::value(0, id(name), value)
}

fn values(plugin: &mut Instance) -> HashMap<&'static str, f64> {
    PARAMS
        .iter()
        .map(|(name, _)| {
            let value = plugin
                .param_value(id(name))
                .unwrap_or_else(|| panic!("get_value({name})"));
            (*name, value)
        })
        .collect()
}

fn assert_values(plugin: &mut Instance, expected: &HashMap<&'static str, f64>, context: &str) {
    let actual = values(plugin);
    for (name, _) in PARAMS {
        let (a, e) = (actual[name], expected[name]);
        assert!(
            (a - e).abs() < 1e-6,
            "{context}: {name} is {a}, expected {e}"
        );
    }
}

/// Neither the plugin nor clack's host wrapper (which reports plugin misuse of host callbacks
/// there) logged an error through `clap.log`.
fn assert_no_errors_logged(plugin: &Instance) {
    let errors: Vec<_> = plugin
        .logs()
        .into_iter()
        .filter(|entry| entry.severity >= LogSeverity::Error)
        .collect();
    assert!(errors.is_empty(), "errors logged: {errors:?}");
}

// ----- signals --------------------------------------------------------------------------------

fn sine(hz: f64, amplitude: f64, phase: f64, sample_rate: f64, len: usize) -> Vec<f32> {
    (0..len)
        .map(|i| (amplitude * (TAU * hz * i as f64 / sample_rate + phase).sin()) as f32)
        .collect()
}

/// The default stereo test input: different sines on the two channels.
fn stereo_input(sample_rate: f64, len: usize) -> Vec<Vec<f32>> {
    vec![
        sine(1000.0, 0.5, 0.0, sample_rate, len),
        sine(700.0, 0.3, 0.3, sample_rate, len),
    ]
}

/// Processes `inputs` in blocks of `block` samples; each `(absolute sample, event)` goes into
/// the block holding that sample, at its offset there. Returns the output channels.
fn run(
    plugin: &mut Instance,
    inputs: &[Vec<f32>],
    block: usize,
    events: &[(usize, ParamEvent)],
) -> Vec<Vec<f32>> {
    let len = inputs[0].len();
    let channels = plugin.active_config().expect("active").output_channels;
    let mut outputs = vec![vec![0.0f32; len]; channels];
    let mut start = 0;
    while start < len {
        let end = (start + block).min(len);
        let block_events: Vec<ParamEvent> = events
            .iter()
            .filter(|(at, _)| (start..end).contains(at))
            .map(|&(at, event)| with_time(event, (at - start) as u32))
            .collect();
        let ins: Vec<&[f32]> = inputs.iter().map(|c| &c[start..end]).collect();
        let mut outs: Vec<&mut [f32]> = outputs.iter_mut().map(|c| &mut c[start..end]).collect();
        plugin
            .process(&ins, &mut outs, &block_events)
            .unwrap_or_else(|err| panic!("process {start}..{end}: {err}"));
        // What a host's main loop does between audio callbacks.
        plugin.run_main_thread_callbacks();
        start = end;
    }
    outputs
}

fn with_time(event: ParamEvent, time: u32) -> ParamEvent {
    match event {
        ParamEvent::Value { id, value, .. } => ParamEvent::Value { time, id, value },
        ParamEvent::Mod { id, amount, .. } => ParamEvent::Mod { time, id, amount },
        ParamEvent::GestureBegin { id, .. } => ParamEvent::GestureBegin { time, id },
        ParamEvent::GestureEnd { id, .. } => ParamEvent::GestureEnd { time, id },
    }
}

fn assert_finite(outputs: &[Vec<f32>], context: &str) {
    for (ch, channel) in outputs.iter().enumerate() {
        if let Some(i) = channel.iter().position(|x| !x.is_finite()) {
            panic!("{context}: channel {ch} sample {i} is {}", channel[i]);
        }
    }
}

/// Least-squares gain of `out` relative to `reference`.
fn gain(out: &[f32], reference: &[f32]) -> f64 {
    let (num, den) = out
        .iter()
        .zip(reference)
        .fold((0.0, 0.0), |(n, d), (&o, &r)| {
            (
                n + f64::from(o) * f64::from(r),
                d + f64::from(r) * f64::from(r),
            )
        });
    num / den
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

fn ramp_len(sample_rate: f64) -> usize {
    (RAMP_SECONDS * sample_rate).round() as usize
}

// ----- description ----------------------------------------------------------------------------

#[test]
fn describes_itself_and_its_thirteen_parameters() {
    let bundle = Bundle::load(bundle_path()).unwrap();
    let plugins = bundle.plugins().unwrap();
    let webstrip = plugins
        .iter()
        .find(|p| p.id == PLUGIN_ID)
        .expect("the factory lists org.webstrip.webstrip");
    assert_eq!(webstrip.name, "Webstrip");
    assert!(webstrip.features.iter().any(|f| f == "audio-effect"));

    let mut plugin = bundle.instantiate(PLUGIN_ID).unwrap();
    assert!(bundle.instantiate("org.webstrip.nonexistent").is_err());
    assert_eq!(plugin.param_count(), 13);
    let infos = plugin.param_infos().unwrap();
    let by_id: HashMap<u32, &ParamInfo> = infos.iter().map(|i| (i.id, i)).collect();
    assert_eq!(by_id.len(), 13, "CLAP ids are unique");
    // An index past the last parameter is refused (nice-plug 0.4.2 indexed past the end and
    // aborted the host: fixed in vendor/nice-plug).
    assert_eq!(plugin.param_info_at(12), Some(infos[12].id));
    assert_eq!(plugin.param_info_at(13), None);
    assert_eq!(plugin.param_info_at(u32::MAX), None);

    // (string id, CLAP max, CLAP default, default text)
    let expected = [
        ("input", 1.0, 0.5, "0.0 dB"),
        ("output", 1.0, 0.5, "0.0 dB"),
        ("pan", 1.0, 0.5, "C"),
        ("width", 1.0, 0.5, "100 %"),
        ("invert_l", 1.0, 0.0, "Off"),
        ("invert_r", 1.0, 0.0, "Off"),
        ("mute", 1.0, 0.0, "Off"),
        ("bypass", 1.0, 0.0, "Off"),
        ("tone", 2.0, 0.0, "Off"),
        ("tone_level", 1.0, 0.7, "-18.0 dB"),
        ("mono", 1.0, 0.0, "Off"),
        ("swap", 1.0, 0.0, "Off"),
        ("dc_filter", 1.0, 0.0, "Off"),
    ];
    for ((string_id, max, default, text), (_, name)) in expected.into_iter().zip(PARAMS) {
        let info = by_id
            .get(&nice_hash(string_id))
            .unwrap_or_else(|| panic!("no parameter with the id hashed from {string_id:?}"));
        assert_eq!(info.name, name);
        assert_eq!(info.module, "", "{name}: top-level parameter");
        assert_eq!(info.min, 0.0, "{name}");
        assert_eq!(info.max, max, "{name}");
        assert!(
            (info.default - default).abs() < 1e-6,
            "{name} default {}",
            info.default
        );
        assert!(
            info.flags
                .contains(clap_test_host::ParamInfoFlags::IS_AUTOMATABLE)
        );
        assert_eq!(
            info.is_bypass(),
            string_id == "bypass",
            "{name} bypass flag"
        );
        let discrete = matches!(
            string_id,
            "invert_l" | "invert_r" | "mute" | "bypass" | "tone" | "mono" | "swap" | "dc_filter"
        );
        assert_eq!(info.is_stepped(), discrete, "{name} stepped flag");
        let value = plugin.param_value(info.id).unwrap();
        assert!(
            (value - default).abs() < 1e-6,
            "{name} starts at its default"
        );
        assert_eq!(plugin.value_to_text(info.id, value).as_deref(), Some(text));
    }
    assert_eq!(
        plugin.value_to_text(id("tone"), TONE_SINE).as_deref(),
        Some("Sine 1 kHz")
    );
    assert_eq!(
        plugin.value_to_text(id("tone"), TONE_PINK).as_deref(),
        Some("Pink noise")
    );
    // The texts a mix engineer writes, as the host's generic UI and automation lanes show them.
    for (name, value, text) in [
        ("input", 0.0, "-24.0 dB"),
        ("input", input_db(1.5), "+1.5 dB"),
        ("input", 0.25, "-6.0 dB"),
        ("output", 1.0, "+12.0 dB"),
        ("output", 0.75, "+3.0 dB"),
        ("pan", 0.0, "100L"),
        ("pan", pan(30.0), "30R"),
        ("pan", 1.0, "100R"),
        ("width", 0.0, "0 %"),
        ("width", 1.0, "200 %"),
        ("tone_level", 0.0, "-60.0 dB"),
    ] {
        assert_eq!(
            plugin.value_to_text(id(name), value).as_deref(),
            Some(text),
            "{name} at {value}"
        );
    }
    assert_eq!(plugin.param_value(12345), None, "unknown ids have no value");
    for (name, text, value) in [
        ("input", "-6 dB", input_db(-6.0)),
        ("input", "\u{2212}6", input_db(-6.0)),
        ("input", "+3db", input_db(3.0)),
        ("output", "-inf", 0.0),
        ("pan", "30L", pan(-30.0)),
        ("pan", "L30", pan(-30.0)),
        ("pan", "-30", pan(-30.0)),
        ("pan", "30r", pan(30.0)),
        ("pan", "c", 0.5),
        ("width", "mono", 0.0),
        ("width", "150 %", width(150.0)),
    ] {
        let parsed = plugin
            .text_to_value(id(name), text)
            .unwrap_or_else(|| panic!("{name}: {text:?} refused"));
        assert!(
            (parsed - value).abs() < 1e-6,
            "{name}: {text:?} parsed as {parsed}, expected {value}"
        );
    }
    for (name, text) in [("input", "loud"), ("pan", "30X"), ("width", "wide")] {
        assert_eq!(
            plugin.text_to_value(id(name), text),
            None,
            "{name}: {text:?}"
        );
    }
    assert_eq!(
        plugin.text_to_value(id("tone"), "Pink noise"),
        Some(TONE_PINK)
    );

    let ports_in = plugin.audio_ports(true);
    let ports_out = plugin.audio_ports(false);
    assert_eq!(ports_in.len(), 1);
    assert_eq!(ports_out.len(), 1);
    assert_eq!(
        (ports_in[0].channel_count, ports_in[0].port_type.as_str()),
        (2, "stereo")
    );
    assert_eq!(
        (ports_out[0].channel_count, ports_out[0].port_type.as_str()),
        (2, "stereo")
    );
    assert!(ports_in[0].is_main && ports_out[0].is_main);
    for ext in [
        "clap.params",
        "clap.state",
        "clap.audio-ports",
        "clap.audio-ports-config",
    ] {
        assert!(plugin.has_extension(ext), "{ext} missing");
    }
    assert!(!plugin.has_extension("clap.no-such-extension"));
    assert_eq!(ports_in[0].in_place_pair, Some(ports_out[0].id));
    assert_no_errors_logged(&plugin);
}

// ----- activation and processing --------------------------------------------------------------

#[test]
fn activates_and_processes_at_44k1_and_96k_in_every_block_size() {
    let target = db(-6.0);
    let mut plugin = open();
    for sample_rate in [44_100.0, 96_000.0] {
        for block in [1usize, 2, 3, 64, 511, 512, 1024, 4096] {
            let context = format!("{sample_rate} Hz, blocks of {block}");
            plugin.flush(&[set("input", input_db(0.0))]).unwrap();
            plugin.activate(sample_rate, 1, block as u32).unwrap();
            plugin.start_processing().unwrap();

            // The trim changes to −6 dB in the middle of the first block.
            let at = block / 2;
            let settled = at + ramp_len(sample_rate);
            let len = (settled + (0.03 * sample_rate) as usize).div_ceil(block) * block;
            let inputs = stereo_input(sample_rate, len);
            let outputs = run(
                &mut plugin,
                &inputs,
                block,
                &[(at, set("input", input_db(-6.0)))],
            );
            assert_finite(&outputs, &context);
            for ch in 0..2 {
                let g = gain(&outputs[ch][settled..], &inputs[ch][settled..]);
                assert!(
                    (g / target - 1.0).abs() < 0.001,
                    "{context}: channel {ch} gain {g}, expected {target}"
                );
                let worst = outputs[ch][settled..]
                    .iter()
                    .zip(&inputs[ch][settled..])
                    .map(|(&o, &i)| (f64::from(o) - target * f64::from(i)).abs())
                    .fold(0.0, f64::max);
                assert!(worst < 1e-5, "{context}: channel {ch} deviates by {worst}");
            }
            assert!((plugin.param_value(id("input")).unwrap() - input_db(-6.0)).abs() < 1e-6);
            plugin.stop_processing().unwrap();
            plugin.deactivate().unwrap();
        }
    }
    assert_no_errors_logged(&plugin);
}

#[test]
fn parameters_set_by_flush_read_back_and_are_audible() {
    let mut plugin = open();
    // Inactive flush: every parameter away from its default.
    let all = [
        ("input", input_db(-6.0), "-6.0 dB"),
        ("output", output_db(-12.0), "-12.0 dB"),
        ("pan", pan(50.0), "50R"),
        ("width", width(50.0), "50 %"),
        ("invert_l", 1.0, "On"),
        ("invert_r", 1.0, "On"),
        ("mute", 1.0, "On"),
        ("bypass", 1.0, "On"),
        ("tone", TONE_PINK, "Pink noise"),
        ("tone_level", tone_level_db(-30.0), "-30.0 dB"),
        ("mono", 1.0, "On"),
        ("swap", 1.0, "On"),
        ("dc_filter", 1.0, "On"),
    ];
    let events: Vec<ParamEvent> = all.iter().map(|&(n, v, _)| set(n, v)).collect();
    let echoed = plugin.flush(&events).unwrap();
    assert!(
        echoed.is_empty(),
        "host changes are not echoed back: {echoed:?}"
    );
    for (name, value, text) in all {
        let read = plugin.param_value(id(name)).unwrap();
        assert!(
            (read - value).abs() < 1e-6,
            "{name}: read {read}, set {value}"
        );
        assert_eq!(
            plugin.value_to_text(id(name), read).as_deref(),
            Some(text),
            "{name}"
        );
    }

    // Active (processing stopped) flush: back to an audible, generator-free setting.
    let sample_rate = 48_000.0;
    plugin.activate(sample_rate, 1, 256).unwrap();
    plugin
        .flush(&[
            set("mute", 0.0),
            set("bypass", 0.0),
            set("tone", TONE_OFF),
            set("mono", 0.0),
            set("swap", 0.0),
            set("dc_filter", 0.0),
        ])
        .unwrap();
    for name in ["mute", "bypass", "tone", "mono", "swap", "dc_filter"] {
        assert_eq!(plugin.param_value(id(name)), Some(0.0), "{name}");
    }
    plugin.start_processing().unwrap();
    let len = 4800;
    let inputs = stereo_input(sample_rate, len);
    let outputs = run(&mut plugin, &inputs, 256, &[]);
    assert_finite(&outputs, "flushed settings");
    // −6 dB − 12 dB, both channels inverted, width 50 %, balance +50 (left at cos(π/4)).
    let g = db(-18.0);
    let (same, cross) = (0.75, 0.25);
    let left_balance = FRAC_PI_4.cos();
    let from = ramp_len(sample_rate);
    for i in from..len {
        let (l, r) = (-f64::from(inputs[0][i]) * g, -f64::from(inputs[1][i]) * g);
        let expected = [left_balance * (same * l + cross * r), cross * l + same * r];
        for ch in 0..2 {
            let got = f64::from(outputs[ch][i]);
            assert!(
                (got - expected[ch]).abs() < 1e-5,
                "sample {i} channel {ch}: {got}, expected {}",
                expected[ch]
            );
        }
    }

    // Flush between two process calls while processing: mute.
    plugin.flush(&[set("mute", 1.0)]).unwrap();
    assert_eq!(plugin.param_value(id("mute")), Some(1.0));
    let outputs = run(&mut plugin, &inputs, 256, &[]);
    for (ch, channel) in outputs.iter().enumerate() {
        assert!(
            channel[..10].iter().any(|&x| x != 0.0),
            "channel {ch} ramps down"
        );
        assert!(
            channel[from..].iter().all(|&x| x == 0.0),
            "channel {ch} muted"
        );
    }
}

/// `(left in, right in) → (left out, right out)`.
type Law = fn(f64, f64) -> (f64, f64);

/// One parameter change sent as a process event, and what the output must become.
struct Case {
    name: &'static str,
    value: f64,
    /// The matrix law, or `None` for the generator cases.
    law: Option<Law>,
    /// For generator cases: the RMS of `output − input` on each channel.
    residual_rms: f64,
}

#[test]
fn parameters_set_by_process_events_read_back_and_are_audible() {
    let sample_rate = 48_000.0;
    let block = 480;
    let sine_rms = |level_db: f64| db(level_db) / 2f64.sqrt();
    let cases = [
        Case {
            name: "input",
            value: input_db(-6.0),
            law: Some(|l, r| (l * db(-6.0), r * db(-6.0))),
            residual_rms: 0.0,
        },
        Case {
            name: "output",
            value: output_db(-12.0),
            law: Some(|l, r| (l * db(-12.0), r * db(-12.0))),
            residual_rms: 0.0,
        },
        Case {
            name: "pan",
            value: pan(50.0),
            law: Some(|l, r| (l * FRAC_PI_4.cos(), r)),
            residual_rms: 0.0,
        },
        Case {
            name: "pan",
            value: pan(-100.0),
            law: Some(|l, _| (l, 0.0)),
            residual_rms: 0.0,
        },
        Case {
            name: "width",
            value: width(0.0),
            law: Some(|l, r| ((l + r) / 2.0, (l + r) / 2.0)),
            residual_rms: 0.0,
        },
        Case {
            name: "width",
            value: width(200.0),
            law: Some(|l, r| (1.5 * l - 0.5 * r, 1.5 * r - 0.5 * l)),
            residual_rms: 0.0,
        },
        Case {
            name: "invert_l",
            value: 1.0,
            law: Some(|l, r| (-l, r)),
            residual_rms: 0.0,
        },
        Case {
            name: "invert_r",
            value: 1.0,
            law: Some(|l, r| (l, -r)),
            residual_rms: 0.0,
        },
        Case {
            name: "mute",
            value: 1.0,
            law: Some(|_, _| (0.0, 0.0)),
            residual_rms: 0.0,
        },
        Case {
            name: "mono",
            value: 1.0,
            law: Some(|l, r| ((l + r) / 2.0, (l + r) / 2.0)),
            residual_rms: 0.0,
        },
        Case {
            name: "swap",
            value: 1.0,
            law: Some(|l, r| (r, l)),
            residual_rms: 0.0,
        },
        Case {
            name: "tone",
            value: TONE_SINE,
            law: None,
            residual_rms: sine_rms(-18.0),
        },
        Case {
            name: "tone",
            value: TONE_PINK,
            law: None,
            residual_rms: sine_rms(-18.0),
        },
    ];
    for case in &cases {
        let context = format!("{} = {}", case.name, case.value);
        let mut plugin = open();
        plugin.activate(sample_rate, 1, block as u32).unwrap();
        plugin.start_processing().unwrap();
        // Pink noise needs a long window for its RMS to settle.
        let measure = if case.value == TONE_PINK {
            96_000
        } else {
            2_400
        };
        let at = block + 123;
        let settled = at + ramp_len(sample_rate);
        let len = (settled + measure).div_ceil(block) * block;
        let inputs = stereo_input(sample_rate, len);
        let outputs = run(
            &mut plugin,
            &inputs,
            block,
            &[(at, set(case.name, case.value))],
        );
        assert_finite(&outputs, &context);
        // Before the change: the default settings are the identity.
        for ch in 0..2 {
            assert_eq!(
                outputs[ch][..block],
                inputs[ch][..block],
                "{context}: identity first"
            );
        }
        match case.law {
            Some(law) => {
                for i in settled..len {
                    let expected = law(f64::from(inputs[0][i]), f64::from(inputs[1][i]));
                    let got = (f64::from(outputs[0][i]), f64::from(outputs[1][i]));
                    assert!(
                        (got.0 - expected.0).abs() < 1e-5 && (got.1 - expected.1).abs() < 1e-5,
                        "{context}: sample {i} is {got:?}, expected {expected:?}"
                    );
                }
            }
            None => {
                for ch in 0..2 {
                    let residual: Vec<f32> = outputs[ch][settled..]
                        .iter()
                        .zip(&inputs[ch][settled..])
                        .map(|(o, i)| o - i)
                        .collect();
                    let ratio_db = 20.0 * (rms(&residual) / case.residual_rms).log10();
                    let tolerance = if case.value == TONE_PINK { 1.0 } else { 0.05 };
                    assert!(
                        ratio_db.abs() < tolerance,
                        "{context}: channel {ch} generator level off by {ratio_db:.3} dB"
                    );
                }
            }
        }
        let echoed = plugin.take_output_events();
        assert!(
            echoed.is_empty(),
            "{context}: host changes are not echoed: {echoed:?}"
        );
        let read = plugin.param_value(id(case.name)).unwrap();
        assert!(
            (read - case.value).abs() < 1e-6,
            "{context}: read back {read}"
        );
    }
}

#[test]
fn dc_filter_removes_an_offset_through_process_events_and_off_is_untouched() {
    let sample_rate = 48_000.0;
    let block = 480;
    let mut plugin = open();
    plugin.activate(sample_rate, 1, block as u32).unwrap();
    plugin.start_processing().unwrap();
    let len = 48_000;
    let tones = stereo_input(sample_rate, len);
    let offsets = [0.25f32, -0.125];
    let inputs: Vec<Vec<f32>> = tones
        .iter()
        .zip(offsets)
        .map(|(c, dc)| c.iter().map(|x| x + dc).collect())
        .collect();
    // The event's block is the first one filtered (the plugin applies events per block).
    let outputs = run(
        &mut plugin,
        &inputs,
        block,
        &[(block, set("dc_filter", 1.0))],
    );
    assert_finite(&outputs, "dc filter");
    for ch in 0..2 {
        assert_eq!(
            outputs[ch][..block],
            inputs[ch][..block],
            "untouched before"
        );
    }
    // The last 200 ms (whole cycles of both tones): the offset is gone, the tones are not.
    let tail = len - 9600..len;
    for ch in 0..2 {
        let out = &outputs[ch][tail.clone()];
        let mean = out.iter().map(|&x| f64::from(x)).sum::<f64>() / out.len() as f64;
        assert!(
            20.0 * (mean.abs() / f64::from(offsets[ch].abs())).log10() < -80.0,
            "channel {ch}: DC left {mean}"
        );
        let g = gain(out, &tones[ch][tail.clone()]);
        assert!(
            (20.0 * g.log10()).abs() < 0.01,
            "channel {ch}: the tone changed by {:.4} dB",
            20.0 * g.log10()
        );
    }
    assert_eq!(plugin.param_value(id("dc_filter")), Some(1.0));

    // Off again: after the fade, the samples pass bit for bit.
    let outputs = run(&mut plugin, &inputs, block, &[(100, set("dc_filter", 0.0))]);
    let from = 100 + ramp_len(sample_rate);
    for ch in 0..2 {
        assert_eq!(
            outputs[ch][from..],
            inputs[ch][from..],
            "channel {ch}: off is untouched"
        );
    }
    assert_no_errors_logged(&plugin);
}

#[test]
fn tone_level_and_bypass_act_through_process_events() {
    let sample_rate = 48_000.0;
    let block = 512;
    let mut plugin = open();
    plugin
        .flush(&[set("tone", TONE_SINE), set("output", output_db(-12.0))])
        .unwrap();
    plugin.activate(sample_rate, 1, block as u32).unwrap();
    plugin.start_processing().unwrap();
    let len = 24 * block;
    let silence = vec![vec![0.0f32; len]; 2];
    let at = 4 * block;
    let outputs = run(
        &mut plugin,
        &silence,
        block,
        &[(at, set("tone_level", tone_level_db(-6.0)))],
    );
    assert_finite(&outputs, "tone level");
    let before = rms(&outputs[0][block..at]);
    let after = rms(&outputs[0][at + ramp_len(sample_rate)..]);
    // Sine at −18 dB, then −6 dB, both through the output gain of −12 dB.
    assert!(
        (20.0 * (before / (db(-30.0) / 2f64.sqrt())).log10()).abs() < 0.05,
        "before {before}"
    );
    assert!(
        (20.0 * (after / (db(-18.0) / 2f64.sqrt())).log10()).abs() < 0.05,
        "after {after}"
    );

    // Bypass: the input passes untouched, generator and output gain included.
    let inputs = stereo_input(sample_rate, len);
    let outputs = run(&mut plugin, &inputs, block, &[(100, set("bypass", 1.0))]);
    let from = 100 + ramp_len(sample_rate);
    for ch in 0..2 {
        assert_eq!(
            outputs[ch][from..],
            inputs[ch][from..],
            "bypass is the identity"
        );
    }
    assert_eq!(plugin.param_value(id("bypass")), Some(1.0));
}

// ----- state ----------------------------------------------------------------------------------

fn non_default_events() -> Vec<ParamEvent> {
    vec![
        set("input", input_db(7.5)),
        set("output", output_db(-20.0)),
        set("pan", pan(-30.0)),
        set("width", width(140.0)),
        set("invert_l", 1.0),
        set("invert_r", 0.0),
        set("mute", 1.0),
        set("bypass", 0.0),
        set("tone", TONE_SINE),
        set("tone_level", tone_level_db(-42.0)),
        set("mono", 1.0),
        set("swap", 0.0),
        set("dc_filter", 1.0),
    ]
}

fn other_events() -> Vec<ParamEvent> {
    vec![
        set("input", input_db(-3.0)),
        set("output", output_db(6.0)),
        set("pan", pan(80.0)),
        set("width", width(10.0)),
        set("invert_l", 0.0),
        set("invert_r", 1.0),
        set("mute", 0.0),
        set("bypass", 1.0),
        set("tone", TONE_PINK),
        set("tone_level", tone_level_db(-6.0)),
        set("mono", 0.0),
        set("swap", 1.0),
        set("dc_filter", 0.0),
    ]
}

#[test]
fn state_round_trips_into_the_same_and_a_fresh_instance() {
    let mut first = open();
    first.flush(&non_default_events()).unwrap();
    let saved_values = values(&mut first);
    let state = first.save_state().unwrap();
    assert!(state.len() > 8, "state has content");

    first.flush(&other_events()).unwrap();
    let other_values = values(&mut first);
    for (name, _) in PARAMS {
        assert_ne!(saved_values[name], other_values[name], "{name} was changed");
    }
    assert!(
        first.load_state(&state).unwrap(),
        "the plugin accepts its own state"
    );
    assert_values(&mut first, &saved_values, "same instance after load");
    assert!(
        first
            .record()
            .param_rescans()
            .iter()
            .any(|f| f.contains(ParamRescanFlags::VALUES)),
        "a state load asks the host to rescan values: {:?}",
        first.record().param_rescans()
    );

    let mut fresh = open();
    assert!(fresh.load_state(&state).unwrap());
    assert_values(&mut fresh, &saved_values, "fresh instance after load");
    assert_eq!(
        fresh.save_state().unwrap(),
        state,
        "saving again gives the same bytes"
    );

    // Loading while active and processing also applies (and is audible).
    let mut active = open();
    active.activate(48_000.0, 1, 512).unwrap();
    active.start_processing().unwrap();
    let inputs = stereo_input(48_000.0, 2048);
    run(&mut active, &inputs, 512, &[]);
    assert!(active.load_state(&state).unwrap());
    assert_values(&mut active, &saved_values, "active instance after load");
    let outputs = run(&mut active, &inputs, 512, &[]);
    // The saved state mutes the strip.
    assert!(
        outputs.iter().all(|c| c[1024..].iter().all(|&x| x == 0.0)),
        "muted"
    );
    for plugin in [&first, &fresh, &active] {
        assert_no_errors_logged(plugin);
    }
}

fn with_length_prefix(json: &[u8]) -> Vec<u8> {
    let mut blob = (json.len() as u64).to_le_bytes().to_vec();
    blob.extend_from_slice(json);
    blob
}

#[test]
fn corrupt_state_is_refused_and_changes_nothing() {
    let mut plugin = open();
    plugin.flush(&non_default_events()).unwrap();
    let before = values(&mut plugin);
    let good = plugin.save_state().unwrap();
    let json = &good[8..];
    assert_eq!(
        u64::from_le_bytes(good[..8].try_into().unwrap()) as usize,
        json.len(),
        "nice-plug's CLAP state is a little-endian u64 length followed by JSON"
    );
    assert_eq!(json.first(), Some(&b'{'));

    let garbage: Vec<u8> = (0..1000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("short length", vec![1, 2, 3]),
        ("garbage", garbage.clone()),
        ("huge length", [&u64::MAX.to_le_bytes()[..], json].concat()),
        ("garbage with a valid length", with_length_prefix(&garbage)),
        ("length only", with_length_prefix(b"")),
        ("truncated stream", good[..8 + json.len() / 2].to_vec()),
        (
            "truncated JSON",
            with_length_prefix(&json[..json.len() / 2]),
        ),
        ("JSON array", with_length_prefix(b"[1, 2, 3]")),
        ("JSON string", with_length_prefix(b"\"webstrip\"")),
        ("JSON null", with_length_prefix(b"null")),
        ("unrelated object", with_length_prefix(br#"{"foo": 1}"#)),
        (
            "params not a map",
            with_length_prefix(br#"{"version": "0.3.0", "params": 5, "fields": {}}"#),
        ),
        (
            "no fields",
            with_length_prefix(br#"{"version": "0.3.0", "params": {}}"#),
        ),
        (
            "unknown value type",
            with_length_prefix(
                br#"{"version": "0.3.0", "params": {"input": {"f64": 1.0}}, "fields": {}}"#,
            ),
        ),
        ("raw JSON without length", json.to_vec()),
    ];
    for (label, blob) in &cases {
        let accepted = plugin.load_state(blob).unwrap();
        assert!(!accepted, "{label}: the plugin accepted a corrupt state");
        assert_values(&mut plugin, &before, label);
    }

    // Still healthy: processes finite audio and still loads a good state.
    plugin.activate(48_000.0, 1, 256).unwrap();
    plugin.start_processing().unwrap();
    let outputs = run(&mut plugin, &stereo_input(48_000.0, 1024), 256, &[]);
    assert_finite(&outputs, "after corrupt loads");
    assert!(plugin.load_state(&good).unwrap());
    assert_no_errors_logged(&plugin);
}

#[test]
fn well_formed_state_with_wrong_entries_changes_nothing() {
    // These match nice-plug's state schema, so its CLAP load reports success whatever the
    // plugin's `filter_state` does with them: the requirement is that no parameter changes and
    // nothing breaks.
    let mut plugin = open();
    plugin.flush(&non_default_events()).unwrap();
    let before = values(&mut plugin);
    for json in [
        &br#"{"version": "0.3.0", "params": {}, "fields": {}}"#[..],
        br#"{"version": "0.3.0", "params": {"nope": {"f32": 1.0}}, "fields": {}}"#,
        br#"{"version": "0.3.0", "params": {"input": {"bool": true}, "mute": {"f32": 0.0}}, "fields": {}}"#,
        br#"{"version": "0.3.0", "params": {"tone": {"string": "no_such_tone"}}, "fields": {}}"#,
    ] {
        let label = String::from_utf8_lossy(json);
        plugin.load_state(&with_length_prefix(json)).unwrap();
        assert_values(&mut plugin, &before, &label);
    }
}

/// Loads a state with one out-of-range entry for `name` and checks that the plugin either
/// refused it or applied an in-range value: it behaves exactly like an instance with `name`
/// unchanged or set to one of `in_range` (CLAP values), and saving its state still works.
fn assert_sanitized(entry: &str, name: &str, in_range: &[f64]) {
    let sample_rate = 48_000.0;
    let inputs = stereo_input(sample_rate, 4096);
    let render = |plugin: &mut Instance| {
        plugin.activate(sample_rate, 1, 512).unwrap();
        plugin.start_processing().unwrap();
        let outputs = run(plugin, &inputs, 512, &[]);
        plugin.deactivate().unwrap();
        outputs
    };
    let prepare = || {
        let mut plugin = open();
        plugin.flush(&[set("tone", TONE_SINE)]).unwrap();
        plugin
    };

    let mut plugin = prepare();
    let json = format!(r#"{{"version": "0.3.0", "params": {{{entry}}}, "fields": {{}}}}"#);
    let accepted = plugin
        .load_state(&with_length_prefix(json.as_bytes()))
        .unwrap();
    let context = format!("{entry} (accepted: {accepted})");
    for info in plugin.param_infos().unwrap() {
        let value = plugin.param_value(info.id).unwrap();
        assert!(
            (info.min..=info.max).contains(&value),
            "{context}: {} = {value}",
            info.name
        );
    }
    plugin.save_state().unwrap();
    let outputs = render(&mut plugin);
    assert_finite(&outputs, &context);

    let mut references = vec![render(&mut prepare())];
    for &value in in_range {
        let mut reference = prepare();
        reference.flush(&[set(name, value)]).unwrap();
        references.push(render(&mut reference));
    }
    let matches = |reference: &Vec<Vec<f32>>| {
        reference
            .iter()
            .zip(&outputs)
            .all(|(r, o)| r.iter().zip(o).all(|(a, b)| (a - b).abs() < 1e-6))
    };
    assert!(
        references.iter().any(matches),
        "{context}: the output matches neither the unchanged nor a clamped {name}"
    );
}

#[test]
fn out_of_range_floats_in_a_state_are_kept_in_range() {
    // A hand-edited or foreign session may carry values outside a parameter's range.
    let cases = [
        (r#""input": {"f32": 30.0}"#, "input", 1.0),
        (r#""input": {"f32": 1000.0}"#, "input", 1.0),
        (r#""output": {"f32": 1e30}"#, "output", 1.0),
        (r#""width": {"f32": -500.0}"#, "width", 0.0),
        (r#""pan": {"f32": 300.0}"#, "pan", 1.0),
        (r#""tone_level": {"f32": 90.0}"#, "tone_level", 1.0),
    ];
    for (entry, name, clamped) in cases {
        assert_sanitized(entry, name, &[clamped]);
    }
}

/// Runs `worker` (one of the `worker_*` tests) in a child process (`worker`): returns its stdout.
fn run_worker(worker: &str) -> String {
    let mut command = worker::command(worker);
    command.env("WEBSTRIP_CLAP", bundle_path());
    worker::run(worker, command, String::new)
}

#[test]
fn out_of_range_enum_in_a_state_does_not_crash_the_host() {
    run_worker("worker_out_of_range_enum");
}

#[test]
fn worker_out_of_range_enum() {
    if !worker::is_worker("worker_out_of_range_enum") {
        return;
    }
    for index in [3, 7, -1] {
        let entry = format!(r#""tone": {{"i32": {index}}}"#);
        assert_sanitized(&entry, "tone", &[TONE_OFF, TONE_PINK]);
    }
    println!("{}", worker::DONE);
}

#[test]
fn survives_being_unloaded_while_threads_that_used_it_exit() {
    run_worker("worker_parallel_unload");
}

#[test]
fn worker_parallel_unload() {
    if !worker::is_worker("worker_parallel_unload") {
        return;
    }
    // Hosts and validators that scan or test plugins on worker threads load and unload the
    // library many times; each round loads it afresh (not pinned) on four threads.
    let path = bundle_path();
    for _ in 0..200 {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let bundle = Bundle::load_transient(&path).unwrap();
                    let mut plugin = bundle.instantiate(PLUGIN_ID).unwrap();
                    plugin.activate(48_000.0, 1, 64).unwrap();
                    plugin.start_processing().unwrap();
                    let input = [0.1f32; 64];
                    let (mut left, mut right) = ([0.0f32; 64], [0.0f32; 64]);
                    plugin
                        .process(&[&input, &input], &mut [&mut left, &mut right], &[])
                        .unwrap();
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
    }
    println!("{}", worker::DONE);
}

// ----- no allocation on the audio thread ------------------------------------------------------

/// nice-plug's allocation guard is compiled in only for debug builds with
/// `assert_process_allocs`; its failure message then sits in the binary's read-only data.
fn assert_guarded_build(path: &Path) {
    let bytes = std::fs::read(path).expect("read the bundle");
    let marker = b"Memory allocation of ";
    assert!(
        bytes.windows(marker.len()).any(|w| w == marker),
        "{} lacks nice-plug's allocation guard: build it in DEBUG with \
         `cargo xtask bundle webstrip --features assert_process_allocs` (no --release)",
        path.display()
    );
}

#[test]
fn process_does_not_allocate() {
    assert_guarded_build(&bundle_path());
    // An allocation aborts the process, so the work runs in a child process.
    let stdout = run_worker("worker_no_alloc");
    assert!(
        stdout.contains("WORKER_BLOCKS=560"),
        "every block ran: {stdout}"
    );
}

#[test]
fn worker_no_alloc() {
    if !worker::is_worker("worker_no_alloc") {
        return;
    }
    let sample_rate = 48_000.0;
    let mut plugin = open();
    plugin.activate(sample_rate, 1, 4096).unwrap();
    plugin.start_processing().unwrap();
    let sizes = [
        1usize, 2, 3, 7, 64, 100, 511, 512, 513, 1000, 1024, 2048, 4095, 4096,
    ];
    let inputs = stereo_input(sample_rate, 4096);
    let mut outputs = vec![vec![0.0f32; 4096]; 2];
    let mut blocks = 0usize;
    let mut events = Vec::with_capacity(64);
    for round in 0..40 {
        for (k, &size) in sizes.iter().enumerate() {
            let step = (round * sizes.len() + k) as f64;
            // Every parameter changes in every block, at spread-out offsets.
            events.clear();
            for (j, (name, _)) in PARAMS.iter().enumerate() {
                let value = match *name {
                    "invert_l" | "invert_r" | "mute" | "bypass" | "mono" | "swap" | "dc_filter" => {
                        ((round + k + j) % 2) as f64
                    }
                    "tone" => ((round + k) % 3) as f64,
                    _ => 0.5 + 0.5 * (step * 0.37 + j as f64).sin(),
                };
                let time = ((j * size) / PARAMS.len()) as u32;
                events.push(ParamEvent::value(time, id(name), value));
            }
            // Keep the strip audible half of the time so the matrix paths all run.
            if round % 2 == 0 {
                events.push(ParamEvent::value(size as u32 - 1, id("mute"), 0.0));
                events.push(ParamEvent::value(size as u32 - 1, id("bypass"), 0.0));
            }
            events.push(ParamEvent::Mod {
                time: 0,
                id: id("output"),
                amount: 0.01,
            });
            events.push(ParamEvent::GestureBegin {
                time: 0,
                id: id("pan"),
            });
            events.push(ParamEvent::GestureEnd {
                time: size as u32 - 1,
                id: id("pan"),
            });
            let ins: Vec<&[f32]> = inputs.iter().map(|c| &c[..size]).collect();
            let mut outs: Vec<&mut [f32]> = outputs.iter_mut().map(|c| &mut c[..size]).collect();
            plugin.process(&ins, &mut outs, &events).unwrap();
            assert!(
                outputs
                    .iter()
                    .all(|c| c[..size].iter().all(|x| x.is_finite()))
            );
            blocks += 1;
        }
        if round % 10 == 9 {
            plugin.stop_processing().unwrap();
            plugin.reset().unwrap();
            plugin.start_processing().unwrap();
        }
    }
    println!("WORKER_BLOCKS={blocks}");
    println!("{}", worker::DONE);
}

// ----- layouts ----------------------------------------------------------------------------------

#[test]
fn mono_layout_is_selectable_and_unsupported_layouts_are_refused() {
    let mut plugin = open();
    let configs = plugin.port_configs();
    let layouts: Vec<(Option<u32>, Option<u32>)> = configs
        .iter()
        .map(|c| (c.main_input_channels, c.main_output_channels))
        .collect();
    assert_eq!(
        layouts,
        [(Some(2), Some(2)), (Some(1), Some(1))],
        "{configs:?}"
    );
    let mono = configs[1].id;

    // Unknown configuration ids are refused and leave the layout alone.
    for bad in [2, 3, 99, 0x7fff_ffff] {
        assert!(
            !plugin.select_port_config(bad).unwrap(),
            "config {bad} accepted"
        );
        assert_eq!(plugin.audio_ports(true)[0].channel_count, 2);
        assert_eq!(plugin.audio_ports(false)[0].channel_count, 2);
    }

    assert!(plugin.select_port_config(mono).unwrap());
    for is_input in [true, false] {
        let ports = plugin.audio_ports(is_input);
        assert_eq!(ports.len(), 1);
        assert_eq!(
            (ports[0].channel_count, ports[0].port_type.as_str()),
            (1, "mono")
        );
    }

    let sample_rate = 44_100.0;
    plugin.activate(sample_rate, 1, 300).unwrap();
    let config = plugin.active_config().unwrap();
    assert_eq!((config.input_channels, config.output_channels), (1, 1));
    plugin.start_processing().unwrap();
    let len = 9000;
    let input = vec![sine(1000.0, 0.5, 0.0, sample_rate, len)];
    let events = [
        (10, set("input", input_db(-6.0))),
        (10, set("invert_l", 1.0)),
        // Width and balance do not apply to the mono layout.
        (10, set("pan", pan(-100.0))),
        (10, set("width", width(0.0))),
    ];
    let outputs = run(&mut plugin, &input, 300, &events);
    assert_eq!(outputs.len(), 1);
    assert_finite(&outputs, "mono");
    let settled = 10 + ramp_len(sample_rate);
    let g = gain(&outputs[0][settled..], &input[0][settled..]);
    assert!((g / -db(-6.0) - 1.0).abs() < 0.001, "mono gain {g}");

    // The host's buffers must match the layout.
    let stereo_in = stereo_input(sample_rate, 300);
    let (mut a, mut b) = (vec![0.0f32; 300], vec![0.0f32; 300]);
    assert!(
        plugin
            .process(&[&stereo_in[0], &stereo_in[1]], &mut [&mut a, &mut b], &[])
            .is_err()
    );
    assert!(
        plugin.select_port_config(0).is_err(),
        "no layout change while active"
    );
    plugin.deactivate().unwrap();

    assert!(plugin.select_port_config(configs[0].id).unwrap());
    assert_eq!(plugin.audio_ports(true)[0].channel_count, 2);
    plugin.activate(sample_rate, 1, 300).unwrap();
    assert_eq!(plugin.active_config().unwrap().output_channels, 2);
}
