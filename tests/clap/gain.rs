//! The toolkit's example plugin (`examples/gain`) in the real CLAP host: its one parameter, its
//! gain law on audio, its state, and processing in the `assert_process_allocs` build.
//!
//! The bundle comes from `$GAIN_CLAP`, else `<workspace>/target/bundled/Gain.clap`
//! (`cargo xtask bundle gain --features assert_process_allocs`).

// Shared with the Webstrip tests; this one needs only the workspace root.
#[allow(dead_code)]
use std::path::PathBuf;

use clap_test_host::{Bundle, Instance, ParamEvent};

const GAIN_ID: &str = "org.webstrip.gain";
const RATE: f64 = 48_000.0;
const BLOCK: usize = 256;

fn bundle_path() -> PathBuf {
    let path = std::env::var_os("GAIN_CLAP")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            webstrip_tests::paths::workspace_root().join("target/bundled/Gain.clap")
        });
    assert!(
        path.is_file(),
        "{} does not exist: run `cargo xtask bundle gain --features assert_process_allocs` \
         first, or point GAIN_CLAP at a Gain.clap",
        path.display()
    );
    path
}

fn open() -> Instance {
    let bundle = Bundle::load(bundle_path()).expect("load the bundle");
    let mut plugin = bundle.instantiate(GAIN_ID).expect("instantiate Gain");
    plugin.activate(RATE, 1, BLOCK as u32).unwrap();
    plugin.start_processing().unwrap();
    plugin
}

/// The CLAP value (normalized, linear −30…+30 dB) of `db`.
fn normalized(db: f64) -> f64 {
    (db + 30.0) / 60.0
}

/// Processes `blocks` blocks of a constant 0.25 on both channels; returns the last output sample
/// of each channel.
fn run(plugin: &mut Instance, blocks: usize, events: &[ParamEvent]) -> [f32; 2] {
    let input = [0.25f32; BLOCK];
    let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    for block in 0..blocks {
        let events = if block == 0 { events } else { &[] };
        plugin
            .process(&[&input, &input], &mut [&mut left, &mut right], events)
            .unwrap();
        plugin.run_main_thread_callbacks();
    }
    [left[BLOCK - 1], right[BLOCK - 1]]
}

#[test]
fn one_plugin_with_one_gain_parameter() {
    let bundle = Bundle::load(bundle_path()).expect("load the bundle");
    let plugins = bundle.plugins().unwrap();
    assert_eq!(plugins.len(), 1);
    assert_eq!(
        (plugins[0].id.as_str(), plugins[0].name.as_str()),
        (GAIN_ID, "Gain")
    );
    let mut plugin = bundle.instantiate(GAIN_ID).unwrap();
    let params = plugin.param_infos().unwrap();
    assert_eq!(params.len(), 1, "{params:?}");
    let gain = &params[0];
    assert_eq!(gain.name, "Gain");
    assert!((gain.default - normalized(0.0)).abs() < 1e-6, "{gain:?}");
    assert_eq!(
        plugin.value_to_text(gain.id, normalized(6.0)).as_deref(),
        Some("6.0 dB")
    );
}

#[test]
fn the_gain_scales_the_audio_by_its_decibels() {
    let mut plugin = open();
    let id = plugin.param_by_name("Gain").unwrap().id;
    // Unity by default.
    assert_eq!(run(&mut plugin, 4, &[]), [0.25, 0.25]);
    for db in [6.0, -12.0, 30.0, -30.0] {
        // 20 ms of smoothing, then the settled gain.
        let out = run(&mut plugin, 8, &[ParamEvent::value(0, id, normalized(db))]);
        let expected = 0.25 * 10f64.powf(db / 20.0);
        for sample in out {
            assert!(
                (f64::from(sample) - expected).abs() < 1e-4 * expected.max(1.0),
                "{db} dB: {sample} (expected {expected})"
            );
        }
    }
}

#[test]
fn its_state_restores_the_gain() {
    let mut plugin = open();
    let id = plugin.param_by_name("Gain").unwrap().id;
    run(
        &mut plugin,
        2,
        &[ParamEvent::value(0, id, normalized(-7.5))],
    );
    let state = plugin.save_state().unwrap();
    let mut other = open();
    assert!(other.load_state(&state).unwrap());
    let restored = other.param_value(id).unwrap();
    assert!((restored - normalized(-7.5)).abs() < 1e-6, "{restored}");
    let out = run(&mut other, 8, &[]);
    let expected = 0.25 * 10f64.powf(-7.5 / 20.0);
    assert!((f64::from(out[0]) - expected).abs() < 1e-4, "{out:?}");
}
