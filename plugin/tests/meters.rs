//! Meter accuracy and the peak/clip contract: since the last read, within the last window.

use webstrip::dsp::{Settings, Strip, Tone, gain_to_db, law};
use webstrip::meters::{MeterWriter, Meters};

const SR: f32 = 48_000.0;

fn sine(len: usize, amp: f32, hz: f32) -> Vec<f32> {
    (0..len)
        .map(|i| amp * (std::f32::consts::TAU * hz * i as f32 / SR).sin())
        .collect()
}

/// Feeds `block` repeatedly (512 samples at a time) for `seconds`.
fn feed(writer: &mut MeterWriter, meters: &Meters, left: &[f32], right: &[f32]) {
    for (l, r) in left.chunks(512).zip(right.chunks(512)) {
        let (mut l, mut r) = (l.to_vec(), r.to_vec());
        writer.write(&[&mut l, &mut r], meters);
    }
}

#[test]
fn full_scale_sine_reads_peak_one_and_rms_minus_three_db() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    // Not a bin-centred frequency, so the peak is reached only approximately.
    let s = sine(SR as usize / 2, 1.0, 997.0);
    feed(&mut writer, &meters, &s, &s);
    let (reading, active) = meters.read();
    assert_eq!(active, 2);
    for ch in reading {
        assert!((ch.peak - 1.0).abs() <= 0.001, "peak {}", ch.peak);
        assert!(
            (ch.rms - std::f32::consts::FRAC_1_SQRT_2).abs() <= 0.001,
            "rms {}",
            ch.rms
        );
    }
}

#[test]
fn rms_covers_300_ms_then_forgets() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    let loud = vec![0.5f32; (SR * 0.3) as usize];
    feed(&mut writer, &meters, &loud, &loud);
    assert!((meters.read().0[0].rms - 0.5).abs() < 1e-6);
    let quiet = vec![0.0f32; (SR * 0.15) as usize];
    feed(&mut writer, &meters, &quiet, &quiet);
    let half = (0.25f32 / 2.0).sqrt();
    assert!(
        (meters.read().0[0].rms - half).abs() < 1e-4,
        "half a window of 0.5"
    );
    let quiet = vec![0.0f32; (SR * 0.15) as usize];
    feed(&mut writer, &meters, &quiet, &quiet);
    assert_eq!(meters.read().0[0].rms, 0.0);
}

#[test]
fn clip_is_set_by_one_not_by_0_999_and_cleared_by_a_read() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    let (mut l, mut r) = (vec![0.999f32; 64], vec![-0.999f32; 64]);
    writer.write(&[&mut l, &mut r], &meters);
    let (reading, _) = meters.read();
    assert!(!reading[0].clip && !reading[1].clip);

    let (mut l, mut r) = (vec![0.0f32; 64], vec![0.0f32; 64]);
    r[10] = -1.0;
    writer.write(&[&mut l, &mut r], &meters);
    let (reading, _) = meters.read();
    assert!(!reading[0].clip && reading[1].clip);
    assert_eq!(reading[1].peak, 1.0);

    let (mut l, mut r) = (vec![0.1f32; 64], vec![0.2f32; 64]);
    writer.write(&[&mut l, &mut r], &meters);
    let (reading, _) = meters.read();
    assert!(!reading[1].clip, "clip is since the last read");
    assert_eq!((reading[0].peak, reading[1].peak), (0.1, 0.2), "peak too");
}

#[test]
fn mono_layout_reports_one_active_channel() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    let mut x = vec![0.5f32; 64];
    writer.write(&[&mut x], &meters);
    let (reading, active) = meters.read();
    assert_eq!(active, 1);
    assert_eq!(reading[0].peak, 0.5);
}

#[test]
fn tone_on_reads_the_documented_level_on_the_meters() {
    for level in [-18.0f32, -6.0, -40.0] {
        let settings = Settings {
            tone: Tone::Sine1k,
            tone_level_db: level,
            ..Settings::default()
        };
        let mut strip = Strip::new(SR, law::coefficients(&settings, 2));
        let meters = Meters::default();
        let mut writer = MeterWriter::new(SR);
        for _ in 0..60 {
            let (mut l, mut r) = (vec![0.0f32; 512], vec![0.0f32; 512]);
            strip.process(&mut [&mut l, &mut r]);
            writer.write(&[&mut l, &mut r], &meters);
        }
        let (reading, _) = meters.read();
        for ch in reading {
            assert!((gain_to_db(ch.peak) - level).abs() < 0.1, "peak {level}");
            assert!(
                (gain_to_db(ch.rms) - (level - 3.0103)).abs() < 0.1,
                "rms {level}"
            );
        }
    }
}

#[test]
fn a_peak_older_than_the_window_is_not_reported() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    let loud = vec![1.5f32; (SR * 0.1) as usize];
    feed(&mut writer, &meters, &loud, &loud);
    // No reader for longer than the window (here 310 ms; in a host, minutes), then one reads.
    let quiet = vec![0.0f32; (SR * 0.31) as usize];
    feed(&mut writer, &meters, &quiet, &quiet);
    let (reading, _) = meters.read();
    for ch in reading {
        assert_eq!(
            (ch.peak, ch.clip),
            (0.0, false),
            "a window-old peak: {ch:?}"
        );
    }

    // Just inside the window it still counts: a peak, then 250 ms of silence.
    feed(&mut writer, &meters, &loud, &loud);
    let quiet = vec![0.0f32; (SR * 0.25) as usize];
    feed(&mut writer, &meters, &quiet, &quiet);
    let (reading, _) = meters.read();
    assert_eq!((reading[0].peak, reading[0].clip), (1.5, true));
}

