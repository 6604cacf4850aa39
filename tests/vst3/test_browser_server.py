"""The in-host browser server (`WEBUI_BROWSER_PORT`) of the real VST3 plugin in pedalboard.

Each scenario runs in a fresh Python subprocess (browser_probe.py), because the plugin reads
`WEBUI_BROWSER_PORT` when an instance is created and nice-plug reads `NICE_LOG` once per process.
The probe loads the plugin, reads the bridge's URL from the `NICE_LOG` file, talks to it over
the wire (websocket-client for JSON-RPC, raw HTTP for the handshake statuses) and reports what it
saw as JSON; the tests below judge it.

Host fact (pedalboard 0.9.26): each `load_plugin` creates two instances, a short-lived one (JUCE
reads the description) and the one it returns, so each load logs two URLs and the live one is the
last; the first one's port is already closed again (checked in test_one_instance_*).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import webstrip_host as host

HERE = Path(__file__).resolve().parent
PARAMS_RS = host.REPO / "plugin" / "src" / "params.rs"
TOKEN = re.compile(r"[0-9a-f]{32}")
# pedalboard's key for each bridge id (webstrip_host/README: snake_case name plus word units).
PEDALBOARD_KEY = {
    "input": "input_db", "output": "output_db", "pan": "pan", "width": "width",
    "invert_l": "invert_l", "invert_r": "invert_r", "mute": "mute", "bypass": "bypass",
    "tone": "tone", "tone_level": "tone_level_db", "mono": "mono", "swap": "swap_l_r",
    "dc_filter": "dc_filter",
}
MALFORMED_LINE = (
    'WEBUI_BROWSER_PORT must be a port number (0: any free port), not "abc": no browser server'
)


def param_ids_in_source() -> list[str]:
    """The `#[id = "…"]` of `WebstripParams`, in declaration order, read from params.rs."""
    source = PARAMS_RS.read_text()
    body = source[source.index("pub struct WebstripParams") :]
    body = body[: body.index("\n}")]
    return re.findall(r'#\[id = "([^"]+)"\]', body)


def run_probe(scenario: str, bundle: Path, tmp_path: Path, bridge: str | None) -> dict:
    """Runs one scenario with `WEBUI_BROWSER_PORT=bridge` (unset for None) and a fresh `NICE_LOG`."""
    log = tmp_path / "nice.log"
    env = {k: v for k, v in os.environ.items() if k not in ("WEBUI_BROWSER_PORT", "NICE_LOG")}
    env.update(WEBSTRIP_VST3=str(bundle), NICE_LOG=str(log))
    if bridge is not None:
        env["WEBUI_BROWSER_PORT"] = bridge
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, str(HERE / "browser_probe.py"), scenario],
        cwd=HERE, capture_output=True, text=True, timeout=120, env=env,
    )
    log_text = log.read_text(errors="replace") if log.exists() else "(no log file)"
    assert proc.returncode == 0, (
        f"bridge probe '{scenario}' died with exit code {proc.returncode} "
        f"(negative = killed by that signal) after {time.monotonic() - start:.1f} s\n"
        f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}\nNICE_LOG:\n{log_text}"
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def assert_announced(bridges: list[dict]) -> None:
    """Every logged URL is a loopback address with its own fresh 128-bit token."""
    assert bridges, "no 'browser server at' line in NICE_LOG"
    for b in bridges:
        assert b["host"] == "127.0.0.1", b
        assert TOKEN.fullmatch(b["token"]), f"token is not 32 lower-case hex digits: {b}"
        assert b["url"] == f"http://127.0.0.1:{b['port']}/?token={b['token']}"
    tokens = [b["token"] for b in bridges]
    assert len(set(tokens)) == len(tokens), "two instances got the same token"


def result(response: dict) -> dict:
    assert "error" not in response, response
    return response["result"]


# --- 1. one instance, WEBUI_BROWSER_PORT=0 ------------------------------------------------------


@pytest.fixture(scope="module")
def roundtrip(bundle, tmp_path_factory) -> dict:
    return run_probe("roundtrip", bundle, tmp_path_factory.mktemp("roundtrip"), "0")


def test_one_instance_logs_a_loopback_url_with_a_token(roundtrip):
    announced = roundtrip["announced"]
    assert_announced(announced)
    live = announced[-1]
    # The process listens on exactly one socket: the live instance's, on loopback only.
    assert roundtrip["listening"] == [f"127.0.0.1:{live['port']}"]
    # pedalboard's short-lived first instance (if any) closed its bridge when destroyed.
    assert all(roundtrip["earlier_ports_refused"]), announced
    # The URL is a page the server answers (503 when the bundle was built without the UI).
    assert roundtrip["page"] in (200, 503)


def test_get_all_parameters_lists_every_parameter(roundtrip):
    info = result(roundtrip["info"])
    assert (info["name"], info["protocol"], info["transport"]) == ("Webstrip", 1, "websocket")

    listed = result(roundtrip["all"])
    params = {p["id"]: p for p in listed["parameters"]}
    assert [p["id"] for p in listed["parameters"]] == param_ids_in_source()
    assert listed["seq"] == 0
    # The same parameters pedalboard lists, with the same names, ranges and normalized values.
    pedalboard = roundtrip["pedalboard"]
    assert sorted(PEDALBOARD_KEY[i] for i in params) == sorted(pedalboard)
    for param_id, p in params.items():
        seen = pedalboard[PEDALBOARD_KEY[param_id]]
        assert p["name"] == seen["name"], param_id
        assert p["normalized"] == pytest.approx(seen["raw"], abs=1e-6), param_id
        # (pedalboard offers Pan by its texts, 100L … C … 100R: a `str` parameter to it.)
        if seen["type"] == "float":
            assert (p["min"], p["max"]) == (seen["min"], seen["max"]), param_id
        assert p["value"] == p["default"], param_id


def test_set_parameter_reaches_pedalboard_and_the_audio(roundtrip):
    applied = result(roundtrip["set_output"])
    # Output's skewed law: −6 dB is (6/60)^0.5 of the lower half below the middle.
    normalized = 0.5 - 0.5 * (6 / 60) ** 0.5
    assert applied == {"id": "output", "value": -6.0, "normalized": pytest.approx(normalized),
                       "text": "-6.0 dB"}
    # The host heard the edit (begin/perform/end through IComponentHandler) ...
    host_view = roundtrip["host_output"]
    assert host_view["value"] == -6.0, f"pedalboard still sees {host_view} after 2 s"
    assert host_view["raw"] == pytest.approx(normalized, abs=1e-6)
    # ... and the processed signal has the new gain, past the 20 ms ramp.
    assert roundtrip["gain_after_output"] == pytest.approx(-6.0, abs=0.05)
    # Once applied, the sender gets the change like every client.
    echo = roundtrip["echo_output"]
    assert echo is not None, "no parameterChanged for output within 1 s of processing"
    assert (echo["value"], echo["seq"]) == (-6.0, 1)

    # By normalized value: input 0.25 is -6 dB on its skewed law, so -12 dB with the output's.
    assert result(roundtrip["set_input"])["value"] == -6.0
    assert roundtrip["host_input"]["value"] == -6.0
    assert roundtrip["gain_after_input"] == pytest.approx(-12.0, abs=0.05)
    assert roundtrip["echo_input"] is not None and roundtrip["echo_input"]["seq"] == 2
    assert result(roundtrip["get_output"])["value"] == -6.0


def test_host_changes_reach_the_client(roundtrip):
    """pedalboard sets width and tone; the client gets one parameterChanged each within 1 s of
    the process() call that hands them to the plugin (the plugin polls at 60 Hz)."""
    width, tone = roundtrip["host_width"], roundtrip["host_tone"]
    assert width is not None, "no parameterChanged for width within 3 s"
    assert tone is not None, "no parameterChanged for tone within 3 s"
    assert (width["value"], width["normalized"], width["text"]) == (50.0, 0.25, "50 %")
    assert (tone["value"], tone["text"]) == (1.0, "Sine 1 kHz")
    assert width["waited"] < 1.0 and tone["waited"] < 1.0, (width, tone)
    assert sorted([width["seq"], tone["seq"]]) == [3, 4]

    after = {p["id"]: p["value"] for p in result(roundtrip["all_after"])["parameters"]}
    assert result(roundtrip["all_after"])["seq"] == 4
    assert {k: after[k] for k in ("input", "output", "width", "tone")} == {
        "input": -6.0, "output": -6.0, "width": 50.0, "tone": 1.0}
    assert roundtrip["pedalboard_after"]["width"] == 50.0
    assert roundtrip["pedalboard_after"]["tone"] == "Sine 1 kHz"
    # Exactly one notification per change: nothing else arrived.
    assert roundtrip["notes_left"] == []


# --- 2. who may connect ----------------------------------------------------------------------


def test_handshake_needs_the_token_and_a_local_origin(bundle, tmp_path):
    r = run_probe("auth", bundle, tmp_path, "0")
    assert_announced(r["announced"])
    assert r["statuses"] == {
        "no_token": 401,
        "empty_token": 401,
        "wrong_token": 401,
        "token_prefix": 401,
        "token_upper_case": 401,
        "wrong_bearer": 401,
        "foreign_origin_with_token": 403,
        "foreign_origin_with_bearer": 403,
        "own_origin_with_token": 101,
        "own_origin_without_token": 401,
        "token": 101,
        "bearer": 101,
    }
    assert result(r["ping"]) == {"pong": True}
    assert r["works"] == pytest.approx(0.0, abs=1e-6)


# --- 3. two instances ------------------------------------------------------------------------


def test_two_instances_have_their_own_bridges(bundle, tmp_path):
    r = run_probe("two_instances", bundle, tmp_path, "0")
    a, b = r["a"], r["b"]
    assert_announced([a, b])
    assert a["port"] != b["port"]
    assert r["listening"] == sorted(f"127.0.0.1:{x['port']}" for x in (a, b))

    assert result(r["set_a"])["value"] == -6.0
    assert r["host_a"]["value"] == -6.0
    assert r["host_b"]["value"] == 0.0, "a set through A's bridge changed B"
    assert r["gain_a"] == pytest.approx(-6.0, abs=0.05)
    assert r["gain_b"] == pytest.approx(0.0, abs=1e-6)
    assert r["echo_a"] is not None and r["echo_a"]["value"] == -6.0
    assert r["echo_on_b"] is None, f"B's client heard A's change: {r['echo_on_b']}"
    assert result(r["get_a"])["value"] == -6.0
    assert result(r["get_b"])["value"] == 0.0

    assert result(r["set_b"])["value"] == 50.0
    assert r["host_b_pan"]["value"] == "50R"
    assert r["host_a_pan"]["value"] == "C", "a set through B's bridge changed A"

    assert r["b_token_on_a"] == 401
    assert r["a_token_on_b"] == 401


def test_a_fixed_port_in_use_moves_to_the_next_free_ones(bundle, tmp_path):
    """`WEBUI_BROWSER_PORT=PORT` with PORT held by someone else (the probe): the instances take
    ports after it, within the plugin's 64-port range."""
    r = run_probe("fixed_port", bundle, tmp_path, None)
    port = r["requested"]
    a, b = r["a"], r["b"]
    assert_announced([a, b])
    assert port < a["port"] < port + 64 and port < b["port"] < port + 64, r
    assert a["port"] != b["port"]
    assert f"127.0.0.1:{a['port']}" in r["listening"]
    assert f"127.0.0.1:{b['port']}" in r["listening"]
    assert result(r["ping"]) == {"pong": True}


