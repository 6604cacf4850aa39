//! Loudness (BS.1770-4 / EBU R128) against the EBU's compliance cases, generated here: EBU Tech
//! 3341 (momentary, short-term, integrated, true peak; cases 1–5 and 9–19, the file-only
//! programme cases 6–8 and 20–23 are not generated) and EBU Tech 3342 (loudness range, cases 1–4;
//! 5 and 6 are programme files), each within the published tolerance (±0.1 LU for loudness,
//! +0.2/−0.4 dB for true peak, ±1 LU for the range). Then against the `ebur128` crate (a port
//! of libebur128, here a test peer only) on pink noise and programme-like material at 44.1, 48 and
//! 96 kHz. Some cases run through the real plugin's `process()` (default settings: identity).

use std::f64::consts::TAU;

use nice_plug::prelude::*;
use webstrip::Webstrip;
use webstrip::dsp::loudness::{Analyser, Loudness, k_weighting};
use webstrip::meter_source::MeterReader;
use webui_toolkit::MeterSource;

mod common;
use common::context::Context;
use nice_plug::context::process::Transport;

const SR: f32 = 48_000.0;

/// Parts of a test signal: (peak dBFS or silence, seconds).
type Parts = Vec<(Option<f64>, f64)>;

/// A stereo 1 kHz sine (peak `dbfs` per channel) in `parts` of (dBFS, seconds); `None` level:
/// silence. The phase runs on across parts.
fn tone(rate: f32, freq: f64, parts: &[(Option<f64>, f64)]) -> Vec<f32> {
    let mut out = Vec::new();
    let mut n = 0usize;
    for &(level, secs) in parts {
        let len = (secs * f64::from(rate)).round() as usize;
        let amp = level.map_or(0.0, |db| 10f64.powf(db / 20.0));
        out.extend(
            (0..len).map(|i| (amp * (TAU * freq * (n + i) as f64 / f64::from(rate)).sin()) as f32),
        );
        n += len;
    }
    out
}

fn sine(parts: &[(Option<f64>, f64)]) -> Vec<f32> {
    tone(SR, 1000.0, parts)
}

/// Feeds `channels` in blocks of `block` and calls `each` after every block.
fn feed(
    a: &mut Analyser,
    channels: &[&[f32]],
    block: usize,
    mut each: impl FnMut(&Loudness, usize),
) {
    let len = channels[0].len();
    let mut at = 0;
    while at < len {
        let end = (at + block).min(len);
        let parts: Vec<&[f32]> = channels.iter().map(|c| &c[at..end]).collect();
        a.process(&parts);
        each(&a.reading(), end);
        at = end;
    }
}

/// The reading after all of `signal` on both channels.
fn stereo(signal: &[f32]) -> Loudness {
    let mut a = Analyser::new(SR, 2);
    feed(&mut a, &[signal, signal], 512, |_, _| {});
    a.reading()
}

fn near(got: f32, want: f64, tol: f64, what: &str) {
    assert!(
        (f64::from(got) - want).abs() <= tol,
        "{what}: {got} (want {want} ± {tol})"
    );
}

#[test]
fn k_weighting_at_48k_is_the_standards_table() {
    // BS.1770-4 Annex 1, Tables 1 and 2.
    let s = k_weighting::shelf(48_000.0);
    let h = k_weighting::high_pass(48_000.0);
    let want = [
        (s.b[0], 1.53512485958697),
        (s.b[1], -2.69169618940638),
        (s.b[2], 1.19839281085285),
        (s.a[0], -1.69065929318241),
        (s.a[1], 0.73248077421585),
        (h.b[0], 1.0),
        (h.b[1], -2.0),
        (h.b[2], 1.0),
        (h.a[0], -1.99004745483398),
        (h.a[1], 0.99007225036621),
    ];
    for (i, (got, want)) in want.into_iter().enumerate() {
        assert!(
            (got - want).abs() < 1e-8,
            "coefficient {i}: {got} vs {want}"
        );
    }
}

#[test]
fn bs1770_anchor_one_channel_997_hz_at_0_dbfs_is_minus_3_01() {
    let signal = tone(SR, 997.0, &[(Some(0.0), 5.0)]);
    let mut a = Analyser::new(SR, 1);
    feed(&mut a, &[&signal], 480, |_, _| {});
    near(a.reading().integrated, -3.01, 0.1, "mono integrated");
    assert!(
        a.reading().true_peak[1].is_nan(),
        "a mono instance has one channel"
    );
}

