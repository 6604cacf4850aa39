"""Webstrip's VST3 build in a real host: pedalboard (JUCE's VST3 hosting) loads the bundle,
lists its parameters, sets them by plain value, processes numpy audio and saves/restores state.

Bundle: `$WEBSTRIP_VST3`, else `<repo>/target/bundled/Webstrip.vst3`.

Host facts these tests rely on (measured with pedalboard 0.9.26, see webstrip_host.py):
parameter changes reach the plugin in the first block of the next `process()` call, every call
resets the plugin first (so that change ramps over the first 20 ms of that call and the next call
is settled from sample 0), and float parameters snap to pedalboard's 1001-value table.
pedalboard types a parameter from its texts: `float` when every text parses with `float()`
(Input, Output, Width, Tone Level), else `str` with the texts as values (Pan: "30L", "C", "30R").
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import webstrip_host as host

SR = 48_000
RAMP = 960  # 20 ms at 48 kHz
SKIP = 2_400  # 50 ms: past every ramp
HERE = Path(__file__).resolve().parent


# --- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def plugin(bundle):
    """A fresh instance per test."""
    return host.load(bundle)


def sine(freq: float, dbfs: float, seconds: float = 2.0, sr: int = SR, phase: float = 0.0):
    t = np.arange(int(seconds * sr)) / sr
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * freq * t + phase)


def stereo(left, right) -> np.ndarray:
    return np.stack([left, right]).astype(np.float32)


def sine_pair(seconds: float = 2.0) -> np.ndarray:
    """1 kHz at −12 dBFS on both channels, the right one 90° later."""
    return stereo(sine(1000, -12, seconds), sine(1000, -12, seconds, phase=np.pi / 2))


def distinct_pair(seconds: float = 2.0) -> np.ndarray:
    """Different content per channel (1 kHz −12 dBFS left, 440 Hz −18 dBFS right), so that any
    mixing between the channels shows."""
    return stereo(sine(1000, -12, seconds), sine(440, -18, seconds))


def rms_db(x) -> float:
    x = np.asarray(x, dtype=np.float64)
    return 10 * math.log10(np.mean(x * x))


def peak_db(x) -> float:
    return 20 * math.log10(np.max(np.abs(np.asarray(x, dtype=np.float64))))


def db(gain_db: float) -> float:
    return 10 ** (gain_db / 20)


def pan_text(pan: float) -> str:
    """Pan as the plugin writes it (and pedalboard therefore takes it): 30L, C, 30R."""
    amount = round(abs(pan))
    return "C" if amount == 0 else f"{amount}{'L' if pan < 0 else 'R'}"


def centred_plain(raw: float, lo: float, hi: float) -> float:
    """The plain value of a gain on its symmetrically skewed law (nice-plug's
    `SymmetricalSkewed`, factor 0.5, centre 0 dB): 0 dB at 0.5, each half `p^0.5` from there."""
    centre = -lo / (hi - lo)
    if raw >= 0.5:
        p = centre + ((raw - 0.5) * 2) ** 2 * (1 - centre)
    else:
        p = centre - ((0.5 - raw) * 2) ** 2 * centre
    return lo + p * (hi - lo)


def set_params(plugin, **values) -> None:
    """Sets parameters by plain value and checks pedalboard set exactly those values."""
    for name, value in values.items():
        setattr(plugin, name, value)
        assert host.value_of(plugin, name) == value, (
            f"pedalboard set {name} to {host.value_of(plugin, name)!r}, not {value!r} "
            "(value off its 1001-entry table?)"
        )


def process(plugin, x: np.ndarray, sr: int = SR) -> np.ndarray:
    y = plugin.process(x, sr)
    assert y.shape == x.shape and y.dtype == np.float32
    return y


def assert_close(actual, expected, atol: float = 2e-6) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, np.float64), np.asarray(expected, np.float64), rtol=0, atol=atol
    )


# --- loading and parameters -------------------------------------------------------------------


def test_plugin_loads_as_an_effect(plugin):
    assert plugin.name == "Webstrip"
    assert plugin.manufacturer_name == "Webstrip"
    assert plugin.is_effect and not plugin.is_instrument
    assert plugin.category.split("|") == ["Fx", "Tools", "Stereo"]


# name as pedalboard exposes it -> (display name, min, max, units, default value, default raw)
FLOATS = {
    "input_db": ("Input", -24.0, 24.0, " dB", 0.0, 0.5),
    "output_db": ("Output", -60.0, 12.0, " dB", 0.0, 0.5),
    "width": ("Width", 0.0, 200.0, " %", 100.0, 0.5),
    "tone_level_db": ("Tone Level", -60.0, 0.0, " dB", -18.0, 0.7),
}
# The gains are skewed around 0 dB (finer near unity); the others are linear.
CENTRED = {"input_db", "output_db"}
BOOLS = {"invert_l": "Invert L", "invert_r": "Invert R", "mute": "Mute", "bypass": "Bypass",
         "mono": "Mono", "swap_l_r": "Swap L/R", "dc_filter": "DC Filter"}
TONES = ["Off", "Sine 1 kHz", "Pink noise"]


def test_all_thirteen_parameters_listed_with_names_ranges_units_defaults(plugin):
    params = plugin.parameters
    assert sorted(params) == sorted([*FLOATS, *BOOLS, "tone", "pan"])
    assert len(params) == 13

    for key, (name, lo, hi, units, default, default_raw) in FLOATS.items():
        p = params[key]
        assert p.name == name, key
        assert p.type is float, key
        assert (p.min_value, p.max_value) == (lo, hi), key
        # pedalboard keeps the plugin's unit string as is, leading space included.
        assert p.units == units and p.label == units, key
        assert host.value_of(plugin, key) == default, key
        assert p.default_raw_value == pytest.approx(default_raw, abs=1e-6), key
        assert p.raw_value == pytest.approx(default_raw, abs=1e-6), key
        assert p.valid_values[0] == lo and p.valid_values[-1] == hi, key

    # Pan reads as L/C/R, so pedalboard offers it by its texts, one per whole percent.
    pan = params["pan"]
    assert pan.name == "Pan"
    assert pan.type is str
    values = list(pan.valid_values)
    assert values[:2] == ["100L", "99L"] and values[-2:] == ["99R", "100R"]
    assert len(values) == 201 and values[100] == "C"
    assert host.value_of(plugin, "pan") == "C"
    assert pan.default_raw_value == pytest.approx(0.5)

    for key, name in BOOLS.items():
        p = params[key]
        assert p.name == name, key
        assert p.type is bool, key
        assert (p.min_value, p.max_value) == (False, True), key
        assert p.units is None, key
        assert host.value_of(plugin, key) is False, key
        assert p.default_raw_value == 0.0, key

    tone = params["tone"]
    assert tone.name == "Tone"
    assert tone.type is str
    assert list(tone.valid_values) == TONES
    assert host.value_of(plugin, "tone") == "Off"
    assert tone.default_raw_value == 0.0


@pytest.mark.parametrize("key", ["input_db", "output_db", "width", "tone_level_db"])
def test_float_parameters_follow_their_law_in_the_host(plugin, key):
    """A raw (normalized) value gives min + raw·(max − min) on the linear ranges, and the
    symmetrically skewed law on the gains: 0 dB in the middle, a quarter from it a sixteenth."""
    _, lo, hi, *_ = FLOATS[key]
    for raw in (0.0, 0.25, 0.5, 0.75, 1.0):
        plugin.parameters[key].raw_value = raw
        expected = centred_plain(raw, lo, hi) if key in CENTRED else lo + raw * (hi - lo)
        assert host.value_of(plugin, key) == pytest.approx(expected, abs=0.01), raw
    if key == "input_db":
        plugin.parameters[key].raw_value = 0.25
        assert host.value_of(plugin, key) == -6.0
    if key == "output_db":
        plugin.parameters[key].raw_value = 0.75
        assert host.value_of(plugin, key) == 3.0


def test_pan_in_the_host_is_linear_from_100l_to_100r(plugin):
    for raw, text in ((0.0, "100L"), (0.25, "50L"), (0.5, "C"), (0.75, "50R"), (1.0, "100R")):
        plugin.parameters["pan"].raw_value = raw
        assert host.value_of(plugin, "pan") == text


def test_normalized_values_outside_0_1_are_clamped(plugin):
    """A host may send raw values outside 0..1: they land on the range's ends."""
    x = sine_pair(0.5)
    plugin.parameters["input_db"].raw_value = 1.5
    plugin.parameters["tone"].raw_value = -0.5
    plugin.parameters["output_db"].raw_value = -0.5
    host.flush(plugin)
    saved = json.loads(host.component_state(plugin.raw_state))["params"]
    assert saved["input"] == {"f32": 24.0}
    assert saved["output"] == {"f32": -60.0}
    assert saved["tone"] == {"string": "off"}
    y = process(plugin, x)
    assert rms_db(y[:, SKIP:]) - rms_db(x[:, SKIP:]) == pytest.approx(24.0 - 60.0, abs=0.01)