#[test]
fn a_peak_between_two_close_reads_is_reported_once() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    // Reads every 2, 5 and 16 ms (within one chunk, across one, across two), each block holding
    // one spike at a different place, the spike's height told apart per read.
    let mut spike = 0.05f32;
    for read_every in [96usize, 240, 768] {
        for position in [0, read_every / 3, read_every - 1] {
            for block in [64usize, 100, read_every] {
                spike += 0.01;
                let mut l = vec![0.01f32; read_every];
                let mut r = vec![0.0f32; read_every];
                l[position] = spike;
                r[position] = -spike;
                for (l, r) in l.chunks_mut(block).zip(r.chunks_mut(block)) {
                    writer.write(&[l, r], &meters);
                }
                let (reading, _) = meters.read();
                let what = format!("read every {read_every}, spike at {position}, blocks {block}");
                assert_eq!((reading[0].peak, reading[1].peak), (spike, spike), "{what}");

                let (mut l, mut r) = (vec![0.0f32; 8], vec![0.0f32; 8]);
                writer.write(&[&mut l, &mut r], &meters);
                let (reading, _) = meters.read();
                assert_eq!(
                    (reading[0].peak, reading[1].peak),
                    (0.0, 0.0),
                    "again? {what}"
                );
            }
        }
    }
}

#[test]
fn a_new_writer_forgets_what_the_last_one_left() {
    // Re-activation: the host stopped processing (the last peak stayed unread), then restarts.
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    let loud = vec![0.5f32; (SR * 0.3) as usize];
    feed(&mut writer, &meters, &loud, &loud);
    let mut writer = MeterWriter::new(SR);
    let (mut l, mut r) = (vec![0.0f32; 64], vec![0.0f32; 64]);
    writer.write(&[&mut l, &mut r], &meters);
    let (reading, _) = meters.read();
    for ch in reading {
        assert_eq!((ch.peak, ch.rms, ch.clip), (0.0, 0.0, false), "{ch:?}");
    }
}

/// Meters `input` as the host's block and `output` as the processed one, 512 samples at a time.
fn feed_both(
    writer: &mut MeterWriter,
    meters: &Meters,
    input: (&[f32], &[f32]),
    output: (&[f32], &[f32]),
) {
    let blocks = input.0.chunks(512).zip(input.1.chunks(512));
    let outs = output.0.chunks(512).zip(output.1.chunks(512));
    for ((il, ir), (ol, or)) in blocks.zip(outs) {
        let (mut il, mut ir, mut ol, mut or) = (il.to_vec(), ir.to_vec(), ol.to_vec(), or.to_vec());
        writer.write_input(&[&mut il, &mut ir], meters);
        writer.write(&[&mut ol, &mut or], meters);
    }
}

#[test]
fn input_and_output_are_metered_apart() {
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    let len = (SR * 0.4) as usize;
    let (loud, quiet) = (sine(len, 0.8, 997.0), sine(len, 0.1, 997.0));
    feed_both(&mut writer, &meters, (&loud, &quiet), (&quiet, &quiet));
    let ((input, inputs), (output, outputs)) = (meters.read_input(), meters.read());
    assert_eq!((inputs, outputs), (2, 2));
    let db = |x: f32| gain_to_db(x);
    assert!(
        (db(input[0].rms) - db(0.8 / 2f32.sqrt())).abs() < 0.05,
        "{input:?}"
    );
    assert!(
        (db(input[1].rms) - db(0.1 / 2f32.sqrt())).abs() < 0.05,
        "{input:?}"
    );
    assert!((input[0].peak - 0.8).abs() < 1e-3 && (output[0].peak - 0.1).abs() < 1e-3);
    // Each side's peak is read on its own: reading the output left the input's alone.
    assert_eq!(meters.read_input().0[0].peak, 0.0);
}

#[test]
fn correlation_reads_plus_one_for_mono_minus_one_inverted_and_zero_for_silence() {
    let len = (SR * 0.4) as usize;
    let tone = sine(len, 0.5, 1_000.0);
    let inverted: Vec<f32> = tone.iter().map(|x| -x).collect();
    let quarter: Vec<f32> = (0..len)
        .map(|i| 0.5 * (std::f32::consts::TAU * 1_000.0 * i as f32 / SR).cos())
        .collect();
    let silence = vec![0.0f32; len];
    for (what, right, expected) in [
        ("mono", &tone, 1.0),
        ("inverted", &inverted, -1.0),
        ("90° apart", &quarter, 0.0),
        ("one side silent", &silence, 0.0),
    ] {
        let meters = Meters::default();
        let mut writer = MeterWriter::new(SR);
        feed_both(&mut writer, &meters, (&tone, right), (&tone, right));
        let correlation = meters.correlation().expect("a pair");
        assert!(
            (correlation - expected).abs() < 0.01,
            "{what}: {correlation}"
        );
    }
    let meters = Meters::default();
    let mut writer = MeterWriter::new(SR);
    feed_both(
        &mut writer,
        &meters,
        (&silence, &silence),
        (&silence, &silence),
    );
    assert_eq!(meters.correlation(), Some(0.0));
    // A mono layout has no pair.
    let mut x = tone[..512].to_vec();
    writer.write(&[&mut x], &meters);
    assert_eq!(meters.correlation(), None);
}
