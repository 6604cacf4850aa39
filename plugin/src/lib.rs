//! Webstrip: a utility strip plugin (trim, balance, width, polarity, mute, bypass, test tone) with
//! lock-free output meters, exported as CLAP and VST3 and linked by the standalone app.
//!
//! - [`dsp`]: the signal path, independent of any plugin API.
//! - [`params`]: the declarative parameters (stable ids).
//! - [`meters`]: the atomics the audio thread writes and one reader samples.
//! - [`loudness`]: the output's loudness (BS.1770-4 / EBU R128) as the audio thread publishes it.
//! - [`state`]: checks a saved state before it is applied.
//! - [`meter_source`]: the meters as the UI toolkit reads them.
//!
//! The editor, the browser server and the standalone app come from the UI toolkit
//! (`webui-toolkit`): [`WebUi`] and the few `Plugin` calls forwarded to its [`Instance`].

pub mod dsp;
pub mod loudness;
pub mod meter_source;
pub mod meters;
pub mod params;
pub mod state;

use std::num::NonZeroU32;
use std::sync::Arc;

use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::*;

use dsp::loudness::Analyser;
use dsp::{Settings, Strip, law};
use loudness::SharedLoudness;
use meter_source::MeterReader;
use meters::{MeterWriter, Meters};
use params::WebstripParams;
use webui_toolkit::scope::{self, ScopeWriter};
use webui_toolkit::{Assets, Instance, MainThreadTask, WebUi};

/// The scope's ring, in sample pairs: 341 ms at 48 kHz, so a 1 Hz subscriber still gets the
/// newest half (~170 ms) and a 60 Hz one every sample.
const SCOPE_RING: usize = 16_384;

/// One Webstrip instance.
pub struct Webstrip {
    params: Arc<WebstripParams>,
    meters: Arc<Meters>,
    loudness: Arc<SharedLoudness>,
    ui: Arc<Instance<Self>>,
    strip: Strip,
    meter_writer: MeterWriter,
    analyser: Analyser,
    scope: ScopeWriter,
    channels: usize,
    settings: Settings,
}

impl Default for Webstrip {
    fn default() -> Self {
        let settings = Settings::default();
        let params = Arc::new(WebstripParams::default());
        let meters = Arc::new(Meters::default());
        let loudness = Arc::new(SharedLoudness::default());
        let (scope, scope_reader) = scope::ring(SCOPE_RING);
        let reader = Arc::new(MeterReader::new(
            meters.clone(),
            loudness.clone(),
            scope_reader,
        ));
        Self {
            ui: Instance::new(params.clone(), reader),
            params,
            meters,
            loudness,
            strip: Strip::new(44_100.0, law::coefficients(&settings, 2)),
            meter_writer: MeterWriter::new(44_100.0),
            analyser: Analyser::new(44_100.0, 2),
            scope,
            channels: 2,
            settings,
        }
    }
}

impl Webstrip {
    /// The instance's output meters, for the one meter reader.
    pub fn meters(&self) -> Arc<Meters> {
        self.meters.clone()
    }

    /// The instance's loudness, as the audio thread publishes it.
    pub fn loudness(&self) -> Arc<SharedLoudness> {
        self.loudness.clone()
    }

    /// The instance's parameters.
    pub fn webstrip_params(&self) -> Arc<WebstripParams> {
        self.params.clone()
    }
}

impl Plugin for Webstrip {
    const NAME: &'static str = "Webstrip";
    const VENDOR: &'static str = "Webstrip";
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(1),
            main_output_channels: NonZeroU32::new(1),
            ..AudioIOLayout::const_default()
        },
    ];

    type Editor = webui_toolkit::Editor<Self>;
    type SysExMessage = ();
    type BackgroundTask = MainThreadTask;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn task_executor(&mut self) -> TaskExecutor<Self> {
        self.ui.task_executor()
    }

    fn editor(&mut self, async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        Some(self.ui.editor(async_executor))
    }

    fn filter_state(state: &mut PluginState) {
        if let Err(err) = state::validate(state) {
            nice_warn!("refusing the saved state, keeping the current one: {err}");
            state.params.clear();
            state.fields.clear();
        }
    }

    fn activate(
        &mut self,
        audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        _context: &mut impl ActivateContext<Self>,
    ) -> bool {
        self.channels = audio_io_layout
            .main_output_channels
            .map_or(0, |c| c.get() as usize);
        self.settings = self.params.settings();
        let sample_rate = buffer_config.sample_rate;
        self.strip = Strip::new(
            sample_rate,
            law::coefficients(&self.settings, self.channels),
        );
        self.strip.snap_dc_filter(self.settings.dc_filter_on());
        self.meter_writer = MeterWriter::new(sample_rate);
        // A new rate needs new filters; the histories start again (allocated here, not in
        // `process`).
        self.analyser = Analyser::new(sample_rate, self.channels);
        self.loudness.publish(&self.analyser.reading());
        true
    }

    fn reset(&mut self) {
        self.settings = self.params.settings();
        self.strip
            .snap_to(law::coefficients(&self.settings, self.channels));
        self.strip.snap_dc_filter(self.settings.dc_filter_on());
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        _context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        if self.loudness.take_reset() {
            self.analyser.reset_integrated();
        }
        let settings = self.params.settings();
        if settings != self.settings {
            self.settings = settings;
            self.strip
                .set_target(law::coefficients(&settings, self.channels));
            self.strip.set_dc_filter(settings.dc_filter_on());
        }
        let channels = buffer.as_slice();
        self.meter_writer.write_input(channels, &self.meters);
        self.strip.process(channels);
        self.meter_writer.write(channels, &self.meters);
        self.analyser.process(channels);
        self.loudness.publish(&self.analyser.reading());
        match channels {
            [left, right, ..] => self.scope.write(left, right),
            [mono] => self.scope.write(mono, mono),
            [] => {}
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for Webstrip {
    const CLAP_ID: &'static str = "org.webstrip.webstrip";
    const CLAP_DESCRIPTION: Option<&'static str> = Some(env!("CARGO_PKG_DESCRIPTION"));
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[
        ClapFeature::AudioEffect,
        ClapFeature::Utility,
        ClapFeature::Mixing,
        ClapFeature::Stereo,
        ClapFeature::Mono,
    ];

    fn instance_context(&mut self, context: GuiContext) {
        self.ui.attach_host(context);
    }
}

impl Vst3Plugin for Webstrip {
    const VST3_CLASS_ID: [u8; 16] = *b"WebstripUtility1";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] = &[
        Vst3SubCategory::Fx,
        Vst3SubCategory::Tools,
        Vst3SubCategory::Stereo,
    ];

    fn instance_context(&mut self, context: GuiContext) {
        self.ui.attach_host(context);
    }
}

impl WebUi for Webstrip {
    const UI: Assets = webui_toolkit::include_ui!();
}

nice_export_clap!(Webstrip);
nice_export_vst3!(Webstrip);