def test_tone_choices_map_to_raw_values(plugin):
    for index, choice in enumerate(TONES):
        plugin.tone = choice
        assert plugin.parameters["tone"].raw_value == pytest.approx(index / 2)


# --- the signal path on real audio ------------------------------------------------------------


def test_defaults_are_bit_exact_identity(plugin):
    x = stereo(*np.random.default_rng(7).uniform(-0.9, 0.9, (2, SR)))
    assert np.array_equal(process(plugin, x), x)


def test_input_minus_6_db(plugin):
    x = sine_pair()
    set_params(plugin, input_db=-6.0)
    y = process(plugin, x)
    # The whole change ramps in this call (pedalboard delivers it in the first block).
    for ch in range(2):
        assert rms_db(y[ch, SKIP:]) - rms_db(x[ch, SKIP:]) == pytest.approx(-6.00, abs=0.02)
    assert rms_db(y[:, SKIP:]) - rms_db(x[:, SKIP:]) == pytest.approx(-6.00, abs=0.02)
    # Sample by sample, once settled: exactly the −6 dB gain (to float32 rounding).
    assert_close(y[:, SKIP:], x[:, SKIP:] * db(-6.0))
    # It did ramp: the first sample is still near unity gain.
    assert abs(y[1, 0] / x[1, 0]) > 0.99


