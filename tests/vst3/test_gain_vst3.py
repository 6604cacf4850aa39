"""The toolkit's example plugin (`examples/gain`) as VST3 in pedalboard: its one parameter, the
gain law on audio, state. Bundle: `$GAIN_VST3`, else `<repo>/target/bundled/Gain.vst3`
(`cargo xtask bundle gain`); missing, every test here fails saying so."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import webstrip_host as host

SR = 48_000
SKIP = 2_400  # 50 ms: past the 20 ms smoothing


@pytest.fixture
def bundle_path() -> Path:
    env = os.environ.get("GAIN_VST3")
    path = Path(env) if env else host.REPO / "target" / "bundled" / "Gain.vst3"
    if not (path / "Contents" / "x86_64-linux" / "Gain.so").is_file():
        pytest.fail(
            f"Gain VST3 bundle not found at {path}: build it with `cargo xtask bundle gain` "
            "(or point GAIN_VST3 at a Gain.vst3 bundle)",
            pytrace=False,
        )
    return path


@pytest.fixture
def gain(bundle_path):
    return host.load(bundle_path)


def test_one_gain_parameter_in_decibels(gain):
    assert list(gain.parameters) == ["gain_db"]
    param = gain.parameters["gain_db"]
    assert (param.min_value, param.max_value) == (-30.0, 30.0)
    assert gain.gain_db == 0.0


@pytest.mark.parametrize("db", [6.0, -12.0, 30.0, -30.0])
def test_the_gain_scales_the_audio(gain, db):
    gain.gain_db = db
    t = np.arange(SR // 5) / SR
    tone = (0.25 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = gain.process(np.stack([tone, -tone]), SR)
    expected = 10 ** (db / 20)
    want = np.stack([tone, -tone])[:, SKIP:] * expected
    np.testing.assert_allclose(out[:, SKIP:], want, atol=1e-5 * max(expected, 1.0))


def test_state_round_trip(gain, bundle_path):
    gain.gain_db = -7.5
    host.flush(gain)
    restored = host.load(bundle_path)
    assert restored.gain_db == 0.0
    restored.raw_state = gain.raw_state
    assert restored.gain_db == pytest.approx(-7.5, abs=0.06)
