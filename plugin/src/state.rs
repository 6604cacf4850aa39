//! Checking a saved state before nice-plug applies it: a state is taken whole or not at all.
//!
//! nice-plug applies each stored value as it is, so a bad entry could put a parameter out of its
//! range, or store an enum index that later panics when the host saves the project. Webstrip
//! therefore refuses a state with any wrong-typed, non-finite, out-of-range or unknown-variant
//! value (the instance keeps its current values and a warning is logged). Ids the plugin does not
//! know are skipped, so a state from a newer version still loads what this version has.

use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;

use crate::params::WebstripParams;

/// Why a state was refused.
#[derive(Debug, Clone, PartialEq)]
pub struct StateError(pub String);

impl std::fmt::Display for StateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Checks every stored parameter value of `state` against Webstrip's parameters.
pub fn validate(state: &PluginState) -> Result<(), StateError> {
    validate_against(&WebstripParams::default(), state)
}

/// Checks every stored parameter value of `state` against `params`: the check covers every kind
/// of nice-plug parameter, so adding one to Webstrip cannot make every saved state be refused.
pub fn validate_against(params: &impl Params, state: &PluginState) -> Result<(), StateError> {
    let map = params.param_map();
    for (id, value) in &state.params {
        let Some((_, ptr, _)) = map.iter().find(|(pid, _, _)| pid == id) else {
            continue;
        };
        let bad = |why: &str| Err(StateError(format!("parameter '{id}': {why} ({value:?})")));
        // SAFETY: every pointer comes from `params`, which outlives this function.
        unsafe {
            match (ptr, value) {
                (ParamPtr::FloatParam(inner), ParamValue::F32(v)) => {
                    // The range's ends, not a round trip: a value between two steps (from a
                    // version with finer steps) is in range and snaps when applied.
                    let range = (**inner).range();
                    let (a, b) = (range.unnormalize(0.0), range.unnormalize(1.0));
                    let (lo, hi) = (a.min(b), a.max(b));
                    let slack = 1e-4 * lo.abs().max(hi.abs()).max(1.0);
                    if !v.is_finite() || *v < lo - slack || *v > hi + slack {
                        return bad("outside the parameter's range");
                    }
                }
                (ParamPtr::IntParam(inner), ParamValue::I32(v)) => {
                    if !int_range_contains(&(**inner).range(), *v) {
                        return bad("outside the parameter's range");
                    }
                }
                (ParamPtr::BoolParam(_), ParamValue::Bool(_)) => {}
                (ParamPtr::EnumParam(_), ParamValue::I32(index)) => {
                    let last = ptr.step_count().unwrap_or(0) as i32;
                    if !(0..=last).contains(index) {
                        return bad("no such choice");
                    }
                }
                (ParamPtr::EnumParam(inner), ParamValue::String(choice)) => {
                    if !(**inner).set_from_id(choice) {
                        return bad("no such choice");
                    }
                }
                _ => return bad("wrong type"),
            }
        }
    }
    Ok(())
}

/// Whether `value` lies in `range` (inclusive), compared as integers: nice-plug's own
/// normalize/unnormalize round trip goes through `f32` and is inexact for wide ranges.
fn int_range_contains(range: &IntRange, value: i32) -> bool {
    match range {
        IntRange::Linear { min, max } => (*min..=*max).contains(&value),
        IntRange::Reversed(inner) => int_range_contains(inner, value),
    }
}
