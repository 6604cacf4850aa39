//! A saved state is applied whole or refused whole (see `webstrip::state`).

use std::collections::BTreeMap;

use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;
use webstrip::state::validate;

fn state(entries: &[(&str, ParamValue)]) -> PluginState {
    PluginState {
        version: "0.3.0".into(),
        params: entries
            .iter()
            .map(|(id, v)| (id.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
        fields: BTreeMap::new(),
    }
}

#[test]
fn a_complete_valid_state_is_accepted() {
    let s = state(&[
        ("input", ParamValue::F32(-24.0)),
        ("output", ParamValue::F32(12.0)),
        ("pan", ParamValue::F32(-100.0)),
        ("width", ParamValue::F32(200.0)),
        ("invert_l", ParamValue::Bool(true)),
        ("invert_r", ParamValue::Bool(false)),
        ("mute", ParamValue::Bool(true)),
        ("bypass", ParamValue::Bool(false)),
        ("tone", ParamValue::String("pink".into())),
        ("tone_level", ParamValue::F32(-60.0)),
    ]);
    assert_eq!(validate(&s), Ok(()));
    assert_eq!(validate(&state(&[("tone", ParamValue::I32(2))])), Ok(()));
}

#[test]
fn ids_from_a_newer_version_are_skipped_not_fatal() {
    assert_eq!(validate(&state(&[("drive", ParamValue::F32(3.0))])), Ok(()));
}

#[test]
fn bad_values_refuse_the_whole_state() {
    let bad = [
        ("tone", ParamValue::I32(7)),
        ("tone", ParamValue::I32(-1)),
        ("tone", ParamValue::String("square".into())),
        ("tone", ParamValue::F32(1.0)),
        ("input", ParamValue::F32(1000.0)),
        ("input", ParamValue::F32(-24.5)),
        ("output", ParamValue::F32(f32::NAN)),
        ("width", ParamValue::F32(f32::INFINITY)),
        ("input", ParamValue::Bool(true)),
        ("mute", ParamValue::F32(1.0)),
    ];
    for entry in bad {
        let s = state(&[("pan", ParamValue::F32(10.0)), entry.clone()]);
        let err = validate(&s).expect_err(&format!("{entry:?} must be refused"));
        assert!(
            err.0.contains(entry.0),
            "the error names the parameter: {err}"
        );
    }
}