#[test]
fn tech3341_cases_1_and_2_constant_tones() {
    for (case, level) in [(1, -23.0), (2, -33.0)] {
        let r = stereo(&sine(&[(Some(level), 20.0)]));
        near(r.momentary, level, 0.1, &format!("3341-{case} M"));
        near(r.short_term, level, 0.1, &format!("3341-{case} S"));
        near(r.integrated, level, 0.1, &format!("3341-{case} I"));
    }
}

#[test]
fn tech3341_cases_3_to_5_gates() {
    let cases: [(u32, Parts); 3] = [
        (
            3,
            vec![
                (Some(-36.0), 10.0),
                (Some(-23.0), 60.0),
                (Some(-36.0), 10.0),
            ],
        ),
        (
            4,
            vec![
                (Some(-72.0), 10.0),
                (Some(-36.0), 10.0),
                (Some(-23.0), 60.0),
                (Some(-36.0), 10.0),
                (Some(-72.0), 10.0),
            ],
        ),
        (
            5,
            vec![
                (Some(-26.0), 20.0),
                (Some(-20.0), 20.1),
                (Some(-26.0), 20.0),
            ],
        ),
    ];
    for (case, parts) in cases {
        near(
            stereo(&sine(&parts)).integrated,
            -23.0,
            0.1,
            &format!("3341-{case} I"),
        );
    }
}

#[test]
fn tech3341_case_9_short_term_constant_after_3_s() {
    let parts: Vec<_> = (0..5)
        .flat_map(|_| [(Some(-20.0), 1.34), (Some(-30.0), 1.66)])
        .collect();
    let signal = sine(&parts);
    let mut a = Analyser::new(SR, 2);
    feed(&mut a, &[&signal, &signal], 4_800, |r, at| {
        if at >= 3 * 48_000 {
            near(r.short_term, -23.0, 0.1, &format!("3341-9 S at {at}"));
        }
    });
}

#[test]
fn tech3341_case_12_momentary_constant_after_1_s() {
    let parts: Vec<_> = (0..50)
        .flat_map(|_| [(Some(-20.0), 0.18), (Some(-30.0), 0.22)])
        .collect();
    let signal = sine(&parts);
    let mut a = Analyser::new(SR, 2);
    feed(&mut a, &[&signal, &signal], 480, |r, at| {
        // At whole 100 ms (the case's reading grid, and the period's phase it was made for).
        if at >= 48_000 && at % 4_800 == 0 {
            near(r.momentary, -23.0, 0.1, &format!("3341-12 M at {at}"));
        }
    });
}

/// The largest of one reading (`pick`) over `signal` read after every `block`.
fn max_of(signal: &[f32], block: usize, pick: fn(&Loudness) -> f32) -> f32 {
    let mut a = Analyser::new(SR, 2);
    let mut max = f32::NEG_INFINITY;
    feed(&mut a, &[signal, signal], block, |r, _| {
        max = max.max(pick(r))
    });
    max
}

#[test]
fn tech3341_cases_10_and_13_bursts_at_any_offset_reach_their_level() {
    // 20 offsets of the burst against the meter's update grid, as the case's 20 files.
    for i in 0..20 {
        let offset = 1.0 + f64::from(i) * 0.0137;
        let s = sine(&[(None, offset), (Some(-23.0), 3.0), (None, 1.0)]);
        near(
            max_of(&s, 480, |r| r.short_term),
            -23.0,
            0.1,
            &format!("3341-10-{}", i + 1),
        );
        let m = sine(&[(None, offset), (Some(-23.0), 0.4), (None, 1.0)]);
        near(
            max_of(&m, 480, |r| r.momentary),
            -23.0,
            0.1,
            &format!("3341-13-{}", i + 1),
        );
    }
}

#[test]
fn tech3341_cases_11_and_14_stepped_bursts() {
    // 20 steps from −38 to −19 dBFS: for S a 3 s tone after 3 s of silence, for M 0.4 s after
    // 0.4 s; the highest reading within each step is its level.
    for (case, secs, pick) in [
        (
            11,
            3.0,
            (|r: &Loudness| r.short_term) as fn(&Loudness) -> f32,
        ),
        (14, 0.4, |r: &Loudness| r.momentary),
    ] {
        let parts: Vec<_> = (0..20)
            .flat_map(|i| [(None, secs), (Some(-38.0 + f64::from(i)), secs)])
            .collect();
        let signal = sine(&parts);
        let step = (2.0 * secs * 48_000.0) as usize;
        let mut a = Analyser::new(SR, 2);
        let mut max = f32::NEG_INFINITY;
        feed(&mut a, &[&signal, &signal], 480, |r, at| {
            max = max.max(pick(r));
            if at % step == 0 {
                let i = at / step - 1;
                near(max, -38.0 + i as f64, 0.1, &format!("3341-{case} step {i}"));
            }
        });
    }
}

