//! The instance's parameters as the protocol sees them: lookup by id, description, current values,
//! and the checked conversion of a requested value to the normalized value sent to the host.

use std::collections::HashMap;
use std::sync::Arc;

use nice_plug::params::internals::ParamPtr;
use nice_plug::prelude::{Param, Params};

use crate::jsonrpc::{ErrorCode, RpcError};
use crate::protocol::{ParamInfo, ParamKind, ParamValue};

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