@pytest.mark.parametrize("out_db", [-60.0, -24.0, -6.0, 12.0])
def test_output_gain(plugin, out_db):
    x = sine_pair()
    set_params(plugin, output_db=out_db)
    y = process(plugin, x)
    assert rms_db(y[:, SKIP:]) - rms_db(x[:, SKIP:]) == pytest.approx(out_db, abs=0.01)
    assert_close(y[:, SKIP:], x[:, SKIP:] * db(out_db), atol=2e-6 * max(1.0, db(out_db)))


def test_input_and_output_gains_multiply(plugin):
    x = sine_pair()
    set_params(plugin, input_db=12.0, output_db=-24.0)
    y = process(plugin, x)
    assert rms_db(y[:, SKIP:]) - rms_db(x[:, SKIP:]) == pytest.approx(-12.0, abs=0.01)
    assert_close(y[:, SKIP:], x[:, SKIP:] * db(-12.0))


@pytest.mark.parametrize("pan", [-100.0, -50.0, -25.0, 30.0, 75.0, 100.0])
def test_pan_is_a_balance_law(plugin, pan):
    """The side away from the pan direction is scaled by cos(|p|·π/2), the other is untouched."""
    x = distinct_pair()
    set_params(plugin, pan=pan_text(pan))
    y = process(plugin, x)
    far_gain = math.cos(abs(pan / 100) * math.pi / 2)
    near, far = (0, 1) if pan < 0 else (1, 0)
    assert np.array_equal(y[near, SKIP:], x[near, SKIP:]), "near side must stay at unity"
    assert_close(y[far, SKIP:], x[far, SKIP:] * far_gain)
    if abs(pan) == 100:
        assert not np.any(y[far, SKIP:]), "±100 silences the far side"
    else:
        expected_db = 20 * math.log10(far_gain)
        got = rms_db(y[far, SKIP:]) - rms_db(x[far, SKIP:])
        assert got == pytest.approx(expected_db, abs=0.01)
    if abs(pan) == 50:
        assert got == pytest.approx(-3.01, abs=0.01)


def test_width_zero_is_mono(plugin):
    x = distinct_pair()
    set_params(plugin, width=0.0)
    y = process(plugin, x)
    mid = (x[0].astype(np.float64) + x[1]) / 2
    assert np.array_equal(y[0, SKIP:], y[1, SKIP:]), "both channels must be identical"
    assert_close(y[0, SKIP:], mid[SKIP:])
    # 1 kHz and 440 Hz are uncorrelated: summing to mono halves each one (−6.02 dB each).
    for f, level in ((1000, -12), (440, -18)):
        ref = sine(f, level)[SKIP:]
        amp = np.dot(y[0, SKIP:].astype(np.float64), ref) / np.dot(ref, ref)
        assert 20 * math.log10(amp) == pytest.approx(-6.02, abs=0.01), f"{f} Hz"


