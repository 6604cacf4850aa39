//! The instance's parameters as the protocol sees them: lookup by id, description, current values,
//! and the checked conversion of a requested value to the normalized value sent to the host.

use std::collections::HashMap;
use std::sync::Arc;

use nice_plug::params::internals::ParamPtr;
use nice_plug::prelude::{FloatRange, Param, Params};

use crate::jsonrpc::{ErrorCode, RpcError};
use crate::protocol::{Law, ParamInfo, ParamKind, ParamValue};

/// One parameter: its id, its pointer into the params object, its group.
pub(crate) struct Entry {
    pub id: String,
    pub ptr: ParamPtr,
    group: String,
}

/// Every parameter of one instance, in the plugin's order.
pub(crate) struct ParamTable {
    // Keeps the params object (and so every `ParamPtr`) alive.
    _params: Arc<dyn Params>,
    entries: Vec<Entry>,
    by_id: HashMap<String, usize>,
}

// SAFETY: `ParamPtr`s point into `_params`, which the table keeps alive; parameters are read and
// written through atomics only.
unsafe impl Send for ParamTable {}
unsafe impl Sync for ParamTable {}

impl ParamTable {
    /// The table of `params`.
    pub fn new(params: Arc<dyn Params>) -> Self {
        let entries: Vec<Entry> = params
            .param_map()
            .into_iter()
            .map(|(id, ptr, group)| Entry { id, ptr, group })
            .collect();
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Self {
            _params: params,
            entries,
            by_id,
        }
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry at `index`.
    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    /// The index of `id`, or the protocol's unknown-parameter error.
    pub fn index(&self, id: &str) -> Result<usize, RpcError> {
        self.by_id.get(id).copied().ok_or_else(|| {
            RpcError::new(ErrorCode::UnknownParameter, "unknown parameter")
                .with_data(serde_json::Value::String(id.to_owned()))
        })
    }

    /// The current (unmodulated) value of the parameter at `index`.
    pub fn value(&self, index: usize) -> ParamValue {
        let entry = &self.entries[index];
        // SAFETY: the pointer is alive as long as `self` (see the field `_params`).
        let normalized = unsafe { entry.ptr.unmodulated_normalized_value() };
        self.value_at(index, normalized)
    }

    /// The value the parameter at `index` has when set to `normalized`.
    pub fn value_at(&self, index: usize, normalized: f32) -> ParamValue {
        let entry = &self.entries[index];
        let plain = self.plain(entry.ptr, normalized);
        let normalized = self.normalize(entry.ptr, plain);
        ParamValue {
            id: entry.id.clone(),
            value: plain,
            normalized,
            // SAFETY: as above.
            text: unsafe { entry.ptr.normalized_value_to_string(normalized, true) },
            clamped: None,
        }
    }

    /// The full description of the parameter at `index`.
    pub fn info(&self, index: usize) -> ParamInfo {
        let entry = &self.entries[index];
        let ptr = entry.ptr;
        let current = self.value(index);
        let kind = kind(ptr);
        // SAFETY: as above.
        let (default_normalized, steps, unit, name) = unsafe {
            (
                ptr.default_normalized_value(),
                ptr.step_count(),
                ptr.unit(),
                ptr.name().to_owned(),
            )
        };
        let variants = (kind == ParamKind::Enum).then(|| {
            let count = steps.unwrap_or(0) + 1;
            (0..count)
                .map(|i| {
                    let n = self.normalize(ptr, i as f32);
                    // SAFETY: as above.
                    unsafe { ptr.normalized_value_to_string(n, false) }
                })
                .collect()
        });
        ParamInfo {
            id: entry.id.clone(),
            name,
            kind,
            value: current.value,
            normalized: current.normalized,
            default: self.plain(ptr, default_normalized),
            min: self.plain(ptr, 0.0),
            max: self.plain(ptr, 1.0),
            step: steps.map(|_| 1.0),
            law: law(ptr),
            // SAFETY: as above.
            step_size: match ptr {
                ParamPtr::FloatParam(p) => unsafe { (*p).step_size() },
                _ => None,
            },
            unit: unit.trim().to_owned(),
            text: current.text,
            variants,
            group: (!entry.group.is_empty()).then(|| entry.group.clone()),
        }
    }

    /// The snapped normalized value to send to the host for a requested plain `value`, or an error
    /// when it is not a number the parameter can take.
    pub fn normalized_for_plain(&self, index: usize, value: f64) -> Result<f32, RpcError> {
        let ptr = self.entries[index].ptr;
        let (min, max) = (self.plain(ptr, 0.0), self.plain(ptr, 1.0));
        let (lo, hi) = (f64::from(min.min(max)), f64::from(min.max(max)));
        if !value.is_finite() || value < lo || value > hi {
            return Err(out_of_range(lo, hi));
        }
        if kind(ptr) != ParamKind::Float && value.fract() != 0.0 {
            return Err(RpcError::new(
                ErrorCode::InvalidParams,
                "value must be a whole number for this parameter",
            ));
        }
        Ok(self.normalize(ptr, value as f32))
    }

    /// The snapped normalized value to send to the host for a requested `normalized`, or an error
    /// when it is outside 0..=1.
    pub fn normalized_for_normalized(
        &self,
        index: usize,
        normalized: f64,
    ) -> Result<f32, RpcError> {
        if !normalized.is_finite() || !(0.0..=1.0).contains(&normalized) {
            return Err(out_of_range(0.0, 1.0));
        }
        let ptr = self.entries[index].ptr;
        Ok(self.normalize(ptr, self.plain(ptr, normalized as f32)))
    }

    /// The snapped normalized value for what a user typed, read by the parameter's own parser,
    /// and whether the text named a value beyond the range (then the nearest end is taken).
    pub fn normalized_for_text(&self, index: usize, text: &str) -> Result<(f32, bool), RpcError> {
        let entry = &self.entries[index];
        let ptr = entry.ptr;
        // SAFETY: as above.
        let parsed = unsafe { ptr.string_to_normalized_value(text) };
        let Some(normalized) = parsed.filter(|n| n.is_finite()) else {
            // SAFETY: as above.
            let name = unsafe { ptr.name() };
            return Err(
                RpcError::new(ErrorCode::InvalidParams, format!("not a value for {name}"))
                    .with_data(serde_json::json!({ "text": text })),
            );
        };
        let normalized = self.normalize(ptr, self.plain(ptr, normalized));
        let at_end = normalized <= 0.0 || normalized >= 1.0;
        let clamped = at_end && beyond(text, &self.value_at(index, normalized).text);
        Ok((normalized, clamped))
    }

    /// Plain value for `normalized`, snapped as the parameter does.
    fn plain(&self, ptr: ParamPtr, normalized: f32) -> f32 {
        // SAFETY: `ptr` comes from this table (see `_params`).
        unsafe {
            match ptr {
                ParamPtr::BoolParam(p) => f32::from(u8::from((*p).preview_plain(normalized))),
                _ => ptr.preview_plain(normalized),
            }
        }
    }

    /// Normalized value for a plain value (already checked to be in range).
    fn normalize(&self, ptr: ParamPtr, plain: f32) -> f32 {
        // SAFETY: as above.
        unsafe {
            match ptr {
                ParamPtr::BoolParam(p) => (*p).preview_normalized(plain >= 0.5),
                _ => ptr.preview_normalized(plain),
            }
        }
    }
}

/// The parameter's [`Law`] (nice-plug's `FloatRange`; other kinds are linear).
fn law(ptr: ParamPtr) -> Law {
    fn of(range: &FloatRange, reversed: bool) -> Law {
        match *range {
            FloatRange::Linear { .. } => Law::Linear { reversed },
            FloatRange::Skewed { factor, .. } => Law::Skewed { factor, reversed },
            FloatRange::SymmetricalSkewed { factor, center, .. } => Law::SymmetricalSkewed {
                factor,
                center,
                reversed,
            },
            FloatRange::Reversed(inner) => of(inner, !reversed),
        }
    }
    match ptr {
        // SAFETY: `ptr` comes from a live table (see `ParamTable::_params`).
        ParamPtr::FloatParam(p) => of(&unsafe { (*p).range() }, false),
        _ => Law::Linear { reversed: false },
    }
}

/// Whether `typed` names a value beyond the range end whose text is `end`: its number is larger
/// in magnitude than the end's (`inf`/`∞` being the largest). Parsers clamp, so this compares
/// what was typed with what was taken.
fn beyond(typed: &str, end: &str) -> bool {
    match (magnitude(typed), magnitude(end)) {
        (Some(typed), Some(end)) => typed > end * (1.0 + 1e-6) + 1e-9,
        _ => false,
    }
}

/// The magnitude of the first number in `text` (`inf` or `∞` is infinite), if there is one.
fn magnitude(text: &str) -> Option<f64> {
    let lower = text.to_lowercase();
    if lower.contains("inf") || lower.contains('∞') {
        return Some(f64::INFINITY);
    }
    let start = lower.find(|c: char| c.is_ascii_digit() || c == '.')?;
    let digits: String = lower[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    digits.parse().ok()
}

fn kind(ptr: ParamPtr) -> ParamKind {
    match ptr {
        ParamPtr::FloatParam(_) => ParamKind::Float,
        ParamPtr::IntParam(_) => ParamKind::Int,
        ParamPtr::BoolParam(_) => ParamKind::Bool,
        ParamPtr::EnumParam(_) => ParamKind::Enum,
    }
}

fn out_of_range(min: f64, max: f64) -> RpcError {
    RpcError::new(ErrorCode::OutOfRange, "value out of range")
        .with_data(serde_json::json!({ "min": min, "max": max }))
}
