//! The plugin's parameters, declared once for every host, editor and bridge.
//!
//! The ids (`#[id = "…"]`) are part of saved sessions and of the bridge protocol: never rename one,
//! and append new ones at the end.
//!
//! [`text`] holds the mix-engineer formatting (`+1.5 dB`, `30L`/`C`/`30R`) that the parameters
//! are to use once every host test reads it (issue #12); the DSP for `mono`, `swap` and
//! `dc_filter` is in [`crate::dsp`], its parameters not declared yet.

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
}

fn linear(name: &str, default: f32, min: f32, max: f32, unit: &'static str) -> FloatParam {
    FloatParam::new(name, default, FloatRange::Linear { min, max })
        .with_unit(unit)
        .with_value_to_string(formatters::v2s_f32_rounded(2))
}

impl Default for WebstripParams {
    fn default() -> Self {
        Self {
            input: linear("Input", 0.0, -24.0, 24.0, " dB"),
            output: linear("Output", 0.0, -60.0, 12.0, " dB"),
            pan: linear("Pan", 0.0, -100.0, 100.0, " %"),
            width: linear("Width", 100.0, 0.0, 200.0, " %"),
            invert_l: BoolParam::new("Invert L", false),
            invert_r: BoolParam::new("Invert R", false),
            mute: BoolParam::new("Mute", false),
            bypass: BoolParam::new("Bypass", false).make_bypass(),
            tone: EnumParam::new("Tone", ToneChoice::Off),
            tone_level: linear("Tone Level", -18.0, -60.0, 0.0, " dB"),
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
            ..Settings::default()
        }
    }
}
