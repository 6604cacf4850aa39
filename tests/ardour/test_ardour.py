"""Webstrip's VST3 build in a real DAW: Ardour 7, headless (`ardour7-lua`, dummy backend).

Ardour's scanner finds the plugin; in a new 48 kHz session a known signal (a Lua DSP generator on
the track, before Webstrip) goes through Webstrip and Ardour's own export writes it to a float WAV,
which must match the strip's laws (plugin/src/dsp/law.rs) within 0.1 dB; the plugin's state is
saved with the session and restored when it is loaded again, also from the plugin's own chunk
alone. Parameters are set and read by plain value: Ardour converts them with the plugin's own VST3
plain/normalized functions.
"""

from __future__ import annotations

import math
import re
import shutil
import sys
import time

import numpy as np
import pytest
import websocket  # websocket-client

import ardour_host as host

sys.path.insert(0, str(host.REPO / "tests" / "vst3"))
from browser_probe import Rpc  # noqa: E402  (the WebSocket JSON-RPC client of the VST3 tests)

SR = host.SR
SECONDS = 1
SKIP = 4_800  # 100 ms: past every 20 ms ramp
TOLERANCE_DB = 0.1

# The parameters as Ardour lists them, in order: label -> (lower, upper, default, kind).
# The one place to change when the plugin's parameters change.
PARAMS = {
    "Input": (-24.0, 24.0, 0.0, "float"),
    "Output": (-60.0, 12.0, 0.0, "float"),
    "Pan": (-100.0, 100.0, 0.0, "float"),
    "Width": (0.0, 200.0, 100.0, "float"),
    "Invert L": (0.0, 1.0, 0.0, "bool"),
    "Invert R": (0.0, 1.0, 0.0, "bool"),
    "Mute": (0.0, 1.0, 0.0, "bool"),
    "Bypass": (0.0, 1.0, 0.0, "bool"),
    "Tone": (0.0, 2.0, 0.0, "enum"),
    "Tone Level": (-60.0, 0.0, -18.0, "float"),
    "Mono": (0.0, 1.0, 0.0, "bool"),
    "Swap L/R": (0.0, 1.0, 0.0, "bool"),
    "DC Filter": (0.0, 1.0, 0.0, "bool"),
}
TONE_SINE = 1.0  # the Tone enum's index for "Sine 1 kHz"
TONE_PINK = 2.0


def test_signal(samples: int = SECONDS * SR) -> np.ndarray:
    """What the Lua generator (test_signal.lua) writes at transport samples 0 … samples−1."""
    t = np.arange(samples) % SR
    return np.stack([10 ** (-12 / 20) * np.sin(2 * np.pi * 1000 * t / SR),
                     10 ** (-18 / 20) * np.sin(2 * np.pi * 440 * t / SR)])


test_signal.__test__ = False  # not a test: pytest collects `test_*` functions


def law_matrix(s: dict) -> np.ndarray:
    """The strip's 2×2 gain matrix for plain settings `s` (labels as in PARAMS), as law.rs
    computes it: trim → swap → polarity → width → mono → balance → output/mute; bypass is the
    identity. (The DC filter is no matrix stage: test_dc_filter_*.)"""
    v = {label: spec[2] for label, spec in PARAMS.items()} | s
    if v["Bypass"]:
        return np.eye(2)
    gain = 0.0 if v["Mute"] else 10 ** ((v["Input"] + v["Output"]) / 20)
    swap = np.array([[0.0, 1.0], [1.0, 0.0]]) if v["Swap L/R"] else np.eye(2)
    polarity = np.diag([-1.0 if v["Invert L"] else 1.0, -1.0 if v["Invert R"] else 1.0])
    w = v["Width"] / 100
    width = np.array([[(1 + w) / 2, (1 - w) / 2], [(1 - w) / 2, (1 + w) / 2]])
    mono = np.full((2, 2), 0.5) if v["Mono"] else np.eye(2)
    p = v["Pan"] / 100
    far = 0.0 if abs(p) >= 1 else math.cos(abs(p) * math.pi / 2)
    balance = np.diag([far, 1.0] if p > 0 else [1.0, far] if p < 0 else [1.0, 1.0])
    return balance @ mono @ width @ polarity @ swap * gain