@pytest.mark.parametrize("width", [0.0, 50.0, 150.0, 200.0])
def test_width_law(plugin, width):
    """L' = (1+w)/2·L + (1−w)/2·R and R' = (1−w)/2·L + (1+w)/2·R, w = width/100."""
    x = distinct_pair()
    set_params(plugin, width=width)
    y = process(plugin, x)
    w = width / 100
    left, right = x.astype(np.float64)
    assert_close(y[0, SKIP:], ((1 + w) / 2 * left + (1 - w) / 2 * right)[SKIP:])
    assert_close(y[1, SKIP:], ((1 - w) / 2 * left + (1 + w) / 2 * right)[SKIP:])
    # Mid is kept, side scaled by w.
    mid_in, side_in = (left + right) / 2, (left - right) / 2
    mid_out, side_out = (y[0] + y[1].astype(np.float64)) / 2, (y[0] - y[1].astype(np.float64)) / 2
    assert_close(mid_out[SKIP:], mid_in[SKIP:])
    assert_close(side_out[SKIP:], w * side_in[SKIP:])


@pytest.mark.parametrize(
    "params,signs",
    [({"invert_l": True}, (-1, 1)), ({"invert_r": True}, (1, -1)),
     ({"invert_l": True, "invert_r": True}, (-1, -1))],
    ids=["L", "R", "both"],
)
def test_invert(plugin, params, signs):
    x = distinct_pair()
    set_params(plugin, **params)
    y = process(plugin, x)
    for ch, sign in enumerate(signs):
        assert np.array_equal(y[ch, SKIP:], sign * x[ch, SKIP:]), f"channel {ch}"


def test_bypass_passes_input_bit_exact(plugin):
    x = distinct_pair()
    # A strongly non-identity setting, tone and mute included: bypass overrides all of it.
    set_params(plugin, input_db=-6.0, output_db=-24.0, pan="30R", width=50.0, invert_l=True,
               mute=True, tone="Sine 1 kHz", tone_level_db=-30.0, mono=True, swap_l_r=True,
               dc_filter=True)
    y = process(plugin, x)
    assert not np.any(y[:, SKIP:]), "muted before bypass"

    set_params(plugin, bypass=True)
    y = process(plugin, x)
    # The switch ramps (20 ms, no click) and is then bit-exact.
    assert not np.array_equal(y[:, :RAMP - 1], x[:, :RAMP - 1])
    assert np.array_equal(y[:, RAMP:], x[:, RAMP:])
    # pedalboard resets the plugin per call: the next call is bypassed from its first sample.
    assert np.array_equal(process(plugin, x), x)

    set_params(plugin, bypass=False)
    process(plugin, x)
    assert not np.any(process(plugin, x)), "un-bypassing restores the muted strip"


def test_mute_silences_after_the_ramp(plugin):
    x = sine_pair()
    set_params(plugin, mute=True)
    y = process(plugin, x)
    assert not np.any(y[:, RAMP:]), "exact silence after 20 ms"
    # Ramped, not cut: the gain falls linearly over the 20 ms.
    assert abs(y[1, 0] / x[1, 0]) > 0.99
    mid = RAMP // 2
    assert abs(y[1, mid] / x[1, mid]) == pytest.approx(1 - (mid + 1) / RAMP, abs=1e-4)
    # Mute also silences the test tone.
    set_params(plugin, tone="Pink noise", tone_level_db=0.0)
    assert not np.any(process(plugin, x))
    set_params(plugin, mute=False)
    process(plugin, np.zeros_like(x))
    set_params(plugin, tone="Off")
    process(plugin, x)
    assert np.array_equal(process(plugin, x), x), "unmute restores the identity"


