"""Runs one browser-server scenario on real Webstrip instances in pedalboard and reports what it
saw, as JSON on stdout. The probe only observes; test_browser_server.py judges.

Run by test_browser_server.py in a fresh subprocess per scenario, because the plugin reads
`WEBUI_BROWSER_PORT` when an instance is created and nice-plug reads `NICE_LOG` once per process
(and a crash then fails one test instead of killing pytest):

    WEBUI_BROWSER_PORT=0 NICE_LOG=/tmp/log python browser_probe.py SCENARIO

Host fact (pedalboard 0.9.26, measured): every `load_plugin` creates two Webstrip instances. JUCE
creates a first one to read the plugin's description and destroys it before creating the one it
returns. With the bridge on, each logs its own URL, so the live instance is the last line logged
by its `load_plugin`, and the first one's port is closed again by the time `load_plugin` returns.
"""

from __future__ import annotations

import base64
import gc
import json
import os
import re
import socket
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import websocket  # websocket-client

import webstrip_host as host

SR = 48_000
SKIP = 2_400  # 50 ms: past every 20 ms ramp

URL_LINE = re.compile(
    r"Webstrip instance (\d+): browser server at (http://([^/:\s]+):(\d+)/\?token=(\S*))"
)
PARAM_IDS = ["input", "output", "pan", "width", "invert_l", "invert_r", "mute", "bypass", "tone",
             "tone_level", "mono", "swap", "dc_filter"]


# --- the log --------------------------------------------------------------------------------


def log_text() -> str:
    path = Path(os.environ["NICE_LOG"])
    return path.read_text(errors="replace") if path.exists() else ""


def bridges(text: str | None = None) -> list[dict]:
    """Every browser server the log announced, in order."""
    found = []
    for m in URL_LINE.finditer(log_text() if text is None else text):
        found.append({"instance": int(m.group(1)), "url": m.group(2), "host": m.group(3),
                      "port": int(m.group(4)), "token": m.group(5)})
    return found


def load_announced():
    """Loads an instance; returns it and the bridges its `load_plugin` announced (in order)."""
    before = len(bridges())
    plugin = host.load()
    # nice-plug's tracing writer is synchronous; the short poll only guards against buffering.
    deadline = time.monotonic() + 2.0
    while len(bridges()) == before and time.monotonic() < deadline:
        time.sleep(0.01)
    return plugin, bridges()[before:]


# --- this process's sockets -----------------------------------------------------------------


def _address(hex_address: str) -> str:
    ip, port = hex_address.split(":")
    if len(ip) == 8:
        ip = socket.inet_ntop(socket.AF_INET, bytes.fromhex(ip)[::-1])
    else:  # /proc prints IPv6 as four host-order 32-bit words
        words = bytes.fromhex(ip)
        raw = b"".join(words[i : i + 4][::-1] for i in range(0, 16, 4))
        ip = "[" + socket.inet_ntop(socket.AF_INET6, raw) + "]"
    return f"{ip}:{int(port, 16)}"


def listening() -> list[str]:
    """This process's listening TCP sockets ("ip:port", sorted): the LISTEN entries of
    /proc/self/net/tcp{,6} whose inode is one of this process's socket file descriptors."""
    ours = set()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        if m:
            ours.add(int(m.group(1)))
    found = []
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/self/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[9]) in ours:  # 0A = TCP_LISTEN
                found.append(_address(fields[1]))
    return sorted(found)