#[test]
fn tech3341_cases_15_to_19_true_peak() {
    // (case, frequency as a fraction of 48 kHz, phase in degrees, peak dBFS, expected dBTP).
    for (case, div, phase, peak, want) in [
        (15, 4.0, 0.0f64, -6.0, -6.0),
        (16, 4.0, 45.0, -6.0, -6.0),
        (17, 6.0, 60.0, -6.0, -6.0),
        (18, 8.0, 67.5, -6.0, -6.0),
        (19, 4.0, 45.0, 3.0, 3.0),
    ] {
        let amp = 10f64.powf(peak / 20.0);
        let signal: Vec<f32> = (0..48_000)
            .map(|n| (amp * (TAU * n as f64 / div + phase.to_radians()).sin()) as f32)
            .collect();
        // The case is a steady sine: its first 100 ms (the step from silence, whose overshoot
        // is no part of the tone) are not counted.
        let mut a = Analyser::new(SR, 2);
        let (onset, steady) = signal.split_at(4_800);
        a.process(&[onset, onset]);
        a.reset_integrated();
        a.process(&[steady, steady]);
        let r = a.reading();
        let got = f64::from(r.true_peak_max);
        eprintln!("3341-{case}: {got:.3} dBTP");
        assert!(
            (want - 0.4..=want + 0.2).contains(&got),
            "3341-{case}: {got} dBTP (want {want} +0.2/−0.4)"
        );
        assert_eq!(r.true_peak[0], r.true_peak[1]);
    }
}

#[test]
fn tech3342_cases_1_to_4_loudness_range() {
    let cases: [(u32, Parts, f64); 4] = [
        (1, vec![(Some(-20.0), 20.0), (Some(-30.0), 20.0)], 10.0),
        (2, vec![(Some(-20.0), 20.0), (Some(-15.0), 20.0)], 5.0),
        (3, vec![(Some(-40.0), 20.0), (Some(-20.0), 20.0)], 20.0),
        (
            4,
            vec![
                (Some(-50.0), 20.0),
                (Some(-35.0), 20.0),
                (Some(-20.0), 20.0),
                (Some(-35.0), 20.0),
                (Some(-50.0), 20.0),
            ],
            15.0,
        ),
    ];
    for (case, parts, want) in cases {
        near(
            stereo(&sine(&parts)).range,
            want,
            1.0,
            &format!("3342-{case} LRA"),
        );
    }
}

#[test]
fn silence_reads_minus_infinity_and_no_range() {
    let r = stereo(&vec![0.0; 48_000 * 4]);
    assert_eq!(r.momentary, f32::NEG_INFINITY);
    assert_eq!(r.short_term, f32::NEG_INFINITY);
    assert_eq!(r.integrated, f32::NEG_INFINITY);
    assert!(r.range.is_nan());
    assert_eq!(r.true_peak_max, f32::NEG_INFINITY);
}

#[test]
fn reset_restarts_integrated_range_and_true_peak_but_not_the_windows() {
    // The loud tone ends before the reset: the true peak's interpolator looks 11 samples back.
    let loud = sine(&[(Some(-10.0), 10.0), (None, 0.001)]);
    let quiet = sine(&[(Some(-30.0), 10.0)]);
    let mut a = Analyser::new(SR, 2);
    feed(&mut a, &[&loud, &loud], 512, |_, _| {});
    a.reset_integrated();
    let r = a.reading();
    assert_eq!(r.integrated, f32::NEG_INFINITY);
    assert!(r.range.is_nan());
    assert_eq!(r.true_peak_max, f32::NEG_INFINITY);
    near(r.momentary, -10.0, 0.1, "momentary kept");
    near(r.short_term, -10.0, 0.1, "short-term kept");
    feed(&mut a, &[&quiet, &quiet], 512, |_, _| {});
    // No gating block holds audio from before the reset.
    near(a.reading().integrated, -30.0, 0.1, "integrated after reset");
    near(
        a.reading().true_peak_max,
        -30.0,
        0.2,
        "true peak after reset",
    );
}

