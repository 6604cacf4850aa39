"""Helpers shared by the VST3 tests and the state probe (imported, never collected by pytest).

The host is pedalboard, which wraps JUCE's VST3 hosting. What it does, measured with
pedalboard 0.9.26 (README.md next to this file has the longer list):

- A parameter set from Python (`plugin.input_db = -6.0`) does not reach the plugin at once: JUCE
  queues it and hands it to the plugin in the first block of the next `process()` call. Until
  then the plugin's own state (`raw_state`) still holds the old value.
- `process(..., reset=True)` (the default) resets the plugin before every call: the plugin's
  `reset()` snaps its ramps to the current parameter values and restarts the generators. A change
  made between two calls therefore ramps over the first 20 ms of the next call; the call after
  that is settled from its first sample.
- Float parameters are set by plain value through a table of 1001 values that pedalboard builds
  from the plugin's value strings; a value off that table snaps to the nearest entry (output
  +6.0 dB becomes +6.02 dB). The tests use values on the table and check what pedalboard set.
- `raw_state` is JUCE's wrapper: "VC2!", a little-endian u32 length, then XML whose
  `<IComponent>` holds the plugin's component state in JUCE's own base64 (below).
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_BUNDLE = REPO / "target" / "bundled" / "Webstrip.vst3"


def bundle_path() -> Path:
    """The bundle under test: `$WEBSTRIP_VST3`, else `<repo>/target/bundled/Webstrip.vst3`."""
    env = os.environ.get("WEBSTRIP_VST3")
    return Path(env) if env else DEFAULT_BUNDLE


def missing_bundle_message(path: Path) -> str | None:
    """Why `path` cannot be loaded, or None when it looks like a VST3 bundle."""
    binary = path / "Contents" / "x86_64-linux" / "Webstrip.so"
    if not path.exists():
        return (
            f"Webstrip VST3 bundle not found at {path}. Build it with "
            "`cargo xtask bundle webstrip` (or point WEBSTRIP_VST3 at a Webstrip.vst3 bundle)."
        )
    if not binary.is_file():
        return f"{path} exists but has no {binary.relative_to(path)}: not a complete VST3 bundle."
    return None


def load(path: Path | None = None):
    """A fresh plugin instance in pedalboard."""
    import pedalboard

    return pedalboard.load_plugin(str(path or bundle_path()))


def flush(plugin, sample_rate: float = 48_000.0) -> None:
    """Hands queued parameter changes to the plugin by processing one short silent block."""
    import numpy as np

    plugin.process(np.zeros((2, 64), dtype=np.float32), sample_rate)


# --- JUCE's state wrapper -------------------------------------------------------------------

# JUCE's MemoryBlock::toBase64Encoding: "<byte count>." then 6 bits per character, taken from
# the data read as one little-endian bit stream, with this alphabet (not RFC 4648).
_JUCE_B64 = ".ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+"
_MAGIC = b"VC2!"
_COMPONENT = re.compile(rb"<IComponent>(.*?)</IComponent>", re.S)


def juce_b64decode(text: str) -> bytes:
    count, dot, chars = text.partition(".")
    if not dot:
        raise ValueError("JUCE base64 without a length prefix")
    n = int(count)
    bits = 0
    for i, ch in enumerate(chars):
        bits |= _JUCE_B64.index(ch) << (6 * i)
    return (bits & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


def juce_b64encode(data: bytes) -> str:
    bits = int.from_bytes(data, "little")
    chars = (len(data) * 8 + 5) // 6
    return f"{len(data)}." + "".join(_JUCE_B64[(bits >> (6 * i)) & 63] for i in range(chars))


def _split(raw: bytes) -> tuple[bytes, bytes]:
    magic, size = struct.unpack("<4sI", raw[:8])
    if magic != _MAGIC:
        raise ValueError(f"not a JUCE binary XML state (magic {magic!r})")
    # `size` counts the XML text and its terminating NUL; JUCE may pad after it.
    return raw[8 : 8 + size - 1], raw[8 + size - 1 :]


def component_state(raw: bytes) -> bytes:
    """The plugin's own component state (nice-plug's JSON) inside pedalboard's `raw_state`."""
    xml, _ = _split(raw)
    match = _COMPONENT.search(xml)
    if match is None:
        raise ValueError("no <IComponent> in the state")
    return juce_b64decode(match.group(1).decode("ascii"))


def with_component_state(raw: bytes, component: bytes) -> bytes:
    """`raw` with its component state replaced by `component` (any bytes), re-wrapped for JUCE."""
    xml, tail = _split(raw)
    encoded = b"<IComponent>" + juce_b64encode(component).encode("ascii") + b"</IComponent>"
    new_xml, count = _COMPONENT.subn(lambda _m: encoded, xml)
    if count != 1:
        raise ValueError("expected exactly one <IComponent>")
    return _MAGIC + struct.pack("<I", len(new_xml) + 1) + new_xml + tail


def value_of(plugin, name: str):
    """A parameter's value as pedalboard reports it, as a plain float, bool or str.

    pedalboard returns wrapper objects that compare like the value; json and repr want the
    plain type, which the parameter's `type` names.
    """
    return plugin.parameters[name].type(getattr(plugin, name))


def values_of(plugin) -> dict:
    return {name: value_of(plugin, name) for name in plugin.parameters}
