//! VST3 bypass while processing, as Steinberg's validator checks it ("Parameter Bypass
//! persistence"), on the real nice-plug VST3 wrapper in process: the host tells the controller
//! (`setParamNormalized`) and sends the same change to the processor in the next `process()`.
//!
//! Checked: the controller reads back what it was told at once and after the processing (nice-plug
//! 0.4.2 ignored the call while processing, so `getParamNormalized` read the old value: the
//! validator's "The bypass parameter was not correctly set!"); the audio changes once, in the block
//! that carries the change; automation sent to the processor alone is what the controller reads
//! next.

use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::ParameterInfo_::ParameterFlags_::kIsBypass;
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::{IEditControllerTrait, ParameterInfo};
use nice_plug::wrapper::vst3::vst3::Steinberg::{IPluginBaseTrait, kResultOk};

use webstrip_tests::vst3_host::{Audio, ParamChanges, Plugin, param_id};

const SR: f64 = 48_000.0;
const BLOCK: usize = 480;
/// The strip's 20 ms ramp at 48 kHz: its last sample (index 959) is the target.
const SETTLED: usize = 959;
const LEFT: f32 = 0.5;
const RIGHT: f32 = -0.25;

/// Runs `blocks` blocks of the constant input, `first` the changes of the first; returns the
/// output, channel by channel.
fn run(audio: &Audio, first: ParamChanges, blocks: usize) -> [Vec<f32>; 2] {
    let (l, r) = ([LEFT; BLOCK], [RIGHT; BLOCK]);
    let mut out = [Vec::new(), Vec::new()];
    for i in 0..blocks {
        let changes = if i == 0 {
            first.clone()
        } else {
            ParamChanges::none()
        };
        let [a, b] = audio.process(&[&l, &r], &changes);
        out[0].extend(a);
        out[1].extend(b);
    }
    out
}

/// Index of the first sample from which the output is `target` exactly (`None`: never settles).
fn settles_at(out: &[Vec<f32>; 2], target: [f32; 2]) -> Option<usize> {
    let len = out[0].len();
    let last_off = (0..len)
        .rev()
        .find(|&i| out[0][i] != target[0] || out[1][i] != target[1]);
    match last_off {
        None => Some(0),
        Some(i) if i + 1 < len => Some(i + 1),
        Some(_) => None,
    }
}

#[test]
fn the_controller_reads_back_a_bypass_set_while_processing_and_the_audio_follows_once() {
    let plugin = Plugin::create();
    let controller = &plugin.controller;
    let bypass = param_id(controller, "Bypass");
    let count = unsafe { controller.getParameterCount() };
    let flagged: Vec<u32> = (0..count)
        .filter_map(|i| {
            let mut info: ParameterInfo = unsafe { std::mem::zeroed() };
            assert_eq!(
                unsafe { controller.getParameterInfo(i, &mut info) },
                kResultOk
            );
            (info.flags & kIsBypass != 0).then_some(info.id)
        })
        .collect();
    assert_eq!(flagged, [bypass], "the validator finds it by its flag");
    // Output +3 dB (0.75 on its skewed law), so bypass (the identity) is audible. Not processing yet: applied at once.
    let output = param_id(controller, "Output");
    assert_eq!(
        unsafe { controller.setParamNormalized(output, 0.75) },
        kResultOk
    );

    let audio = Audio::start(&plugin, SR, BLOCK);
    let strip = run(&audio, ParamChanges::none(), 3);
    let active = [strip[0][BLOCK * 3 - 1], strip[1][BLOCK * 3 - 1]];
    assert!((active[0] - LEFT * 1.4125).abs() < 1e-3, "{active:?}");
    assert_eq!(settles_at(&strip, active), Some(0));

    for (on, from, to) in [(1.0, active, [LEFT, RIGHT]), (0.0, [LEFT, RIGHT], active)] {
        assert_eq!(
            unsafe { controller.setParamNormalized(bypass, on) },
            kResultOk
        );
        assert_eq!(
            unsafe { controller.getParamNormalized(bypass) },
            on,
            "read straight after setParamNormalized({on}) while processing"
        );

        // The processor hears of it only through process(): a block without it is unchanged.
        let before = run(&audio, ParamChanges::none(), 1);
        assert_eq!(
            settles_at(&before, from),
            Some(0),
            "bypass {on} before its block"
        );
        assert_eq!(unsafe { controller.getParamNormalized(bypass) }, on);

        // The block that carries it starts the one 20 ms ramp; no second change follows.
        let after = run(&audio, ParamChanges::set(bypass, on), 4);
        assert_ne!(
            (after[0][0], after[1][0]),
            (from[0], from[1]),
            "bypass {on}"
        );
        assert_eq!(settles_at(&after, to), Some(SETTLED), "bypass {on}");
        assert_eq!(unsafe { controller.getParamNormalized(bypass) }, on);
    }

    // Automation sent to the processor alone, after one told to both: the controller reads what
    // the parameter holds, not the value it was told before.
    assert_eq!(
        unsafe { controller.setParamNormalized(bypass, 1.0) },
        kResultOk
    );
    run(&audio, ParamChanges::set(bypass, 1.0), 1);
    run(&audio, ParamChanges::set(bypass, 0.0), 1);
    assert_eq!(unsafe { controller.getParamNormalized(bypass) }, 0.0);

    drop(audio);
    assert_eq!(unsafe { plugin.component.terminate() }, kResultOk);
}
