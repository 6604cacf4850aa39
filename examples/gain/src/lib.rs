//! The toolkit's example: one gain parameter and a peak meter per channel, with a web UI.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::*;
use webui_toolkit::{Assets, ChannelMeter, Instance, MeterFrame, MeterSource, WebUi};

#[derive(Params)]
struct GainParams {
    #[id = "gain"]
    gain: FloatParam,
}

/// Per channel the highest |sample| since the UI last read it (f32 bits: for values ≥ 0 their
/// order is the integers', so `fetch_max` needs no lock) and the last block's RMS.
#[derive(Default)]
struct Peaks([AtomicU32; 2], [AtomicU32; 2]);

impl MeterSource for Peaks {
    fn read_into(&self, frame: &mut MeterFrame) {
        frame.channels.clear();
        for (peak, rms) in self.0.iter().zip(&self.1) {
            let peak = f32::from_bits(peak.swap(0, Ordering::Relaxed));
            let rms = f32::from_bits(rms.load(Ordering::Relaxed));
            frame.channels.push(ChannelMeter {
                peak,
                rms,
                clip: peak >= 1.0,
            });
        }
    }
}

pub struct Gain {
    params: Arc<GainParams>,
    peaks: Arc<Peaks>,
    ui: Arc<Instance<Self>>,
}

impl Default for Gain {
    fn default() -> Self {
        let range = FloatRange::Linear {
            min: -30.0,
            max: 30.0,
        };
        let gain = FloatParam::new("Gain", 0.0, range)
            .with_smoother(SmoothingStyle::Linear(20.0))
            .with_step_size(0.1)
            .with_unit(" dB");
        let params = Arc::new(GainParams { gain });
        let peaks = Arc::new(Peaks::default());
        let ui = Instance::new(params.clone(), peaks.clone());
        Self { params, peaks, ui }
    }
}

impl Plugin for Gain {
    const NAME: &'static str = "Gain";
    const VENDOR: &'static str = "Webstrip";
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    type SysExMessage = ();
    type BackgroundTask = webui_toolkit::MainThreadTask;
    type Editor = webui_toolkit::Editor<Self>;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn task_executor(&mut self) -> TaskExecutor<Self> {
        self.ui.task_executor()
    }

    fn editor(&mut self, executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        Some(self.ui.editor(executor))
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _: &mut AuxiliaryBuffers,
        _: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        let mut squares = [0.0f32; 2];
        let frames = buffer.samples().max(1) as f32;
        for mut frame in buffer.iter_samples() {
            let gain = util::db_to_gain(self.params.gain.smoothed.next());
            for ((sample, peak), sum) in frame.iter_mut().zip(&self.peaks.0).zip(&mut squares) {
                *sample *= gain;
                peak.fetch_max(sample.abs().to_bits(), Ordering::Relaxed);
                *sum += *sample * *sample;
            }
        }
        for (rms, sum) in self.peaks.1.iter().zip(squares) {
            rms.store((sum / frames).sqrt().to_bits(), Ordering::Relaxed);
        }
        ProcessStatus::Normal
    }
}

impl WebUi for Gain {
    const UI: Assets = webui_toolkit::include_ui!();
    const EDITOR_SIZE: (u32, u32) = (400, 300);
    const EDITOR_MIN_SIZE: (u32, u32) = (240, 180);
}

impl ClapPlugin for Gain {
    const CLAP_ID: &'static str = "org.webstrip.gain";
    const CLAP_DESCRIPTION: Option<&'static str> = Some(env!("CARGO_PKG_DESCRIPTION"));
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::AudioEffect, ClapFeature::Utility];

    fn instance_context(&mut self, context: GuiContext) {
        self.ui.attach_host(context);
    }
}

impl Vst3Plugin for Gain {
    const VST3_CLASS_ID: [u8; 16] = *b"WebstripGainExmp";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[Vst3SubCategory::Fx];

    fn instance_context(&mut self, context: GuiContext) {
        self.ui.attach_host(context);
    }
}

nice_export_clap!(Gain);
nice_export_vst3!(Gain);
