"""Sets one crafted state on a Webstrip instance and reports what happened, as JSON on stdout.

Run by test_webstrip_vst3.py in a subprocess, so that a plugin (or host) crash fails one test
instead of killing pytest:

    python state_probe.py VARIANT

The instance is first put in state A (every parameter non-default). The crafted state is derived
from a real state B saved by another instance, in which every parameter differs from both A and
the defaults, so a partial load shows up as changed parameters.
"""

from __future__ import annotations

import json
import random
import sys
import traceback

import numpy as np

import webstrip_host as host

SAMPLE_RATE = 48_000.0

STATE_A = {
    "input_db": -6.0,
    "output_db": -6.0,
    "pan": "50R",
    "width": 50.0,
    "invert_l": True,
    "invert_r": False,
    "mute": False,
    "bypass": False,
    "tone": "Sine 1 kHz",
    "tone_level_db": -30.0,
    "mono": False,
    "swap_l_r": True,
    "dc_filter": False,
}

STATE_B = {
    "input_db": 12.0,
    "output_db": -24.0,
    "pan": "20L",
    "width": 150.0,
    "invert_l": False,
    "invert_r": True,
    "mute": True,
    "bypass": True,
    "tone": "Pink noise",
    "tone_level_db": -40.0,
    "mono": True,
    "swap_l_r": False,
    "dc_filter": True,
}


def configured(values: dict):
    plugin = host.load()
    for name, value in values.items():
        setattr(plugin, name, value)
    host.flush(plugin, SAMPLE_RATE)
    return plugin


def signal() -> np.ndarray:
    t = np.arange(int(SAMPLE_RATE) // 4) / SAMPLE_RATE
    left = 0.25 * np.sin(2 * np.pi * 1000.0 * t)
    right = 0.125 * np.sin(2 * np.pi * 440.0 * t)
    return np.stack([left, right]).astype(np.float32)


def component_variants(b_json: bytes) -> dict[str, bytes]:
    """Corrupt plugin states built from the valid JSON state `b_json`."""
    mid = len(b_json) // 2
    rng = random.Random(1234)
    doc = json.loads(b_json)
    return {
        "valid": b_json,  # the control: proves the crafted bytes reach the plugin
        "truncated_half": b_json[:mid],
        "truncated_last_byte": b_json[:-1],
        "empty": b"",
        "garbage": bytes(rng.randrange(256) for _ in range(300)),
        "byte_flipped": b_json[:mid] + bytes([b_json[mid] ^ 0xFF]) + b_json[mid + 1 :],
        "not_utf8_prefix": b"\xff\xfe" + b_json,
        "json_array": b"[1, 2, 3]",
        "params_not_a_map": json.dumps({**doc, "params": 5}).encode(),
        "trailing_garbage": b_json + b"}}garbage",
        # Well-formed JSON whose content is wrong: Webstrip's filter_state refuses these whole.
        "input_out_of_range": _edit(
            doc, "input", {"f32": 1000.0}, bypass={"bool": False}, mute={"bool": False}
        ),
        "input_wrong_type": _edit(doc, "input", {"bool": True}),
        "tone_unknown_variant": _edit(doc, "tone", {"string": "square"}),
        "tone_index_out_of_range": _edit(
            doc, "tone", {"i32": 7}, bypass={"bool": False}, mute={"bool": False}
        ),
        "tone_index_negative": _edit(
            doc, "tone", {"i32": -1}, bypass={"bool": False}, mute={"bool": False}
        ),
    }


def _edit(doc: dict, param_id: str, value: dict, **others: dict) -> bytes:
    params = dict(doc["params"])
    params[param_id] = value
    params.update(others)
    return json.dumps({**doc, "params": params}).encode()


def crafted_state(variant: str, raw_b: bytes) -> bytes:
    if variant == "wrapper_byte_flipped":
        # Corrupts JUCE's own XML wrapper: the host must refuse it before the plugin sees it.
        pos = raw_b.index(b"<IComponent>") + 20
        return raw_b[:pos] + b"\xff\xfe<" + raw_b[pos + 3 :]
    if variant == "wrapper_truncated":
        return raw_b[: len(raw_b) // 2]
    b_json = host.component_state(raw_b)
    return host.with_component_state(raw_b, component_variants(b_json)[variant])


def main(variant: str) -> dict:
    source = configured(STATE_B)
    raw_b = source.raw_state
    if host.values_of(source) != STATE_B:
        raise AssertionError(f"could not set state B: {host.values_of(source)}")
    crafted = crafted_state(variant, raw_b)

    target = configured(STATE_A)
    reference = configured(STATE_A)  # never touched: what an unchanged instance sounds like
    before = host.values_of(target)
    component_before = host.component_state(target.raw_state).decode()

    error = None
    try:
        target.raw_state = crafted
    except Exception as exc:  # a host-side refusal is fine; a crash is not
        error = f"{type(exc).__name__}: {exc}"
    after_set = host.values_of(target)
    host.flush(target, SAMPLE_RATE)
    after_flush = host.values_of(target)
    component_after = host.component_state(target.raw_state).decode()

    x = signal()
    out = target.process(x, SAMPLE_RATE)
    ref = reference.process(x, SAMPLE_RATE)
    return {
        "variant": variant,
        "crafted_len": len(crafted),
        "error": error,
        "before": before,
        "after_set": after_set,
        "after_flush": after_flush,
        "component_before": component_before,
        "component_after": component_after,
        "audio_equal_to_untouched": bool(np.array_equal(out, ref)),
        "audio_finite": bool(np.isfinite(out).all()),
    }


if __name__ == "__main__":
    try:
        result = main(sys.argv[1])
    except Exception:
        traceback.print_exc()
        sys.exit(2)
    print(json.dumps(result))
