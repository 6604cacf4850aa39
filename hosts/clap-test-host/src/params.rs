//! Parameter descriptions and the parameter events the host sends and receives.

use clack_extensions::params::ParamInfoFlags;
use clack_host::events::event_types::{
    ParamGestureBeginEvent, ParamGestureEndEvent, ParamModEvent, ParamValueEvent,
};
use clack_host::events::io::EventBuffer;
use clack_host::events::{Pckn, UnknownEvent};
use clack_host::prelude::ClapId;

/// A parameter as the plugin describes it through `clap_plugin_params.get_info()`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamInfo {
    /// The CLAP parameter id (for nice-plug: a hash of the string id).
    pub id: u32,
    /// The display name.
    pub name: String,
    /// The module path (nice-plug: the parameter group, empty at the top level).
    pub module: String,
    /// Lowest CLAP value.
    pub min: f64,
    /// Highest CLAP value.
    pub max: f64,
    /// Default CLAP value.
    pub default: f64,
    /// The CLAP flags.
    pub flags: ParamInfoFlags,
}

impl ParamInfo {
    /// Whether the plugin flags this parameter as the host's bypass.
    pub fn is_bypass(&self) -> bool {
        self.flags.contains(ParamInfoFlags::IS_BYPASS)
    }

    /// Whether the parameter only takes integer values (bools, enums, ints).
    pub fn is_stepped(&self) -> bool {
        self.flags.contains(ParamInfoFlags::IS_STEPPED)
    }
}

/// A parameter event, as the host sends it (input) or the plugin emits it (output).
///
/// `time` is the sample offset inside the block; flush ignores it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ParamEvent {
    /// `CLAP_EVENT_PARAM_VALUE`: set a parameter to a CLAP value.
    Value {
        /// Sample offset in the block.
        time: u32,
        /// CLAP parameter id.
        id: u32,
        /// The CLAP value (within the info's `min..=max`).
        value: f64,
    },
    /// `CLAP_EVENT_PARAM_MOD`: a modulation offset on top of the value.
    Mod {
        /// Sample offset in the block.
        time: u32,
        /// CLAP parameter id.
        id: u32,
        /// The modulation amount, in CLAP value units.
        amount: f64,
    },
    /// `CLAP_EVENT_PARAM_GESTURE_BEGIN`: a user started to adjust the parameter.
    GestureBegin {
        /// Sample offset in the block.
        time: u32,
        /// CLAP parameter id.
        id: u32,
    },
    /// `CLAP_EVENT_PARAM_GESTURE_END`: the adjustment ended.
    GestureEnd {
        /// Sample offset in the block.
        time: u32,
        /// CLAP parameter id.
        id: u32,
    },
}

impl ParamEvent {
    /// A value event at sample offset `time`.
    pub fn value(time: u32, id: u32, value: f64) -> Self {
        Self::Value { time, id, value }
    }

    /// The sample offset.
    pub fn time(&self) -> u32 {
        match *self {
            Self::Value { time, .. }
            | Self::Mod { time, .. }
            | Self::GestureBegin { time, .. }
            | Self::GestureEnd { time, .. } => time,
        }
    }

    /// The parameter the event is about.
    pub fn id(&self) -> u32 {
        match *self {
            Self::Value { id, .. }
            | Self::Mod { id, .. }
            | Self::GestureBegin { id, .. }
            | Self::GestureEnd { id, .. } => id,
        }
    }

    /// Appends the event to a CLAP event buffer.
    pub(crate) fn push_to(&self, buffer: &mut EventBuffer) {
        let all = Pckn::match_all();
        match *self {
            Self::Value { time, id, value } => {
                buffer.push(&ParamValueEvent::new(time, ClapId::new(id), all, value))
            }
            Self::Mod { time, id, amount } => {
                buffer.push(&ParamModEvent::new(time, ClapId::new(id), all, amount))
            }
            Self::GestureBegin { time, id } => {
                buffer.push(&ParamGestureBeginEvent::new(time, ClapId::new(id)))
            }
            Self::GestureEnd { time, id } => {
                buffer.push(&ParamGestureEndEvent::new(time, ClapId::new(id)))
            }
        }
    }

    /// Reads a parameter event back from a CLAP event; `None` for any other kind of event.
    pub(crate) fn from_clap(event: &UnknownEvent) -> Option<Self> {
        let time = event.header().time();
        if let Some(e) = event.as_event::<ParamValueEvent>() {
            return Some(Self::Value {
                time,
                id: e.param_id()?.get(),
                value: e.value(),
            });
        }
        if let Some(e) = event.as_event::<ParamModEvent>() {
            return Some(Self::Mod {
                time,
                id: e.param_id()?.get(),
                amount: e.amount(),
            });
        }
        if let Some(e) = event.as_event::<ParamGestureBeginEvent>() {
            return Some(Self::GestureBegin {
                time,
                id: e.param_id()?.get(),
            });
        }
        if let Some(e) = event.as_event::<ParamGestureEndEvent>() {
            return Some(Self::GestureEnd {
                time,
                id: e.param_id()?.get(),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_a_clap_event_buffer() {
        let events = [
            ParamEvent::value(3, 42, 0.25),
            ParamEvent::Mod {
                time: 4,
                id: 7,
                amount: -0.5,
            },
            ParamEvent::GestureBegin { time: 5, id: 42 },
            ParamEvent::GestureEnd { time: 9, id: 42 },
        ];
        let mut buffer = EventBuffer::new();
        for event in &events {
            event.push_to(&mut buffer);
        }
        let back: Vec<ParamEvent> = buffer.iter().filter_map(ParamEvent::from_clap).collect();
        assert_eq!(back, events);
        assert_eq!(
            back.iter().map(ParamEvent::time).collect::<Vec<_>>(),
            [3, 4, 5, 9]
        );
        assert_eq!(
            back.iter().map(ParamEvent::id).collect::<Vec<_>>(),
            [42, 7, 42, 42]
        );
    }
}