# name -> plain settings; each is rendered by Ardour's export in one session.
CASES = {
    "identity": {},
    "output_-6": {"Output": -6.0},
    "output_+6": {"Output": 6.0},
    "output_-40": {"Output": -40.0},
    "input_-12": {"Input": -12.0},
    "input_+6_output_-12": {"Input": 6.0, "Output": -12.0},
    "mute": {"Mute": 1.0},
    "bypass": {"Bypass": 1.0, "Output": -24.0, "Width": 0.0, "Invert L": 1.0, "Mute": 1.0},
    "width_0": {"Width": 0.0},
    "width_50": {"Width": 50.0},
    "width_200": {"Width": 200.0},
    "invert_l": {"Invert L": 1.0},
    "invert_r_width_0": {"Invert R": 1.0, "Width": 0.0},
    "pan_-50": {"Pan": -50.0},
    "pan_+100": {"Pan": 100.0},
    "pan_+30_width_150": {"Pan": 30.0, "Width": 150.0},
    "tone_sine": {"Tone": TONE_SINE, "Tone Level": -18.0},
    "swap": {"Swap L/R": 1.0},
    "swap_invert_l": {"Swap L/R": 1.0, "Invert L": 1.0},
    "mono": {"Mono": 1.0},
    "mono_width_200_pan_-50": {"Mono": 1.0, "Width": 200.0, "Pan": -50.0},
    "swap_mono_invert_r": {"Swap L/R": 1.0, "Mono": 1.0, "Invert R": 1.0},
}
# name -> (plain settings, the generator's DC offset): the DC filter's cases.
DC_CASES = {
    "dc_offset_filter_off": ({}, 0.25),
    "dc_offset_filter_on": ({"DC Filter": 1.0}, 0.25),
    "dc_filter_on_no_offset": ({"DC Filter": 1.0}, 0.0),
}
DC_SETTLED = SR // 2  # the 5 Hz high-pass's DC decays with a 32 ms time constant: e^-15 by then
# Set after the renders and saved with the session.
SAVED = {"Input": -3.5, "Output": -6.0, "Pan": 30.0, "Width": 150.0, "Invert R": 1.0,
         "Tone": TONE_PINK, "Tone Level": -30.0, "Swap L/R": 1.0, "DC Filter": 1.0}


def lua_table(values: dict) -> str:
    return "{" + ", ".join(f'["{k}"] = {float(v)!r}' for k, v in values.items()) + "}"


def level_db(x) -> float:
    return 10 * math.log10(max(np.mean(np.square(x)), 1e-30))


# --- the session: one Ardour run renders every case -----------------------------------------


def new_session_lines(ardour, name: str) -> list[str]:
    return [
        "start_engine ()",
        f'assert (create_session ("{ardour.root / name}", "webstrip", {SR}))',
        'emit ("rate", Session:nominal_sample_rate ())',
        "local track, proc, gen = add_strip ()",
        'emit ("params", parameters (proc))',
    ]


@pytest.fixture(scope="module")
def renders(ardour):
    """Every case rendered by Ardour's export: one new session (one Ardour run) per case, so that
    a crash of Ardour's export code (see ardour_host.ATTEMPTS) costs one retried run."""
    folder = ardour.root / "renders"
    folder.mkdir(exist_ok=True)
    cases = {name: (settings, 0.0) for name, settings in CASES.items()} | DC_CASES
    for name, (settings, dc) in cases.items():
        body = new_session_lines(ardour, f"render-{name}") + [
            f"set_params (proc, {lua_table(settings)})",
            f"assert (ARDOUR.LuaAPI.set_processor_param (gen, 0, {dc!r}))",
            f'render ("{folder}", "{name}", {SECONDS * SR})',
            "finish ()",
        ]
        ardour.run(f"render-{name}", "\n".join(body) + "\n", creates=ardour.root / f"render-{name}")
    return folder


