//! Webstrip: a utility strip plugin (trim, balance, width, polarity, mute, bypass, test tone) with
//! lock-free output meters, exported as CLAP and VST3 and linked by the standalone app.
//!
//! - [`dsp`]: the signal path, independent of any plugin API.
//! - [`params`]: the declarative parameters (stable ids).
//! - [`meters`]: the atomics the audio thread writes and one reader samples.
//! - [`state`]: checks a saved state before it is applied.
//! - [`instance`]: the instance's one UI bridge, shared by the editor and the browser bridge.
//! - [`editor`]: the editor, which serves the UI over that bridge in the host's window.
//! - [`browser`]: the opt-in in-host browser bridge (`WEBSTRIP_BRIDGE`, "Open in browser").

pub mod browser;
pub mod dsp;
pub mod editor;
pub mod instance;
pub mod meters;
pub mod params;
pub mod state;

use std::num::NonZeroU32;
use std::sync::Arc;

use nice_plug::context::gui::GuiContext;
use nice_plug::prelude::*;

use dsp::{Settings, Strip, law};
use editor::MeterReader;
use instance::{InstanceLink, MainThreadTask};
use meters::{MeterWriter, Meters};
use params::WebstripParams;

/// One Webstrip instance.
pub struct Webstrip {
    params: Arc<WebstripParams>,
    meters: Arc<Meters>,
    link: Arc<InstanceLink>,
    strip: Strip,
    meter_writer: MeterWriter,
    channels: usize,
    settings: Settings,
}

impl Default for Webstrip {
    fn default() -> Self {
        let settings = Settings::default();
        let params = Arc::new(WebstripParams::default());
        let meters = Arc::new(Meters::default());
        let reader = Arc::new(MeterReader::new(meters.clone()));
        Self {
            link: Arc::new(InstanceLink::new(params.clone(), reader)),
            params,
            meters,
            strip: Strip::new(44_100.0, law::coefficients(&settings, 2)),
            meter_writer: MeterWriter::new(44_100.0),
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

    /// The instance's parameters.
    pub fn webstrip_params(&self) -> Arc<WebstripParams> {
        self.params.clone()
    }

    /// A host is creating this instance and gives it a context of its own (nice-plug, patched,
    /// calls this before [`Plugin::editor`]): the bridge can serve clients with no editor open.
    fn attach_host(&mut self, context: GuiContext) {
        self.link.set_context(context);
    }

    /// Starts the browser bridge when the host's environment asks for it
    /// ([`browser::BRIDGE_ENV`]); logs its URL, or why not.
    fn start_browser_from_env(&self) {
        let value = std::env::var(browser::BRIDGE_ENV).ok();
        let port = match browser::requested_port(value.as_deref()) {
            Ok(Some(port)) => port,
            Ok(None) => return,
            Err(err) => {
                nice_error!("{err}: no browser bridge");
                return;
            }
        };
        let instance = self.link.number();
        match self.link.open_browser(Some(port)) {
            Ok(link) => browser::log_link(instance, self.link.track_name().as_deref(), &link),
            Err(err) => nice_error!("Webstrip instance {instance}: no browser bridge: {err}"),
        }
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

    type Editor = editor::WebstripEditor;
    type SysExMessage = ();
    type BackgroundTask = MainThreadTask;

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn task_executor(&mut self) -> TaskExecutor<Self> {
        let link = self.link.clone();
        Box::new(move |task| match task {
            MainThreadTask::RunHostCalls => link.run_host_calls(),
        })
    }

    fn editor(&mut self, async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        if self.link.in_host() {
            self.link.set_executor(async_executor);
            self.start_browser_from_env();
        }
        // Else the standalone: its executor holds its wrapper, so keeping it here would keep the
        // wrapper alive forever; its editor session brings what the bridge needs.
        Some(editor::WebstripEditor::new(self.link.clone()))
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
        self.attach_host(context);
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
        self.attach_host(context);
    }
}

nice_export_clap!(Webstrip);
nice_export_vst3!(Webstrip);
