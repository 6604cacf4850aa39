//! `process()` of the real plugin on a stereo 512-sample block, every parameter off its default
//! and a ramp running in every call, next to a plain copy of the same buffer; and the loudness
//! analysis alone (K-weighting, windows, gating, 4× true peak), its share of every `process()`.
//!
//! Run with `cargo bench -p webstrip --bench process` (or `cargo xtask bench`).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nice_plug::context::process::Transport;
use nice_plug::prelude::*;
use webstrip::Webstrip;
use webstrip::dsp::loudness::Analyser;

#[path = "../tests/common/context.rs"]
mod context;
use context::Context as BenchContext;

const BLOCK: usize = 512;
const SR: f32 = 48_000.0;

/// Ids the bench moves, in the order of [`ParamPtrs::off_default`].
const IDS: [&str; 8] = [
    "input",
    "output",
    "pan",
    "width",
    "tone_level",
    "invert_l",
    "invert_r",
    "tone",
];

/// The parameters the bench moves, looked up once so that setting them costs what a host's
/// parameter write costs (an atomic store), not a map lookup.
struct ParamPtrs([ParamPtr; 8]);

impl ParamPtrs {
    fn new(plugin: &Webstrip) -> Self {
        let map = plugin.params().param_map();
        Self(IDS.map(|id| {
            map.iter()
                .find(|(pid, _, _)| pid == id)
                .map(|(_, ptr, _)| *ptr)
                .expect("parameter id")
        }))
    }

    /// Every parameter off its default; `flip` picks one of two such sets so each call ramps.
    fn off_default(&self, flip: bool, tone: f32) {
        let (v, b) = if flip { (0.3, 1.0) } else { (0.7, 0.0) };
        let values = [v, v, v, v, v, b, b, tone];
        for (ptr, value) in self.0.iter().zip(values) {
            // SAFETY: the pointers come from the plugin's own parameter map; the plugin is alive.
            unsafe { ptr._internal_set_normalized_value(value) };
        }
    }
}

fn bench(c: &mut Criterion) {
    let input: Vec<Vec<f32>> = (0..2)
        .map(|ch| {
            (0..BLOCK)
                .map(|i| 0.5 * ((i * (ch + 3)) as f32 * 0.01).sin())
                .collect()
        })
        .collect();
    let mut io = vec![vec![0.0f32; BLOCK]; 2];

    let mut group = c.benchmark_group("stereo_512");
    group.throughput(Throughput::Elements(BLOCK as u64));

    group.bench_function("plain_copy", |b| {
        b.iter(|| {
            for (dst, src) in io.iter_mut().zip(&input) {
                dst.copy_from_slice(black_box(src));
            }
            black_box(&mut io);
        })
    });

    // The analyser runs on every block of `process()` above (the output); alone here, on the
    // same audio, over many blocks so the 100 ms gating updates count at their real rate.
    let mut analyser = Analyser::new(SR, 2);
    group.bench_function("loudness", |b| {
        b.iter(|| {
            analyser.process(black_box(&input));
            black_box(analyser.reading());
        })
    });

    for (name, tone) in [
        ("process_all_params_ramping_sine", 0.5),
        ("process_all_params_ramping_pink", 1.0),
        ("process_all_params_ramping_tone_off", 0.0),
    ] {
        let mut plugin = Webstrip::default();
        let mut ctx = BenchContext {
            transport: Transport::new(SR),
        };
        let layout = Webstrip::AUDIO_IO_LAYOUTS[0];
        let config = BufferConfig {
            sample_rate: SR,
            min_buffer_size: None,
            max_buffer_size: BLOCK as u32,
            process_mode: ProcessMode::Realtime,
        };
        assert!(plugin.activate(&layout, &config, &mut ctx));
        plugin.reset();
        // The buffer points into `channels` for the whole bench, as a host's buffers would.
        let mut channels = vec![vec![0.0f32; BLOCK]; 2];
        let mut buffer = Buffer::default();
        // SAFETY: `channels` outlives `buffer` and is never reallocated; both slices are BLOCK long.
        unsafe {
            buffer.set_slices(BLOCK, |slices| {
                for ch in channels.iter_mut() {
                    slices.push(std::slice::from_raw_parts_mut(ch.as_mut_ptr(), BLOCK));
                }
            });
        }
        let mut aux = AuxiliaryBuffers {
            inputs: &mut [],
            outputs: &mut [],
        };
        let params = ParamPtrs::new(&plugin);
        let mut flip = false;
        group.bench_function(name, |b| {
            b.iter(|| {
                flip = !flip;
                params.off_default(flip, tone);
                for (dst, src) in buffer.as_slice().iter_mut().zip(&input) {
                    dst.copy_from_slice(black_box(src));
                }
                black_box(plugin.process(&mut buffer, &mut aux, &mut ctx));
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