# --- 4.-6. off, malformed, unload ------------------------------------------------------------


def test_without_the_variable_there_is_no_bridge(bundle, tmp_path):
    r = run_probe("unset", bundle, tmp_path, None)
    assert r["env"] is None
    assert r["after"] == r["before"], "loading the plugin opened a listening socket"
    assert "browser server" not in r["log"] and "WEBUI_BROWSER_PORT" not in r["log"], r["log"]
    assert r["gain"] == pytest.approx(-6.0, abs=0.05)


def test_a_malformed_value_is_logged_and_ignored(bundle, tmp_path):
    r = run_probe("malformed", bundle, tmp_path, "abc")
    assert r["env"] == "abc"
    lines = [line for line in r["log"].splitlines() if MALFORMED_LINE in line]
    assert lines, r["log"]
    assert all("ERROR" in line for line in lines), lines
    assert "browser server at" not in r["log"]
    assert r["after"] == r["before"], "a malformed WEBUI_BROWSER_PORT opened a listening socket"
    assert r["gain"] == pytest.approx(-6.0, abs=0.05)


def test_destroying_the_instance_closes_its_bridge(bundle, tmp_path):
    r = run_probe("unload", bundle, tmp_path, "0")
    live = r["announced"][-1]
    assert result(r["ping"]) == {"pong": True}
    assert r["listening_loaded"] == [f"127.0.0.1:{live['port']}"]
    # `del plugin` + gc: pedalboard destroys the instance at once, and its port closes.
    assert r["refused_after"] is not None, "the port still accepts connections 5 s after unload"
    assert r["refused_after"] < 1.0
    assert r["listening_unloaded"] == []
    # The open client is closed with a close frame ("going away"), not left hanging.
    assert r["client"].get("opcode") == 8, r["client"]
    assert r["client"].get("code") == 1001, r["client"]
    # A new instance in the same process gets a new bridge that works.
    assert r["again"]["token"] != live["token"]
    assert result(r["ping_again"]) == {"pong": True}
    assert r["again_works"] == pytest.approx(0.0, abs=1e-6)
