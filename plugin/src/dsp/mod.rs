//! The signal path, free of any plugin framework: a 2×2 gain matrix plus two test generators,
//! with every coefficient ramped linearly so that no parameter change clicks.
//!
//! The plugin turns its parameters into [`Settings`], [`law::coefficients`] turns those into the
//! eight coefficients of [`Coefficients`], and [`Strip`] ramps towards them and applies them:
//!
//! ```text
//! out_l = a[0][0]·in_l + a[0][1]·in_r + sine[0]·sin(2π·1kHz·t) + pink[0]·pink(t)
//! out_r = a[1][0]·in_l + a[1][1]·in_r + sine[1]·sin(2π·1kHz·t) + pink[1]·pink(t)
//! ```
//!
//! Before the matrix, [`dc::DcFilter`] removes DC from the input when asked. After it,
//! [`loudness::Analyser`] measures the output's loudness (BS.1770-4 / EBU R128).

pub mod dc;
pub mod law;
pub mod loudness;
mod strip;
pub mod tone;

pub use law::{Coefficients, Settings, Tone};
pub use strip::Strip;

/// Length of every parameter ramp, in seconds. A jump of a coefficient by `Δ` therefore moves a
/// sample by at most `|Δ|·|x| / (RAMP_SECONDS·sample_rate)` from one sample to the next.
pub const RAMP_SECONDS: f32 = 0.02;

/// Converts decibels to a linear amplitude factor.
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Converts a linear amplitude factor to decibels (−∞ for 0).
pub fn gain_to_db(gain: f32) -> f32 {
    20.0 * gain.log10()
}
