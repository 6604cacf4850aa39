//! A saved state is applied whole or refused whole (see `webstrip::state`).

use std::collections::BTreeMap;

use nice_plug::plugin::ParamValue;
use nice_plug::prelude::*;
use webstrip::state::{validate, validate_against};

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

/// A parameter set with the kind Webstrip lacks (an integer), to check the check covers it.
#[derive(Params)]
struct WithInts {
    #[id = "voices"]
    voices: IntParam,
    #[id = "octave"]
    octave: IntParam,
}

static DOWN: IntRange = IntRange::Linear { min: -3, max: 3 };

impl Default for WithInts {
    fn default() -> Self {
        Self {
            voices: IntParam::new("Voices", 4, IntRange::Linear { min: 1, max: 16 }),
            octave: IntParam::new("Octave", 0, IntRange::Reversed(&DOWN)),
        }
    }
}

#[test]
fn int_parameters_take_integers_in_their_range_and_nothing_else() {
    let params = WithInts::default();
    for good in [
        ("voices", ParamValue::I32(1)),
        ("voices", ParamValue::I32(16)),
        ("octave", ParamValue::I32(-3)),
        ("octave", ParamValue::I32(3)),
    ] {
        assert_eq!(
            validate_against(&params, &state(std::slice::from_ref(&good))),
            Ok(()),
            "{good:?}"
        );
    }
    for bad in [
        ("voices", ParamValue::I32(0)),
        ("voices", ParamValue::I32(17)),
        ("voices", ParamValue::I32(i32::MIN)),
        ("octave", ParamValue::I32(4)),
        ("voices", ParamValue::F32(4.0)),
        ("voices", ParamValue::Bool(true)),
        ("voices", ParamValue::String("4".into())),
    ] {
        let s = state(&[("octave", ParamValue::I32(1)), bad.clone()]);
        let err = validate_against(&params, &s).expect_err(&format!("{bad:?} must be refused"));
        assert!(
            err.0.contains(bad.0),
            "the error names the parameter: {err}"
        );
    }
}

#[test]
fn a_saved_int_state_reads_back_through_json() {
    // What nice-plug writes for an int parameter ({"i32": n}) passes; a float-typed value does not.
    let params = WithInts::default();
    let good: PluginState =
        serde_json::from_str(r#"{"version":"0.3.0","params":{"voices":{"i32":8}},"fields":{}}"#)
            .unwrap();
    assert_eq!(validate_against(&params, &good), Ok(()));
    let float: PluginState =
        serde_json::from_str(r#"{"version":"0.3.0","params":{"voices":{"f32":8.0}},"fields":{}}"#)
            .unwrap();
    assert!(validate_against(&params, &float).is_err());
}