def connect_refused(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return False
    except ConnectionRefusedError:
        return True


def wait_refused(port: int, seconds: float = 5.0) -> float | None:
    """Seconds until a connection to `port` is refused, or None if it never was."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if connect_refused(port):
            return time.monotonic() - start
        time.sleep(0.02)
    return None


# --- HTTP and WebSocket ---------------------------------------------------------------------


def http_status(port: int, request_line: str, headers: list[str]) -> dict:
    """Sends one raw request and returns its status and head (websocket-client would hide the
    status of a refused handshake behind an exception)."""
    head = [request_line, f"Host: 127.0.0.1:{port}", *headers]
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    status_line, _, rest = data.partition(b"\r\n")
    parts = status_line.split(b" ")
    return {
        "status": int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None,
        "status_line": status_line.decode(errors="replace"),
        "head": rest.partition(b"\r\n\r\n")[0].decode(errors="replace"),
    }


def handshake(port: int, query: str = "", headers: tuple[str, ...] = ()) -> int | None:
    """The HTTP status of a WebSocket handshake on `/ws{query}` (101 when accepted)."""
    key = base64.b64encode(os.urandom(16)).decode()
    return http_status(
        port,
        f"GET /ws{query} HTTP/1.1",
        ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
         "Sec-WebSocket-Version: 13", *headers],
    )["status"]


class Rpc:
    """A JSON-RPC client on one WebSocket connection; keeps the notifications it reads."""

    def __init__(self, port: int, token: str):
        self.ws = websocket.create_connection(
            f"ws://127.0.0.1:{port}/ws?token={token}", timeout=5
        )
        self.next_id = 0
        self.notes: list[dict] = []

    def call(self, method: str, params: dict | None = None) -> dict:
        self.next_id += 1
        request = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            request["params"] = params
        self.ws.settimeout(5)
        self.ws.send(json.dumps(request))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message
            self.notes.append(message)

    def changed(self, param_id: str, seconds: float) -> dict | None:
        """The first `parameterChanged` for `param_id` (kept or arriving within `seconds`),
        with the seconds it took as `waited`; it is consumed."""
        start = time.monotonic()
        while True:
            for i, note in enumerate(self.notes):
                if (note.get("method") == "parameterChanged"
                        and note["params"]["id"] == param_id):
                    del self.notes[i]
                    return {**note["params"], "waited": time.monotonic() - start}
            left = seconds - (time.monotonic() - start)
            if left <= 0:
                return None
            self.ws.settimeout(left)
            try:
                self.notes.append(json.loads(self.ws.recv()))
            except websocket.WebSocketTimeoutException:
                return None

    def close(self) -> None:
        self.ws.close()


# --- audio and pedalboard -------------------------------------------------------------------


def sine_pair(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return np.stack([0.25 * np.sin(2 * np.pi * 1000 * t),
                     0.25 * np.sin(2 * np.pi * 1000 * t + np.pi / 2)]).astype(np.float32)


def gain_db(plugin) -> float:
    """The settled gain of one processed call, in dB (RMS out / RMS in past the ramps)."""
    x = sine_pair()
    y = plugin.process(x, SR).astype(np.float64)
    x = x.astype(np.float64)
    return 10 * np.log10(np.mean(y[:, SKIP:] ** 2) / np.mean(x[:, SKIP:] ** 2))


def wait_host_value(plugin, name: str, value, seconds: float = 2.0) -> dict:
    """Polls pedalboard's view of parameter `name` until it equals `value`."""
    start = time.monotonic()
    while True:
        seen = host.value_of(plugin, name)
        waited = time.monotonic() - start
        if seen == value or waited > seconds:
            return {"value": seen, "raw": plugin.parameters[name].raw_value, "waited": waited}
        time.sleep(0.005)


def pedalboard_view(plugin) -> dict:
    """pedalboard's key -> the parameter's display name, range and normalized value."""
    view = {}
    for key, p in plugin.parameters.items():
        view[key] = {"name": p.name, "raw": p.raw_value, "type": p.type.__name__,
                     "min": p.type(p.min_value), "max": p.type(p.max_value)}
    return view


# --- scenarios ------------------------------------------------------------------------------


def roundtrip() -> dict:
    """One instance: the URL, every parameter over the WebSocket, a set each way."""
    plugin, announced = load_announced()
    live = announced[-1]
    port, token = live["port"], live["token"]
    report = {
        "announced": announced,
        "listening": listening(),
        "earlier_ports_refused": [connect_refused(b["port"]) for b in announced[:-1]],
        "pedalboard": pedalboard_view(plugin),
        "page": http_status(port, f"GET /?token={token} HTTP/1.1", [])["status"],
    }
    rpc = Rpc(port, token)
    report["info"] = rpc.call("getInfo")
    report["all"] = rpc.call("getAllParameters")

    # The browser sets the output to -6 dB: pedalboard sees it, the audio follows.
    report["set_output"] = rpc.call("setParameter", {"id": "output", "value": -6})
    report["host_output"] = wait_host_value(plugin, "output_db", -6.0)
    # Not asserted, for the record: JUCE hands the value to the plugin in the next process()
    # call, so until then the plugin has not applied it and sends no parameterChanged.
    report["echo_before_process"] = rpc.changed("output", 0.3)
    report["gain_after_output"] = gain_db(plugin)
    report["echo_output"] = rpc.changed("output", 1.0)
    # By normalized value: input 0.25 is -6 dB on its skewed law, so -12 dB in all.
    report["set_input"] = rpc.call("setParameter", {"id": "input", "normalized": 0.25})
    report["host_input"] = wait_host_value(plugin, "input_db", -6.0)
    report["gain_after_input"] = gain_db(plugin)
    report["echo_input"] = rpc.changed("input", 1.0)
    report["get_output"] = rpc.call("getParameter", {"id": "output"})

    # The host sets parameters: the client hears it. JUCE hands a set to the plugin in the next
    # process() call (webstrip_host.py), so the clock starts after that call.
    plugin.width = 50.0
    plugin.tone = "Sine 1 kHz"
    host.flush(plugin, SR)
    report["host_width"] = rpc.changed("width", 3.0)
    report["host_tone"] = rpc.changed("tone", 3.0)
    report["all_after"] = rpc.call("getAllParameters")
    report["pedalboard_after"] = host.values_of(plugin)
    report["notes_left"] = rpc.notes
    rpc.close()
    return report


def auth() -> dict:
    """Who may open the WebSocket: the token and the Origin at the handshake."""
    plugin, announced = load_announced()
    live = announced[-1]
    port, token = live["port"], live["token"]
    other = "".join("0123456789abcdef"[(int(c, 16) + 1) % 16] for c in token)
    own_origin = f"http://127.0.0.1:{port}"
    statuses = {
        "no_token": handshake(port),
        "empty_token": handshake(port, "?token="),
        "wrong_token": handshake(port, f"?token={other}"),
        "token_prefix": handshake(port, f"?token={token[:-1]}"),
        "token_upper_case": handshake(port, f"?token={token.upper()}"),
        "wrong_bearer": handshake(port, headers=(f"Authorization: Bearer {other}",)),
        "foreign_origin_with_token": handshake(port, f"?token={token}",
                                               ("Origin: http://evil.example",)),
        "foreign_origin_with_bearer": handshake(port, headers=(
            "Origin: http://evil.example", f"Authorization: Bearer {token}")),
        "own_origin_with_token": handshake(port, f"?token={token}", (f"Origin: {own_origin}",)),
        "own_origin_without_token": handshake(port, headers=(f"Origin: {own_origin}",)),
        "token": handshake(port, f"?token={token}"),
        "bearer": handshake(port, headers=(f"Authorization: Bearer {token}",)),
    }
    # After all those refusals the instance still serves its client.
    rpc = Rpc(port, token)
    ping = rpc.call("ping")
    rpc.close()
    return {"announced": announced, "listening": listening(), "statuses": statuses,
            "ping": ping, "works": gain_db(plugin)}


def two_instances() -> dict:
    """Two instances in one process: two bridges, each driving its own instance only."""
    a, announced_a = load_announced()
    b, announced_b = load_announced()
    live_a, live_b = announced_a[-1], announced_b[-1]
    report = {"a": live_a, "b": live_b, "listening": listening()}
    rpc_a = Rpc(live_a["port"], live_a["token"])
    rpc_b = Rpc(live_b["port"], live_b["token"])
    report["set_a"] = rpc_a.call("setParameter", {"id": "output", "value": -6})
    report["host_a"] = wait_host_value(a, "output_db", -6.0)
    time.sleep(0.2)  # give a wrong routing time to show on B
    report["host_b"] = wait_host_value(b, "output_db", 0.0, seconds=0.0)
    report["gain_a"] = gain_db(a)
    report["gain_b"] = gain_db(b)
    report["echo_a"] = rpc_a.changed("output", 1.0)
    report["echo_on_b"] = rpc_b.changed("output", 0.5)
    report["get_a"] = rpc_a.call("getParameter", {"id": "output"})
    report["get_b"] = rpc_b.call("getParameter", {"id": "output"})
    # And the other way round, through B's endpoint.
    report["set_b"] = rpc_b.call("setParameter", {"id": "pan", "value": 50})
    report["host_b_pan"] = wait_host_value(b, "pan", "50R")
    time.sleep(0.2)
    report["host_a_pan"] = wait_host_value(a, "pan", "C", seconds=0.0)
    report["b_token_on_a"] = handshake(live_a["port"], f"?token={live_b['token']}")
    report["a_token_on_b"] = handshake(live_b["port"], f"?token={live_a['token']}")
    rpc_a.close()
    rpc_b.close()
    return report


def fixed_port() -> dict:
    """`WEBUI_BROWSER_PORT=PORT` with PORT taken: the instances take the next free ports."""
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    os.environ["WEBUI_BROWSER_PORT"] = str(port)  # read by the plugin when an instance is created
    a, announced_a = load_announced()
    b, announced_b = load_announced()
    live_a, live_b = announced_a[-1], announced_b[-1]
    rpc = Rpc(live_b["port"], live_b["token"])
    ping = rpc.call("ping")
    rpc.close()
    return {"requested": port, "a": live_a, "b": live_b, "listening": listening(), "ping": ping}


def unset() -> dict:
    """No `WEBUI_BROWSER_PORT`: no bridge, no listening socket, no log line."""
    before = listening()
    plugin = host.load()
    plugin.output_db = -6.0
    gain = gain_db(plugin)
    return {"before": before, "after": listening(), "log": log_text(), "gain": gain,
            "env": os.environ.get("WEBUI_BROWSER_PORT")}


def malformed() -> dict:
    """`WEBUI_BROWSER_PORT=abc`: an error line, no listening socket, a working plugin."""
    before = listening()
    plugin = host.load()
    after_load = listening()
    plugin.output_db = -6.0
    gain = gain_db(plugin)
    return {"before": before, "after": after_load, "log": log_text(), "gain": gain,
            "env": os.environ.get("WEBUI_BROWSER_PORT")}


def unload() -> dict:
    """Destroying the instance closes its bridge: the port, and the open client's connection."""
    plugin, announced = load_announced()
    live = announced[-1]
    port = live["port"]
    rpc = Rpc(port, live["token"])
    ping = rpc.call("ping")
    listening_loaded = listening()

    del plugin
    gc.collect()
    refused_after = wait_refused(port)
    listening_unloaded = listening()
    rpc.ws.settimeout(5)
    try:
        opcode, frame = rpc.ws.recv_data_frame(True)
        client = {"opcode": opcode}
        if opcode == websocket.ABNF.OPCODE_CLOSE and len(frame.data) >= 2:
            client["code"] = int.from_bytes(frame.data[:2], "big")
            client["reason"] = frame.data[2:].decode(errors="replace")
    except Exception as exc:  # a reset or an EOF is a closed connection too
        client = {"error": f"{type(exc).__name__}: {exc}"}

    # The process can still host a new instance with a new bridge.
    again, announced_again = load_announced()
    rpc2 = Rpc(announced_again[-1]["port"], announced_again[-1]["token"])
    ping2 = rpc2.call("ping")
    rpc2.close()
    return {"announced": announced, "ping": ping, "listening_loaded": listening_loaded,
            "refused_after": refused_after, "listening_unloaded": listening_unloaded,
            "client": client, "again": announced_again[-1], "ping_again": ping2,
            "again_works": gain_db(again)}


SCENARIOS = {
    "roundtrip": roundtrip,
    "auth": auth,
    "two_instances": two_instances,
    "fixed_port": fixed_port,
    "unset": unset,
    "malformed": malformed,
    "unload": unload,
}


if __name__ == "__main__":
    try:
        result = SCENARIOS[sys.argv[1]]()
    except Exception:
        traceback.print_exc()
        sys.exit(2)
    print(json.dumps(result))