@pytest.fixture(scope="module")
def session(ardour):
    """A new 48 kHz session with the strip, SAVED set, saved."""
    body = new_session_lines(ardour, "session") + [
        f"set_params (proc, {lua_table(SAVED)})", 'emit ("saved", parameters (proc))',
        # Ardour hands the values to the plugin in its next process() calls: let it run a while
        # before saving (saved at once, the plugin's chunk would still hold the defaults).
        "ARDOUR.LuaAPI.usleep (500000)", "finish ()"]
    run = ardour.run("session", "\n".join(body) + "\n", creates=ardour.root / "session")
    return {"run": run, "dir": ardour.root / "session"}


def test_the_scanner_finds_webstrip(ardour):
    caches = ardour.cache_files()
    assert len(caches) == 1, caches
    text = caches[0].read_text()
    assert 'name="Webstrip"' in text and 'vendor="Webstrip"' in text
    assert 'category="Fx|Tools|Stereo"' in text
    assert 'n_inputs="2"' in text and 'n_outputs="2"' in text
    assert f'bundle="{ardour.bundle}"' in text


def test_parameters_and_ranges_in_ardour(session):
    params = session["run"].get("params")
    assert [p["label"] for p in params] == list(PARAMS)
    for p in params:
        lower, upper, default, kind = PARAMS[p["label"]]
        assert (p["lower"], p["upper"]) == pytest.approx((lower, upper)), p
        assert p["normal"] == pytest.approx(default, abs=1e-4), p
        assert p["value"] == pytest.approx(default, abs=1e-4), p
        assert p["toggled"] == (kind == "bool"), p
        assert p["integer_step"] == (kind == "enum"), p


def test_session_is_48_khz(session):
    assert session["run"].get("rate") == SR


def test_defaults_pass_the_signal_untouched(renders):
    y = host.read_wav(renders / "identity.wav")
    x = test_signal()
    assert y.shape == x.shape
    # Ardour's own path (track fader, panner, master) is the identity too: the export is the
    # generator's signal sample for sample, so the other cases can be computed from it.
    np.testing.assert_allclose(y, x, rtol=0, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in CASES if n not in ("identity", "tone_sine")])
def test_export_matches_the_law(renders, name):
    y = host.read_wav(renders / f"{name}.wav")[:, SKIP:]
    expected = (law_matrix(CASES[name]) @ test_signal())[:, SKIP:]
    for ch in range(2):
        if not np.any(np.abs(expected[ch]) > 1e-9):
            assert np.max(np.abs(y[ch])) < 1e-6, f"channel {ch} must be silent"
            continue
        assert level_db(y[ch]) - level_db(expected[ch]) == pytest.approx(0, abs=TOLERANCE_DB), ch
        # Not only the level: the waveform (a wrong mix of the two channels shows here).
        residual_db = level_db(y[ch] - expected[ch]) - level_db(expected[ch])
        allowed = 20 * math.log10(10 ** (TOLERANCE_DB / 20) - 1)  # −38.7 dB
        assert residual_db < allowed, (ch, residual_db)


