//! The signal path's laws, accuracy and click-free ramps.

use webstrip::dsp::tone::Pink;
use webstrip::dsp::{Coefficients, Settings, Strip, Tone, db_to_gain, gain_to_db, law};

const SR: f32 = 48_000.0;

fn settled(settings: &Settings) -> Strip {
    Strip::new(SR, law::coefficients(settings, 2))
}

/// Deterministic, uncorrelated stereo noise in [-0.5, 0.5).
fn noise(len: usize, seed: u32) -> (Vec<f32>, Vec<f32>) {
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        (s as f32 / u32::MAX as f32) - 0.5
    };
    let l = (0..len).map(|_| next()).collect();
    let r = (0..len).map(|_| next()).collect();
    (l, r)
}

fn run(strip: &mut Strip, l: &mut [f32], r: &mut [f32]) {
    strip.process(&mut [l, r]);
}

#[test]
fn gain_is_accurate_to_a_hundredth_of_a_db_across_the_range() {
    let mut worst = 0.0f32;
    for input_tenths in (-240..=240).step_by(5) {
        for output_db in -60..=12 {
            let input_db = input_tenths as f32 / 10.0;
            let settings = Settings {
                input_db,
                output_db: output_db as f32,
                ..Settings::default()
            };
            let mut strip = settled(&settings);
            let (mut l, mut r) = (vec![0.01f32; 64], vec![-0.01f32; 64]);
            run(&mut strip, &mut l, &mut r);
            let expected = input_db + output_db as f32;
            for y in [l[63] / 0.01, r[63] / -0.01] {
                worst = worst.max((gain_to_db(y) - expected).abs());
            }
        }
    }
    assert!(worst < 0.01, "worst gain error {worst} dB");
}

#[test]
fn balance_law_at_the_extremes_and_centre() {
    assert_eq!(law::balance(-100.0), (1.0, 0.0));
    assert_eq!(law::balance(0.0), (1.0, 1.0));
    assert_eq!(law::balance(100.0), (0.0, 1.0));
    let (l, r) = law::balance(50.0);
    assert!((gain_to_db(l) + 3.0103).abs() < 0.001, "{l}");
    assert_eq!(r, 1.0);

    for (pan, want_l, want_r) in [(-100.0, 1.0, 0.0), (0.0, 1.0, 1.0), (100.0, 0.0, 1.0)] {
        let mut strip = settled(&Settings {
            pan,
            ..Settings::default()
        });
        let (mut l, mut r) = noise(256, 7);
        let (l0, r0) = (l.clone(), r.clone());
        run(&mut strip, &mut l, &mut r);
        for i in 0..256 {
            assert_eq!(l[i], l0[i] * want_l, "pan {pan} left");
            assert_eq!(r[i], r0[i] * want_r, "pan {pan} right");
        }
    }
}