@pytest.mark.parametrize("sr", [44_100, 48_000, 96_000])
def test_changes_ramp_linearly_over_20_ms(plugin, sr):
    n = round(0.02 * sr)
    x = np.full((2, sr // 4), 0.5, dtype=np.float32)
    set_params(plugin, input_db=-24.0)
    gain = process(plugin, x, sr).astype(np.float64) / 0.5
    target = db(-24.0)
    expected = 1 + (target - 1) * np.arange(1, n + 1) / n
    # Sample i of the ramp has gain 1 + (target − 1)·(i + 1)/n: linear, reaching the target
    # (to float32 rounding) on the ramp's last sample, n − 1.
    assert_close(gain[:, :n], np.stack([expected, expected]), atol=1e-5)
    # From sample n on, exactly the settled gain.
    assert np.all(gain[:, n:] == gain[0, -1])
    assert gain[0, -1] == pytest.approx(target, rel=1e-6)


def test_block_size_does_not_change_the_output(bundle):
    x = stereo(*np.random.default_rng(3).normal(0, 0.1, (2, SR)))

    def run(block):
        p = host.load(bundle)
        process(p, x)
        set_params(p, input_db=-6.0, pan="30R", width=150.0, tone="Sine 1 kHz", dc_filter=True)
        return p.process(x, SR, buffer_size=block)

    reference = run(8192)
    for block in (64, 1000, 4096):
        assert np.array_equal(run(block), reference), f"buffer_size={block}"


def test_reset_per_call_as_pedalboard_does_it(plugin):
    """Documents the host: process(reset=True) calls the plugin's reset(), which snaps ramps to the
    current values and restarts the generators; reset=False carries on."""
    z = np.zeros((2, SR // 10), np.float32)
    set_params(plugin, tone="Sine 1 kHz")
    first = process(plugin, z)
    second = process(plugin, z)
    third = process(plugin, z)
    assert not np.array_equal(first[:, :RAMP], second[:, :RAMP]), "the first call ramps the tone in"
    assert np.array_equal(first[:, RAMP:], second[:, RAMP:])
    assert np.array_equal(second, third), "reset restarts the sine at phase 0"
    assert second[0, 0] == 0.0
    carried = plugin.process(z, SR, reset=False)
    assert not np.array_equal(carried, second), "without reset the phase continues"


def test_mono_layout(plugin):
    """1 in / 1 out: invert_l flips the channel; width, balance, mono and swap do not apply."""
    x = sine(220, -12, 1.0).astype(np.float32)[None, :]
    set_params(plugin, pan="100R", width=0.0, invert_r=True, mono=True, swap_l_r=True)
    process(plugin, x)
    assert np.array_equal(process(plugin, x), x)
    set_params(plugin, invert_l=True, input_db=-6.0)
    process(plugin, x)
    assert_close(process(plugin, x), -x * db(-6.0))


def test_swap_exchanges_the_channels_before_polarity(plugin):
    x = distinct_pair()
    set_params(plugin, swap_l_r=True)
    y = process(plugin, x)
    assert np.array_equal(y[:, SKIP:], x[::-1, SKIP:])
    # Invert L then flips what is now the left channel: the former right.
    set_params(plugin, invert_l=True)
    y = process(plugin, x)
    assert np.array_equal(y[0, SKIP:], -x[1, SKIP:])
    assert np.array_equal(y[1, SKIP:], x[0, SKIP:])


@pytest.mark.parametrize("width", [0.0, 100.0, 200.0])
def test_mono_is_the_sum_after_width(plugin, width):
    """Both channels carry (L + R) / 2 whatever the width (width keeps the mid), before balance."""
    x = distinct_pair()
    set_params(plugin, mono=True, width=width)
    y = process(plugin, x)
    mid = (x[0].astype(np.float64) + x[1]) / 2
    assert_close(y[0, SKIP:], mid[SKIP:])
    assert_close(y[1, SKIP:], mid[SKIP:])
    # L against −L sums to silence.
    opposite = stereo(x[0], -x[0])
    assert np.max(np.abs(process(plugin, opposite)[:, SKIP:])) < 1e-6
    # Balance after mono: 50R takes the left side down by cos(π/4).
    set_params(plugin, pan="50R")
    y = process(plugin, x)
    assert_close(y[0, SKIP:], mid[SKIP:] * math.cos(math.pi / 4))
    assert_close(y[1, SKIP:], mid[SKIP:])


def test_dc_filter_removes_an_offset_and_keeps_the_audio(plugin):
    """A 5 Hz first-order high-pass: an offset is gone (below −80 dB) within half a second, the
    tones lose less than 0.01 dB; off, the samples pass bit for bit (the defaults test)."""
    tones = distinct_pair()
    offsets = np.array([[0.25], [-0.125]], np.float32)
    x = tones + offsets
    set_params(plugin, dc_filter=True)
    y = process(plugin, x).astype(np.float64)
    tail = slice(SR // 2, None)
    for ch in range(2):
        left_over = abs(np.mean(y[ch, SR:]))  # whole cycles of both tones
        assert 20 * math.log10(left_over / abs(offsets[ch, 0])) < -80, f"channel {ch}: {left_over}"
        ref = tones[ch, tail].astype(np.float64)
        gain = np.dot(y[ch, tail] - np.mean(y[ch, tail]), ref) / np.dot(ref, ref)
        assert abs(20 * math.log10(gain)) < 0.01, f"channel {ch}: {20 * math.log10(gain):.4f} dB"
    set_params(plugin, dc_filter=False)
    process(plugin, x)
    assert np.array_equal(process(plugin, x), x)


# --- test tone --------------------------------------------------------------------------------


def test_sine_tone_level(plugin):
    set_params(plugin, tone="Sine 1 kHz")
    assert host.value_of(plugin, "tone_level_db") == -18.0  # the default
    y = process(plugin, np.zeros((2, 2 * SR), np.float32))
    assert np.array_equal(y[0], y[1]), "the tone is the same on both channels"
    s = y[0, SKIP:]
    assert peak_db(s) == pytest.approx(-18.0, abs=0.1)
    assert rms_db(s) == pytest.approx(-21.01, abs=0.1)
    # It is a 1 kHz sine: the spectrum's peak bin (1 Hz resolution) is at 1000 Hz and holds
    # almost all the energy.
    spectrum = np.abs(np.fft.rfft(s[: SR].astype(np.float64) * np.hanning(SR))) ** 2
    assert np.argmax(spectrum) == 1000
    assert spectrum[995:1006].sum() / spectrum.sum() > 0.999


@pytest.mark.parametrize("level", [-60.0, -40.0, -6.0, 0.0])
def test_sine_tone_follows_tone_level(plugin, level):
    set_params(plugin, tone="Sine 1 kHz", tone_level_db=level)
    y = process(plugin, np.zeros((2, SR), np.float32))
    assert peak_db(y[:, SKIP:]) == pytest.approx(level, abs=0.1)
    assert rms_db(y[:, SKIP:]) == pytest.approx(level - 3.01, abs=0.1)


def test_tone_is_summed_onto_the_input_before_trim_and_polarity(plugin):
    x = sine_pair()
    set_params(plugin, tone="Sine 1 kHz", input_db=-6.0, invert_l=True)
    process(plugin, x)
    y = process(plugin, x).astype(np.float64)
    tone = np.sin(2 * np.pi * 1000 * np.arange(x.shape[1]) / SR) * db(-18.0)
    assert_close(y[0], -(x[0] + tone) * db(-6.0), atol=1e-5)
    assert_close(y[1], (x[1] + tone) * db(-6.0), atol=1e-5)


def test_pink_noise_level_and_spectrum(plugin):
    set_params(plugin, tone="Pink noise")
    y = process(plugin, np.zeros((2, 10 * SR), np.float32))
    assert np.array_equal(y[0], y[1])
    s = y[0, SKIP:].astype(np.float64)
    assert rms_db(s) == pytest.approx(-21.01, abs=0.5)
    # Pink: equal power per octave (white noise would rise 3 dB per octave).
    n = 8192
    win = np.hanning(n)
    psd = np.mean([np.abs(np.fft.rfft(s[i : i + n] * win)) ** 2
                   for i in range(0, len(s) - n, n // 2)], axis=0)
    f = np.fft.rfftfreq(n, 1 / SR)
    centres = [125, 250, 500, 1000, 2000, 4000, 8000, 16000]
    bands = np.array([10 * np.log10(psd[(f >= c / 2**0.5) & (f < c * 2**0.5)].sum())
                      for c in centres])
    assert np.all(np.abs(bands - bands.mean()) < 1.0), bands - bands.mean()
    slope = np.polyfit(np.log2(centres), bands, 1)[0]
    assert abs(slope) < 0.3, f"{slope:.2f} dB/octave"


# --- state ------------------------------------------------------------------------------------

ALL_NON_DEFAULT = {
    "input_db": -6.0,
    "output_db": -24.0,
    "pan": "30R",
    "width": 150.0,
    "invert_l": True,
    "invert_r": True,
    "mute": True,
    "bypass": True,
    "tone": "Pink noise",
    "tone_level_db": -30.0,
    "mono": True,
    "swap_l_r": True,
    "dc_filter": True,
}
AUDIBLE = {**ALL_NON_DEFAULT, "mute": False, "bypass": False, "tone": "Sine 1 kHz"}


def test_state_is_the_plugins_json_inside_juces_wrapper(plugin):
    raw = plugin.raw_state
    doc = json.loads(host.component_state(raw))
    assert set(doc["params"]) == {"input", "output", "pan", "width", "invert_l", "invert_r",
                                  "mute", "bypass", "tone", "tone_level", "mono", "swap",
                                  "dc_filter"}
    assert host.with_component_state(raw, host.component_state(raw)) == raw


def test_parameter_changes_reach_the_state_only_after_processing(plugin):
    """Host quirk: JUCE hands a set to the plugin in the next process() call."""
    set_params(plugin, input_db=-6.0)
    assert json.loads(host.component_state(plugin.raw_state))["params"]["input"] == {"f32": 0.0}
    host.flush(plugin)
    assert json.loads(host.component_state(plugin.raw_state))["params"]["input"] == {"f32": -6.0}


@pytest.mark.parametrize("values", [ALL_NON_DEFAULT, AUDIBLE], ids=["all_non_default", "audible"])
def test_state_round_trips_every_parameter(bundle, values):
    original = host.load(bundle)
    set_params(original, **values)
    host.flush(original)
    raw = original.raw_state

    restored = host.load(bundle)
    assert host.values_of(restored) != values
    restored.raw_state = raw
    assert host.values_of(restored) == values
    host.flush(restored)
    assert host.values_of(restored) == values
    assert host.component_state(restored.raw_state) == host.component_state(raw)
    # And it sounds the same (pedalboard resets both, so generators start alike).
    x = distinct_pair(0.5)
    assert np.array_equal(process(restored, x), process(original, x))


def run_probe(variant: str, bundle: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, str(HERE / "state_probe.py"), variant],
        cwd=HERE, capture_output=True, text=True, timeout=120,
        env={**os.environ, "WEBSTRIP_VST3": str(bundle)},
    )
    assert proc.returncode == 0, (
        f"state probe '{variant}' died with exit code {proc.returncode} "
        f"(negative = killed by that signal)\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_crafted_state_reaches_the_plugin(bundle):
    """Control for the corruption tests: a valid state re-wrapped by our codec is applied."""
    r = run_probe("valid", bundle)
    assert r["error"] is None
    import state_probe

    assert r["after_flush"] == state_probe.STATE_B
    assert r["after_set"] == state_probe.STATE_B


CORRUPT = [
    "truncated_half",
    "truncated_last_byte",
    "empty",
    "garbage",
    "byte_flipped",
    "not_utf8_prefix",
    "json_array",
    "params_not_a_map",
    "trailing_garbage",
    "wrapper_byte_flipped",
    "wrapper_truncated",
]


def assert_refused(r: dict) -> None:
    assert r["after_set"] == r["before"], "parameters changed on set"
    assert r["after_flush"] == r["before"], "parameters changed once processed"
    assert r["component_after"] == r["component_before"], "the plugin's own state changed"
    assert r["audio_equal_to_untouched"], "sounds different from an untouched instance"


@pytest.mark.parametrize("variant", CORRUPT)
def test_corrupt_state_is_refused(bundle, variant):
    """Runs in a subprocess: a crash fails this test with the signal instead of killing pytest."""
    assert_refused(run_probe(variant, bundle))


def test_state_with_out_of_range_value_is_refused_or_clamped(bundle):
    r = run_probe("input_out_of_range", bundle)
    saved = json.loads(r["component_after"])["params"]["input"]["f32"]
    assert -24.0 <= saved <= 24.0
    assert r["audio_finite"]


@pytest.mark.parametrize("variant", ["input_wrong_type", "tone_unknown_variant"])
def test_state_with_one_malformed_entry_is_refused_whole(bundle, variant):
    assert_refused(run_probe(variant, bundle))


@pytest.mark.parametrize("variant", ["tone_index_out_of_range", "tone_index_negative"])
def test_state_with_out_of_range_enum_index_neither_crashes_nor_loads(bundle, variant):
    r = run_probe(variant, bundle)  # fails here today: the probe dies with SIGABRT
    saved = json.loads(r["component_after"])["params"]["tone"]
    assert saved in ({"string": "off"}, {"string": "sine_1k"}, {"string": "pink"})
    assert r["audio_finite"]