#[test]
fn every_sample_rate_measures_the_same_tone_alike() {
    for rate in [22_050.0, 44_100.0, 48_000.0, 88_200.0, 96_000.0, 192_000.0] {
        let signal = tone(rate, 1000.0, &[(Some(-23.0), 5.0)]);
        let mut a = Analyser::new(rate, 2);
        feed(&mut a, &[&signal, &signal], 1024, |_, _| {});
        near(
            a.reading().integrated,
            -23.0,
            0.1,
            &format!("I at {rate} Hz"),
        );
    }
}

// ----- through the real plugin ---------------------------------------------------------------

/// Runs `signal` on both channels through `plugin.process()` in blocks of 512.
fn through_plugin(plugin: &mut Webstrip, ctx: &mut Context, signal: &[f32]) {
    const BLOCK: usize = 512;
    let mut channels = vec![vec![0.0f32; BLOCK]; 2];
    for chunk in signal.chunks(BLOCK) {
        let len = chunk.len();
        for ch in channels.iter_mut() {
            ch[..len].copy_from_slice(chunk);
        }
        let mut buffer = Buffer::default();
        // SAFETY: `channels` outlives `buffer` and is not touched while `buffer` lives.
        unsafe {
            buffer.set_slices(len, |slices| {
                slices.clear();
                for ch in channels.iter_mut() {
                    slices.push(std::slice::from_raw_parts_mut(ch.as_mut_ptr(), len));
                }
            });
        }
        let mut aux = AuxiliaryBuffers {
            inputs: &mut [],
            outputs: &mut [],
        };
        plugin.process(&mut buffer, &mut aux, ctx);
    }
}

fn active_plugin() -> (Webstrip, Context) {
    let mut plugin = Webstrip::default();
    let mut ctx = Context {
        transport: Transport::new(SR),
    };
    let config = BufferConfig {
        sample_rate: SR,
        min_buffer_size: None,
        max_buffer_size: 512,
        process_mode: ProcessMode::Realtime,
    };
    assert!(plugin.activate(&Webstrip::AUDIO_IO_LAYOUTS[0], &config, &mut ctx));
    plugin.reset();
    (plugin, ctx)
}

#[test]
fn the_plugin_measures_its_output_and_resets_on_request() {
    let (mut plugin, mut ctx) = active_plugin();
    let reader = MeterReader::new(
        plugin.meters(),
        plugin.loudness(),
        webui_toolkit::scope::ring(1024).1,
    );
    // 3341 case 1 and 3342 case 1 through process().
    through_plugin(&mut plugin, &mut ctx, &sine(&[(Some(-23.0), 20.0)]));
    let r = plugin.loudness().snapshot();
    near(r.momentary, -23.0, 0.1, "plugin M");
    near(r.short_term, -23.0, 0.1, "plugin S");
    near(r.integrated, -23.0, 0.1, "plugin I");
    near(r.true_peak_max, -23.0, 0.1, "plugin TP");
    let wire = reader.loudness().expect("Webstrip measures loudness");
    assert_eq!(wire.integrated, Some(r.integrated));
    assert_eq!(wire.true_peak.len(), 2);

    assert!(reader.reset_loudness());
    through_plugin(
        &mut plugin,
        &mut ctx,
        &sine(&[(Some(-20.0), 20.0), (Some(-30.0), 20.0)]),
    );
    let r = plugin.loudness().snapshot();
    near(r.range, 10.0, 1.0, "plugin LRA (3342-1) after the reset");
    // Without the reset the −23 dBFS tone would be in the integrated value too.
    let want = 10.0 * (0.5f64 * (0.01 + 0.001)).log10();
    near(r.integrated, want, 0.1, "plugin I after the reset");
}

#[test]
fn the_plugins_snapshot_before_any_audio_is_silence() {
    let (plugin, _) = active_plugin();
    let reader = MeterReader::new(
        plugin.meters(),
        plugin.loudness(),
        webui_toolkit::scope::ring(1024).1,
    );
    let wire = reader.loudness().unwrap();
    assert_eq!(wire.momentary, None);
    assert_eq!(wire.integrated, None);
    assert_eq!(wire.range, None);
    assert_eq!(wire.true_peak, vec![None, None]);
}

#[test]
fn the_snapshot_layout_is_seven_f32s_in_the_documented_order() {
    assert_eq!(std::mem::size_of::<Loudness>(), 7 * 4);
    let r = Loudness {
        momentary: 1.0,
        short_term: 2.0,
        integrated: 3.0,
        range: 4.0,
        true_peak: [5.0, 6.0],
        true_peak_max: 7.0,
    };
    assert_eq!(r.to_array(), [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]);
    assert_eq!(Loudness::from_array(r.to_array()), r);
}