#[test]
fn width_100_is_bit_exact_identity_even_after_a_ramp() {
    let (mut l, mut r) = noise(4096, 11);
    let (l0, r0) = (l.clone(), r.clone());
    let mut strip = settled(&Settings::default());
    run(&mut strip, &mut l, &mut r);
    assert!(l.iter().zip(&l0).all(|(a, b)| a.to_bits() == b.to_bits()));
    assert!(r.iter().zip(&r0).all(|(a, b)| a.to_bits() == b.to_bits()));

    // Away and back: once the ramp home is done the output is the input again.
    strip.set_target(law::coefficients(
        &Settings {
            width: 30.0,
            ..Settings::default()
        },
        2,
    ));
    let (mut a, mut b) = noise(4096, 12);
    run(&mut strip, &mut a, &mut b);
    strip.set_target(law::coefficients(&Settings::default(), 2));
    let (mut a, mut b) = noise(strip.ramp_len() as usize, 13);
    run(&mut strip, &mut a, &mut b);
    let (mut l, mut r) = (l0.clone(), r0.clone());
    run(&mut strip, &mut l, &mut r);
    assert!(l.iter().zip(&l0).all(|(a, b)| a.to_bits() == b.to_bits()));
    assert!(r.iter().zip(&r0).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn width_0_is_the_mono_mid_and_200_doubles_the_side() {
    let (l0, r0) = noise(512, 21);
    let (mut l, mut r) = (l0.clone(), r0.clone());
    run(
        &mut settled(&Settings {
            width: 0.0,
            ..Settings::default()
        }),
        &mut l,
        &mut r,
    );
    for i in 0..512 {
        let mid = (l0[i] + r0[i]) / 2.0;
        assert!((l[i] - mid).abs() < 1e-7 && (r[i] - mid).abs() < 1e-7);
    }

    let (mut l, mut r) = (l0.clone(), r0.clone());
    run(
        &mut settled(&Settings {
            width: 200.0,
            ..Settings::default()
        }),
        &mut l,
        &mut r,
    );
    for i in 0..512 {
        let (mid, side) = ((l0[i] + r0[i]) / 2.0, (l0[i] - r0[i]) / 2.0);
        assert!(((l[i] + r[i]) / 2.0 - mid).abs() < 1e-6, "mid kept");
        assert!(
            ((l[i] - r[i]) / 2.0 - 2.0 * side).abs() < 1e-6,
            "side doubled"
        );
    }
}

#[test]
fn invert_flips_the_sign_of_its_channel_only() {
    let (l0, r0) = noise(512, 31);
    for (invert_l, invert_r) in [(true, false), (false, true), (true, true)] {
        let (mut l, mut r) = (l0.clone(), r0.clone());
        let settings = Settings {
            invert_l,
            invert_r,
            ..Settings::default()
        };
        run(&mut settled(&settings), &mut l, &mut r);
        for i in 0..512 {
            assert_eq!(l[i], if invert_l { -l0[i] } else { l0[i] });
            assert_eq!(r[i], if invert_r { -r0[i] } else { r0[i] });
        }
    }
}

#[test]
fn mute_gives_silence_once_the_ramp_is_done() {
    let mut strip = settled(&Settings {
        tone: Tone::Pink,
        ..Settings::default()
    });
    strip.set_target(law::coefficients(
        &Settings {
            mute: true,
            tone: Tone::Pink,
            ..Settings::default()
        },
        2,
    ));
    let (mut l, mut r) = noise(strip.ramp_len() as usize, 41);
    run(&mut strip, &mut l, &mut r);
    let (mut l, mut r) = noise(4096, 42);
    run(&mut strip, &mut l, &mut r);
    assert!(l.iter().chain(&r).all(|&x| x == 0.0));
}

#[test]
fn bypass_returns_the_input_bit_exact_once_the_ramp_is_done() {
    let busy = Settings {
        input_db: 7.0,
        output_db: -3.0,
        pan: 40.0,
        width: 150.0,
        invert_l: true,
        tone: Tone::Sine1k,
        ..Settings::default()
    };
    let mut strip = settled(&busy);
    strip.set_target(law::coefficients(
        &Settings {
            bypass: true,
            ..busy
        },
        2,
    ));
    let (mut l, mut r) = noise(strip.ramp_len() as usize, 51);
    run(&mut strip, &mut l, &mut r);
    assert!(!strip.is_ramping());
    let (l0, r0) = noise(4096, 52);
    let (mut l, mut r) = (l0.clone(), r0.clone());
    run(&mut strip, &mut l, &mut r);
    assert!(l.iter().zip(&l0).all(|(a, b)| a.to_bits() == b.to_bits()));
    assert!(r.iter().zip(&r0).all(|(a, b)| a.to_bits() == b.to_bits()));
}

/// The documented bound: with a steady input `x`, a jump of the coefficients from `c0` to `c1`
/// moves output `o` by at most `Σ_i |c1[o][i] − c0[o][i]|·|x_i| / ramp_len` per sample.
fn max_step_during_jump(from: &Settings, to: &Settings, x: (f32, f32)) -> (f32, f32) {
    let (c0, c1) = (law::coefficients(from, 2), law::coefficients(to, 2));
    let mut strip = Strip::new(SR, c0);
    let n = 3 * strip.ramp_len() as usize;
    let (mut l, mut r) = (vec![x.0; n], vec![x.1; n]);
    let (mut pl, mut pr) = (vec![x.0; 16], vec![x.1; 16]);
    run(&mut strip, &mut pl, &mut pr);
    strip.set_target(c1);
    run(&mut strip, &mut l, &mut r);
    let mut worst = 0.0f32;
    let mut prev = (pl[15], pr[15]);
    for i in 0..n {
        worst = worst.max((l[i] - prev.0).abs()).max((r[i] - prev.1).abs());
        prev = (l[i], r[i]);
    }
    let ramp = strip.ramp_len() as f32;
    let bound = |o: usize| {
        ((c1.a[o][0] - c0.a[o][0]).abs() * x.0.abs() + (c1.a[o][1] - c0.a[o][1]).abs() * x.1.abs())
            / ramp
    };
    (worst, bound(0).max(bound(1)) * 1.001 + 1e-6)
}

#[test]
fn every_parameter_jump_stays_under_the_documented_step_bound() {
    let base = Settings::default();
    let extremes = [
        Settings {
            input_db: 24.0,
            ..base
        },
        Settings {
            input_db: -24.0,
            ..base
        },
        Settings {
            output_db: 12.0,
            ..base
        },
        Settings {
            output_db: -60.0,
            ..base
        },
        Settings {
            pan: -100.0,
            ..base
        },
        Settings { pan: 100.0, ..base },
        Settings { width: 0.0, ..base },
        Settings {
            width: 200.0,
            ..base
        },
        Settings {
            invert_l: true,
            invert_r: true,
            ..base
        },
        Settings { mute: true, ..base },
        Settings {
            bypass: true,
            input_db: 24.0,
            output_db: 12.0,
            ..base
        },
        Settings {
            input_db: 24.0,
            output_db: 12.0,
            pan: 100.0,
            width: 200.0,
            invert_l: true,
            ..base
        },
    ];
    for x in [(0.25, 0.25), (0.25, -0.25), (1.0, 0.0)] {
        for to in &extremes {
            for (a, b) in [(&base, to), (to, &base)] {
                let (worst, bound) = max_step_during_jump(a, b, x);
                assert!(
                    worst <= bound,
                    "{a:?} → {b:?} with {x:?}: step {worst} > {bound}"
                );
            }
        }
    }
    // The absolute worst case (silence ↔ +36 dB at full scale) at 48 kHz: 63.1 / 960 per sample.
    let loud = Settings {
        input_db: 24.0,
        output_db: 12.0,
        ..base
    };
    let (worst, _) = max_step_during_jump(&Settings { mute: true, ..loud }, &loud, (1.0, 1.0));
    assert!(worst <= db_to_gain(36.0) / 960.0 * 1.001, "{worst}");
}

#[test]
fn switching_the_tone_on_does_not_click() {
    let off = Settings::default();
    let on = Settings {
        tone: Tone::Sine1k,
        tone_level_db: 0.0,
        ..off
    };
    let mut strip = settled(&off);
    strip.set_target(law::coefficients(&on, 2));
    let (mut l, mut r) = (vec![0.0; 4800], vec![0.0; 4800]);
    run(&mut strip, &mut l, &mut r);
    // A full-scale 1 kHz sine itself moves at most 2π·1000/48000 per sample.
    let natural = std::f32::consts::TAU * 1000.0 / SR;
    let worst = l
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max);
    assert!(worst <= natural * 1.01, "{worst} > {natural}");
    assert!(l.iter().zip(&r).all(|(a, b)| a == b));
}

#[test]
fn mono_layout_applies_trim_invert_and_tone_to_its_one_channel() {
    let settings = Settings {
        input_db: -6.0,
        invert_l: true,
        pan: 100.0,
        width: 0.0,
        ..Settings::default()
    };
    let c = law::coefficients(&settings, 1);
    let mut strip = Strip::new(SR, c);
    let mut x = vec![0.5f32; 64];
    strip.process(&mut [&mut x]);
    assert!((x[10] + 0.5 * db_to_gain(-6.0)).abs() < 1e-6, "{}", x[10]);
}

#[test]
fn defaults_are_the_identity() {
    assert_eq!(
        law::coefficients(&Settings::default(), 2),
        Coefficients::IDENTITY
    );
    assert_eq!(law::coefficients(&Settings::default(), 1).a[0][0], 1.0);
}

#[test]
fn pink_rms_matches_the_sine_at_the_same_level() {
    let mut pink = Pink::new();
    let n = 10_000_000;
    let sum: f64 = (0..n).map(|_| f64::from(pink.next_sample()).powi(2)).sum();
    let rms_db = 20.0 * (sum / n as f64).sqrt().log10();
    assert!((rms_db + 3.0103).abs() < 0.05, "pink RMS {rms_db} dB");
}

#[test]
fn swap_exchanges_the_channels_before_polarity() {
    let settings = Settings {
        swap: true,
        invert_l: true,
        ..Settings::default()
    };
    let mut strip = settled(&settings);
    let (mut l, mut r) = (vec![0.25f32; 64], vec![0.5f32; 64]);
    run(&mut strip, &mut l, &mut r);
    // The right input is now on the left, where Invert L flips it.
    assert_eq!((l[63], r[63]), (-0.5, 0.25));
}

#[test]
fn mono_sums_after_width_so_width_no_longer_matters() {
    for width in [0.0, 100.0, 200.0] {
        let settings = Settings {
            mono: true,
            width,
            ..Settings::default()
        };
        let mut strip = settled(&settings);
        let (mut l, mut r) = (vec![0.8f32; 64], vec![0.2f32; 64]);
        run(&mut strip, &mut l, &mut r);
        for y in [l[63], r[63]] {
            assert!((y - 0.5).abs() < 1e-6, "width {width}: {y}");
        }
    }
    // A mono sum of a signal against its inverse is silence: the check for phase problems.
    let settings = Settings {
        mono: true,
        invert_r: true,
        ..Settings::default()
    };
    let mut strip = settled(&settings);
    let (mut l, mut r) = (vec![0.3f32; 64], vec![0.3f32; 64]);
    run(&mut strip, &mut l, &mut r);
    assert_eq!((l[63], r[63]), (0.0, 0.0));
    // Balance still applies after the sum.
    let settings = Settings {
        mono: true,
        pan: 100.0,
        ..Settings::default()
    };
    let mut strip = settled(&settings);
    let (mut l, mut r) = (vec![0.8f32; 64], vec![0.2f32; 64]);
    run(&mut strip, &mut l, &mut r);
    assert!(
        l[63].abs() < 1e-6 && (r[63] - 0.5).abs() < 1e-6,
        "{} {}",
        l[63],
        r[63]
    );
}

/// Output of a strip with the DC filter on (settled, no fade left) for `input` on both channels.
fn dc_filtered(input: &[f32]) -> Vec<f32> {
    let mut strip = settled(&Settings::default());
    strip.snap_dc_filter(true);
    let (mut l, mut r) = (input.to_vec(), input.to_vec());
    for (l, r) in l.chunks_mut(512).zip(r.chunks_mut(512)) {
        run(&mut strip, l, r);
    }
    assert_eq!(l, r);
    l
}

fn sine(len: usize, hz: f32) -> Vec<f32> {
    (0..len)
        .map(|i| 0.5 * (std::f32::consts::TAU * hz * i as f32 / SR).sin())
        .collect()
}

fn rms_db(x: &[f32]) -> f32 {
    gain_to_db((x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt())
}

#[test]
fn the_dc_filter_removes_dc_and_keeps_the_audio_band() {
    // DC: gone to below −80 dB of its level within half a second.
    let out = dc_filtered(&vec![0.5f32; SR as usize]);
    let tail = &out[(SR * 0.5) as usize..];
    assert!(
        tail.iter().all(|y| y.abs() < 0.5e-4),
        "DC left: {}",
        tail[0]
    );
    // 20 Hz loses less than 0.3 dB, 1 kHz and 10 kHz less than 0.01 dB (steady state, whole
    // periods after the first second).
    for (hz, most) in [(20.0, 0.3), (1_000.0, 0.01), (10_000.0, 0.01)] {
        let x = sine(2 * SR as usize, hz);
        let y = dc_filtered(&x);
        let second = SR as usize..2 * SR as usize;
        let loss = rms_db(&x[second.clone()]) - rms_db(&y[second]);
        assert!(loss.abs() < most, "{hz} Hz: {loss} dB");
    }
}

#[test]
fn the_dc_filter_is_bit_exact_when_off_and_fades_without_a_click() {
    let (l, r) = noise(4_096, 11);
    let mut strip = settled(&Settings::default());
    let (mut ol, mut or) = (l.clone(), r.clone());
    run(&mut strip, &mut ol, &mut or);
    assert_eq!(
        (ol, or),
        (l.clone(), r.clone()),
        "off must not touch a sample"
    );

    // Switched on (and off again) on a signal with a large DC offset: no sample-to-sample jump
    // bigger than the signal's own.
    let x: Vec<f32> = (0..SR as usize)
        .map(|i| 0.5 + 0.001 * (i % 7) as f32)
        .collect();
    let mut strip = settled(&Settings::default());
    let (mut l, mut r) = (x.clone(), x.clone());
    for (n, (l, r)) in l.chunks_mut(480).zip(r.chunks_mut(480)).enumerate() {
        match n {
            10 => strip.set_dc_filter(true),
            60 => strip.set_dc_filter(false),
            _ => {}
        }
        run(&mut strip, l, r);
    }
    let worst = l
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max);
    // A 20 ms fade of a 0.5 offset moves at most 0.5/960 per sample, plus the signal's 0.006.
    assert!(worst < 0.01, "jump of {worst}");
    // Faded out again: bit-exact once more.
    assert_eq!(&l[l.len() - 100..], &x[x.len() - 100..]);
}