def test_tone_is_summed_onto_the_input(renders):
    y = host.read_wav(renders / "tone_sine.wav")[:, SKIP:]
    tone = y - test_signal()[:, SKIP:]
    for ch in range(2):
        # The sine's peak is the tone level (−18 dB), its RMS 3.01 dB below.
        assert level_db(tone[ch]) == pytest.approx(-18.0 - 3.01, abs=TOLERANCE_DB), ch
        spectrum = np.abs(np.fft.rfft(tone[ch, :SR // 2] * np.hanning(SR // 2)))
        assert np.argmax(spectrum) * 2 == 1000, ch  # 2 Hz bins
    np.testing.assert_allclose(tone[0], tone[1], atol=1e-6)


def test_dc_filter_off_passes_an_offset_bit_exact(renders):
    y = host.read_wav(renders / "dc_offset_filter_off.wav")
    x = (test_signal() + 0.25).astype(np.float32).astype(np.float64)
    np.testing.assert_array_equal(y, x)


def test_dc_filter_removes_the_offset_and_keeps_the_tones(renders):
    y = host.read_wav(renders / "dc_offset_filter_on.wav")[:, DC_SETTLED:]
    x = test_signal()[:, DC_SETTLED:]
    for ch in range(2):
        # The offset (0.25, −12 dBFS) is gone: below −80 dBFS.
        assert abs(np.mean(y[ch])) < 1e-4, (ch, np.mean(y[ch]))
        # The tones (1 kHz, 440 Hz) lose less than 0.01 dB to a 5 Hz high-pass.
        assert level_db(y[ch] - np.mean(y[ch])) - level_db(x[ch]) == pytest.approx(0, abs=0.01), ch


def test_dc_filter_on_without_an_offset_keeps_the_tones(renders):
    y = host.read_wav(renders / "dc_filter_on_no_offset.wav")[:, DC_SETTLED:]
    x = test_signal()[:, DC_SETTLED:]
    for ch in range(2):
        assert level_db(y[ch]) - level_db(x[ch]) == pytest.approx(0, abs=0.01), ch


def test_settings_apply_in_ardour(session):
    saved = {p["label"]: p["value"] for p in session["run"].get("saved")}
    for label, value in SAVED.items():
        assert saved[label] == pytest.approx(value, abs=1e-4), label


def reload_params(ardour, session_dir, name: str) -> dict:
    run = ardour.run(name, "\n".join([
        "start_engine ()",
        f'assert (load_session ("{session_dir}", "webstrip"))',
        "local route, proc = find_strip ()",
        'emit ("params", parameters (proc))',
        "finish (false)",
    ]) + "\n")
    return {p["label"]: p["value"] for p in run.get("params")}


def expected_saved() -> dict:
    return {label: spec[2] for label, spec in PARAMS.items()} | SAVED


def test_state_is_restored_when_the_session_is_loaded(ardour, session):
    values = reload_params(ardour, session["dir"], "reload")
    assert values == pytest.approx(expected_saved(), abs=1e-4)


def test_state_is_restored_from_the_plugins_own_chunk_alone(ardour, session):
    """The session keeps each parameter's value as Ardour's controllable too; with those removed
    from the session file, the plugin's own state (its VST3 chunk) must bring the settings back."""
    copy = ardour.root / "session-chunk-only"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(session["dir"], copy)
    path = copy / "webstrip.ardour"
    xml = path.read_text()
    stripped = strip_parameter_values(xml)
    assert stripped != xml, "found no parameter values to remove from the session file"
    path.write_text(stripped)
    values = reload_params(ardour, copy, "reload-chunk")
    assert values == pytest.approx(expected_saved(), abs=1e-4)


def strip_parameter_values(xml: str) -> str:
    """Drops Webstrip's per-parameter values (Ardour's `<Controllable … value=…/>` of its
    plugin insert and the plugin's `<Port … value=…/>` entries) from a session file."""
    start = xml.index('<Processor id=')
    # Webstrip's processor element.
    m = re.search(r'<Processor [^>]*name="Webstrip"[^>]*>.*?</Processor>', xml[start:], re.S)
    assert m, "no Webstrip processor in the session file"
    block = m.group(0)
    cleaned = re.sub(r'\s*<Controllable [^>]*name="[^"]*"[^>]*parameter="\d+"[^>]*/>', "", block)
    cleaned = re.sub(r'\s*<Port id="\d+" value="[^"]*"/>', "", cleaned)
    return xml[:start] + xml[start:].replace(block, cleaned, 1)


# --- automation -----------------------------------------------------------------------------

# Output automation: 0 dB up to half a second, a 10 ms line down to −12 dB, held to the end (a
# lane holds its first value before its first point and its last after the last).
AUTOMATION = [(SR // 2, 0.0), (SR // 2 + SR // 100, -12.0)]


def automation_lines() -> list[str]:
    points = ", ".join(f"{{{t}, {v!r}}}" for t, v in AUTOMATION)
    return [f'automate (proc, "Output", {{{points}}})']


def test_automation_written_in_ardour_changes_the_render(ardour):
    name = "automation"
    folder = ardour.root / "renders"
    folder.mkdir(exist_ok=True)
    body = new_session_lines(ardour, "session-automation") + automation_lines() + [
        f'render ("{folder}", "{name}", {SECONDS * SR})', "finish ()"]
    run = ardour.run(name, "\n".join(body) + "\n", creates=ardour.root / "session-automation")
    lane = run.get("automation")
    assert lane["play"] and lane["points"] == len(AUTOMATION), lane
    y = host.read_wav(folder / f"{name}.wav")
    x = test_signal()
    before, after = slice(SKIP, SR // 2 - 100), slice(SR // 2 + SKIP, SR)
    for ch in range(2):
        assert level_db(y[ch, before]) - level_db(x[ch, before]) == pytest.approx(0, abs=0.1)
        assert level_db(y[ch, after]) - level_db(x[ch, after]) == pytest.approx(-12, abs=0.1)


# --- the in-host browser server while Ardour plays -------------------------------------------

URL_LINE = re.compile(r"Webstrip instance \d+[^:]*: browser server at http://127\.0\.0\.1:(\d+)/\?token=(\w+)")
# Output automation for the bridge test: a line from 0 dB down to −12 dB over one second.
RAMP = [(0, 0.0), (SR, -12.0)]


def wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")


def test_bridge_client_sees_automation_while_ardour_plays(ardour):
    log = ardour.root / "bridge.log"
    log.unlink(missing_ok=True)
    go = ardour.root / "bridge.go"
    go.unlink(missing_ok=True)
    points = ", ".join(f"{{{t}, {v!r}}}" for t, v in RAMP)
    if (ardour.root / "session-bridge").exists():
        shutil.rmtree(ardour.root / "session-bridge")
    body = new_session_lines(ardour, "session-bridge") + [
        f'automate (proc, "Output", {{{points}}})',
        'emit ("ready", true)',
        f'assert (wait_for_file ("{go}", 30), "the test never said go")',
        "play (2.0)",
        "finish (false)",
    ]
    proc, result = ardour.start("bridge", "\n".join(body) + "\n",
                                {"WEBUI_BROWSER_PORT": "0", "NICE_LOG": str(log)})
    try:
        port, token = wait_for(
            lambda: (m := URL_LINE.search(log.read_text() if log.exists() else "")) and
            (int(m.group(1)), m.group(2)), 30, "the instance's bridge URL in NICE_LOG")
        wait_for(lambda: any(v["key"] == "ready" for v in host.read_results(result)), 30,
                 "the session to be ready")
        rpc = Rpc(port, token)
        assert rpc.call("ping")["result"] == {"pong": True}
        go.write_text("go")
        changes = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                note = rpc.changed("output", 0.5)
            except websocket.WebSocketConnectionClosedException:
                break  # Ardour ended: the instance closed its bridge
            if note:
                changes.append(note["value"])
        rpc.close()
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    played = host.read_results(result)
    assert any(v["key"] == "done" for v in played), (proc.returncode, played)
    played_to = next(v["value"] for v in played if v["key"] == "played_to")
    assert played_to >= SR, played_to  # rolled past the ramp's end
    # The automation reached the page's protocol as parameterChanged, following the line.
    print("parameterChanged output values:", changes)
    assert len(changes) >= 5, changes
    assert all(-12.0 - 1e-3 <= v <= 1e-3 for v in changes), changes
    assert changes == sorted(changes, reverse=True), "the ramp only goes down"
    assert changes[-1] == pytest.approx(-12.0, abs=0.05), changes
    assert changes[0] > -6.0, changes
