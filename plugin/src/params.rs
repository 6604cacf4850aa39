//! The plugin's parameters, declared once for every host, editor and bridge.
//!
//! The ids (`#[id = "…"]`) are part of saved sessions and of the bridge protocol: never rename one,
//! and append new ones at the end.

pub mod text;

use nice_plug::prelude::*;

use crate::dsp::{Settings, Tone};

/// The test generator choice as a host-visible enum parameter.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToneChoice {
    /// No test signal.
    #[id = "off"]
    #[name = "Off"]
    Off,
    /// 1 kHz sine, peak at the tone level.
    #[id = "sine_1k"]
    #[name = "Sine 1 kHz"]
    Sine1k,
    /// Pink noise, RMS equal to the sine's.
    #[id = "pink"]
    #[name = "Pink noise"]
    Pink,
}

impl From<ToneChoice> for Tone {
    fn from(choice: ToneChoice) -> Self {
        match choice {
            ToneChoice::Off => Tone::Off,
            ToneChoice::Sine1k => Tone::Sine1k,
            ToneChoice::Pink => Tone::Pink,
        }
    }
}

/// Every parameter of a Webstrip instance.
#[derive(Params)]
pub struct WebstripParams {
    /// Input trim, −24 … +24 dB.
    #[id = "input"]
    pub input: FloatParam,
    /// Output gain, −60 … +12 dB.
    #[id = "output"]
    pub output: FloatParam,
    /// Balance, −100 (left) … +100 (right).
    #[id = "pan"]
    pub pan: FloatParam,
    /// Stereo width, 0 … 200 %.
    #[id = "width"]
    pub width: FloatParam,
    /// Flip the left channel's polarity.
    #[id = "invert_l"]
    pub invert_l: BoolParam,
    /// Flip the right channel's polarity.
    #[id = "invert_r"]
    pub invert_r: BoolParam,
    /// Silence the output.
    #[id = "mute"]
    pub mute: BoolParam,
    /// The host's bypass: pass the input through untouched.
    #[id = "bypass"]
    pub bypass: BoolParam,
    /// Built-in test generator.
    #[id = "tone"]
    pub tone: EnumParam<ToneChoice>,
    /// Test generator level, −60 … 0 dB.
    #[id = "tone_level"]
    pub tone_level: FloatParam,
    /// Sum both channels to mono (after width, before balance).
    #[id = "mono"]
    pub mono: BoolParam,
    /// Swap left and right (first, so `Invert L` flips what then is the left channel).
    #[id = "swap"]
    pub swap: BoolParam,
    /// Remove DC: a first-order high-pass at [`crate::dsp::dc::CUTOFF_HZ`] on the input.
    #[id = "dc_filter"]
    pub dc_filter: BoolParam,
}

/// The skew of the gain knobs around 0 dB (below 1: finer near the centre). At 0.5, a quarter of
/// the way from the centre is a sixteenth of that side's range: ±1.5 dB on Input, +0.75 dB /
/// −3.75 dB on Output.
pub const GAIN_SKEW: f32 = 0.5;

/// Decibels with 0.1 dB steps. `centered`: the range is skewed so that 0 dB sits at the knob's
/// top and the half-turn around it is finer (a host's automation lane gets the same law).
fn decibels(name: &str, default: f32, min: f32, max: f32, centered: bool) -> FloatParam {
    let range = if centered {
        FloatRange::SymmetricalSkewed {
            min,
            max,
            factor: GAIN_SKEW,
            center: 0.0,
        }
    } else {
        FloatRange::Linear { min, max }
    };
    FloatParam::new(name, default, range)
        .with_unit(" dB")
        .with_step_size(0.1)
        .with_value_to_string(text::db_to_text())
        .with_string_to_value(text::db_from_text())
}

/// Whole percent; `mono`: the word "mono" means 0.
fn percent(name: &str, default: f32, min: f32, max: f32, mono: bool) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(" %")
        .with_step_size(1.0)
        .with_value_to_string(text::percent_to_text())
        .with_string_to_value(text::percent_from_text(mono))
}

impl Default for WebstripParams {
    fn default() -> Self {
        Self {
            input: decibels("Input", 0.0, -24.0, 24.0, true),
            output: decibels("Output", 0.0, -60.0, 12.0, true),
            pan: FloatParam::new(
                "Pan",
                0.0,
                FloatRange::Linear {
                    min: -100.0,
                    max: 100.0,
                },
            )
            .with_step_size(1.0)
            .with_value_to_string(text::pan_to_text())
            .with_string_to_value(text::pan_from_text()),
            width: percent("Width", 100.0, 0.0, 200.0, true),
            invert_l: BoolParam::new("Invert L", false),
            invert_r: BoolParam::new("Invert R", false),
            mute: BoolParam::new("Mute", false),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
            tone: EnumParam::new("Tone", ToneChoice::Off),
            tone_level: decibels("Tone Level", -18.0, -60.0, 0.0, false),
            mono: BoolParam::new("Mono", false),
            swap: BoolParam::new("Swap L/R", false),
            dc_filter: BoolParam::new("DC Filter", false),
        }
    }
}

impl WebstripParams {
    /// The current values as DSP settings (atomic loads only: safe on the audio thread).
    pub fn settings(&self) -> Settings {
        Settings {
            input_db: self.input.value(),
            output_db: self.output.value(),
            pan: self.pan.value(),
            width: self.width.value(),
            invert_l: self.invert_l.value(),
            invert_r: self.invert_r.value(),
            mute: self.mute.value(),
            bypass: self.bypass.value(),
            tone: self.tone.value().into(),
            tone_level_db: self.tone_level.value(),
            mono: self.mono.value(),
            swap: self.swap.value(),
            dc_filter: self.dc_filter.value(),
        }
    }
}
