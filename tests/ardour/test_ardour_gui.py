"""Webstrip's editor in Ardour's GUI (GTK2) under a private Xvfb: the VST3 bundle's editor helper
embeds the web UI into Ardour's plugin window; a change made in Ardour shows in the page; a drag in
the page reaches Ardour as one gesture, one undoable automation pass; closing and reopening the
window leaves no helper behind. One Ardour run for the module (ardour_gui.py has how it is set up
and driven); the tests run in order on it.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import ardour_gui as ag
import ardour_host as host

# The editor's default size (the plugin's EDITOR_SIZE).
VIEW_SIZE = (720, 420)
CYCLES = 20
# Pixels two captures of an unchanged page may differ by: WebKit repainting the whole page (a
# window shown again) has been seen to antialias one pixel differently. A change shows as
# hundreds (Width 100 → 0 %: ~980).
SAME_PAGE_PIXELS = 30
SESSION = "gui-session"


def differing_pixels(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.count_nonzero(np.any(a != b, axis=2)))


def make_session(ardour, name: str):
    """A new session made headless for the GUI: one track with Webstrip alone."""
    body = "\n".join([
        "start_engine ()",
        f'assert (create_session ("{ardour.root / name}", "webstrip", {host.SR}))',
        "local track, proc = add_strip (true)",
        # A grey track (Ardour picks track colours at random): nothing in the strip but the
        # plugin's entry has the entry's colour.
        "track:presentation_info_ptr ():set_color (0x808080ff)",
        "ARDOUR.LuaAPI.usleep (300000)",
        "finish ()",
    ]) + "\n"
    ardour.run(name, body, creates=ardour.root / name)
    ag.without_engine_hints(ardour.root / name / "webstrip.ardour")


@pytest.fixture(scope="module")
def gui(ardour):
    # The bundle may have been rebuilt since the session's scan: Ardour's GUI reads only an
    # up-to-date cache entry.
    scan = ardour.scan()
    assert scan.returncode == 0, scan.stderr
    ag.seed_config(ardour)
    make_session(ardour, SESSION)
    session_file = ardour.root / SESSION / "webstrip.ardour"
    started = time.monotonic()
    g = ag.Gui.start(ardour, session_file, ardour.root / "gui")
    print(f"Ardour's GUI ran the driver's first command after {time.monotonic() - started:.1f} s")
    g.lua('Editor:access_action ("Common", "show-mixer") return true')
    yield g
    g.stop()
    report_stderr(g)


def report_stderr(g: ag.Gui) -> None:
    """Ardour's stderr (the helper's and the plugin's go there too), each kind of line once with
    its count: process ids and times taken out."""
    lines = [line for line in g.stderr().splitlines() if line.strip()]
    kinds = [re.sub(r"^\S*Z |(?<=webstrip-editor:)\d+|\d\d:\d\d:\d\d\.\d+", "…", line)
             for line in lines]
    print(f"Ardour's stderr ({g.stderr_path}), {len(lines)} lines:")
    for kind in sorted(set(kinds), key=kinds.index):
        print(f"  {kinds.count(kind)} × {kind}")


def plugin_window(g: ag.Gui) -> int | None:
    mapped = [w for w in g.windows(ag.PLUGIN_WINDOW) if g.mapped(w)]
    assert len(mapped) <= 1, mapped
    return mapped[0] if mapped else None


def entry_point(g: ag.Gui) -> tuple[int, int]:
    """Webstrip's processor entry in the mixer strip, found by how Ardour draws it."""
    if g.entry is None:
        g.entry = ag.wait_for(
            lambda: g.find_colour(ag.PLUGIN_ENTRY_COLOUR, (0, 0) + ag.SCREEN), 20,
            "Webstrip's processor entry in Ardour's mixer")
    return g.entry


def page_drawn(g: ag.Gui, view) -> np.ndarray | None:
    """The page's pixels once it has drawn its controls and stopped changing."""
    first = g.capture(view)
    if len(np.unique(first.reshape(-1, 3), axis=0)) < 200:
        return None
    time.sleep(0.3)
    second = g.capture(view)
    return second if differing_pixels(first, second) == 0 else None


def settled(g: ag.Gui, view, seconds: float = 30) -> np.ndarray:
    return ag.wait_for(lambda: page_drawn(g, view), seconds, "the page to draw and settle")


def open_editor(g: ag.Gui) -> tuple[int, ag.Helper]:
    """Opens Webstrip's window as a user does (a double click on its entry in the mixer strip);
    returns the plugin window and the helper, once the helper's view is in it."""
    assert plugin_window(g) is None
    g.double_click(entry_point(g))
    try:
        window = ag.wait_for(lambda: plugin_window(g), 20, "Webstrip's plugin window")
    except AssertionError:
        g.screenshot(g.work / "open-failed.png")
        raise
    helper = ag.wait_for(lambda: (h := g.helpers()) and h[0], 20, "the editor helper")
    ag.wait_for(lambda: f"0x{helper.parent_xid:x}" in g.x("xwininfo", "-tree", "-id", str(window)),
                10, "the helper's parent window inside the plugin window")
    # Keep the entry clear of the window, so the next double click reaches it.
    x, y, w, h = g.geometry(window)
    ex, ey = entry_point(g)
    if x <= ex < x + w and y <= ey < y + h:
        g.x("xdotool", "windowmove", str(window), str(ag.SCREEN[0] - w - 10), "60")
        ag.wait_for(lambda: g.geometry(window)[0] > ex, 10, "the plugin window to move")
    return window, helper


def close_editor(g: ag.Gui) -> None:
    g.double_click(entry_point(g))
    ag.wait_for(lambda: plugin_window(g) is None, 20, "the plugin window to close")


def view_box(g: ag.Gui, helper: ag.Helper):
    return g.geometry(helper.parent_xid)


# --- the tests, in order, on one Ardour ------------------------------------------------------


def test_the_editor_opens_embedded_in_ardours_plugin_window(gui):
    window, helper = open_editor(gui)
    assert len(gui.helpers()) == 1
    view = view_box(gui, helper)
    wx, wy, ww, wh = gui.geometry(window)
    x, y, w, h = view
    # The page fills the plugin window below Ardour's own toolbar.
    assert (w, h) == VIEW_SIZE, view
    assert wx <= x and x + w <= wx + ww and wy < y and y + h <= wy + wh, (view, (wx, wy, ww, wh))
    settled(gui, view)
    path = host.REPO / "target" / "ardour-editor.png"
    gui.screenshot(path, (wx, wy, ww, wh))
    print(f"screenshot: {path}")


def test_a_change_made_in_ardour_shows_in_the_page(gui):
    window = plugin_window(gui)
    assert window is not None
    view = view_box(gui, gui.helpers()[0])
    before = settled(gui, view)
    gui.lua('local route, proc = find_strip () set_params (proc, { Width = 0.0 }) return true')
    changed = ag.wait_for(
        lambda: (c := gui.capture(view)) is not None
        and differing_pixels(before, c) > 10 * SAME_PAGE_PIXELS and c,
        10, "the page to show Width 0 %")
    moved = differing_pixels(before, changed)
    gui.lua('local route, proc = find_strip () set_params (proc, { Width = 100.0 }) return true')
    ag.wait_for(lambda: differing_pixels(before, gui.capture(view)) <= SAME_PAGE_PIXELS, 10,
                "the page to show Width 100 % again, as before")
    left = differing_pixels(before, gui.capture(view))
    print(f"Width 100 → 0 %: {moved} pixels changed; back to 100 %: {left} differ from before")


# The highest value in the Output lane (−inf when empty).
TOP_WRITTEN = ("(function () local top = -math.huge for e in ac:alist ():events ():iter () do "
               "top = math.max (top, e.value) end return top end) ()")


def lua_output(gui, expression: str) -> str:
    return gui.lua(f'local ac = output_control () return {expression}')


def test_a_drag_in_the_page_is_one_undoable_gesture_in_ardour(gui):
    helper = gui.helpers()[0]
    view = view_box(gui, helper)
    settled(gui, view)
    gui.lua("""
function output_control ()
	local route, proc = find_strip ()
	return proc:to_insert ():to_automatable ():automation_control (
		Evoral.Parameter (ARDOUR.AutomationType.PluginAutomation, 0, param_index (proc, "Output")), false)
end
local ac = output_control ()
ac:alist ():clear_list ()
ac:set_automation_state (ARDOUR.AutoState.Touch)
Session:request_roll (ARDOUR.TransportRequestSource.TRS_UI)
return true""")
    ag.wait_for(lambda: lua_output(gui, "Session:transport_rolling ()") == "true", 10,
                "Ardour's transport to roll")
    assert lua_output(gui, "ac:alist ():touching ()") == "false"
    start = float(lua_output(gui, "ac:get_value ()"))

    knob = ag.wait_for(lambda: gui.control_centre("output", view[2:]), 10,
                       "the page's layout with the Output knob")
    x, y = view[0] + knob[0], view[1] + knob[1]
    gui.x("xdotool", "mousemove", str(x), str(y))
    gui.x("xdotool", "mousedown", "1")
    touching, values = [], []
    try:
        for step in range(1, 9):
            gui.x("xdotool", "mousemove", str(x), str(y - 8 * step))
            time.sleep(0.05)
            if step >= 3:
                touching.append(lua_output(gui, "ac:alist ():touching ()"))
                values.append(float(lua_output(gui, "ac:get_value ()")))
    finally:
        gui.x("xdotool", "mouseup", "1")
    ag.wait_for(lambda: lua_output(gui, "ac:alist ():touching ()") == "false", 10,
                "Ardour to hear the gesture's end")
    # Begin edit reached Ardour as a touch that lasted the whole drag (one gesture, not one per
    # move), and the values it wrote while rolling.
    assert touching == ["true"] * len(touching), touching
    moved = max(values)
    assert moved > start + 1e-3, (start, values)

    gui.lua("Session:request_stop (false, false, ARDOUR.TransportRequestSource.TRS_UI) return true")
    ag.wait_for(lambda: lua_output(gui, "Session:transport_rolling ()") == "false", 10,
                "Ardour's transport to stop")
    events = int(ag.wait_for(lambda: (n := lua_output(gui, "ac:alist ():size ()")) != "0" and n,
                             10, "the written automation"))
    # What Ardour wrote is the drag's values.
    written = float(lua_output(gui, TOP_WRITTEN))
    assert written == pytest.approx(moved, abs=0.5), (written, values)
    # One undo entry for the pass, in Ardour's own undo history as it saves it.
    gui.lua('Session:save_state ("", false, false, false, false, false) return true')
    history = ET.parse(gui.ardour.root / SESSION / "webstrip.history").getroot()
    names = [t.get("name") for t in history.iter("UndoTransaction")]
    print(f"Output {start:.2f} → {moved:.2f} dB; {events} automation events; undo history {names}")
    assert len(names) == 1 and re.search(r"Output", names[0]), names
    # Undoing that one entry takes the whole gesture away.
    gui.lua("Editor:undo (1) return true")
    ag.wait_for(lambda: float(lua_output(gui, TOP_WRITTEN)) < start + 1e-3, 10,
                "the undo to take the gesture's values out of the lane")
    gui.lua("Editor:redo (1) return true")
    ag.wait_for(lambda: float(lua_output(gui, TOP_WRITTEN)) == pytest.approx(written), 10,
                "the redo to bring them back")
    gui.lua("local ac = output_control () ac:set_automation_state (ARDOUR.AutoState.Off) "
            'local route, proc = find_strip () set_params (proc, { Output = 0.0 }) return true')


def editor_processes(gui) -> list[str]:
    """The editor's processes still running: helpers and their WebKit processes, in Ardour's
    process group (Ardour leads its own; its descendants are in it)."""
    return [name for name in process_group(gui)
            if name == ag.HELPER or name.startswith("WebKit")]


def process_group(gui) -> list[str]:
    """Ardour's descendants still running (their names, as /proc has them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == gui.proc.pid:
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == gui.proc.pid and fields[0] != "Z":
            found.append(stat[stat.index("(") + 1:stat.rindex(")")])
    return found


def test_closing_and_reopening_the_window_leaves_no_helper(gui):
    if plugin_window(gui) is not None:
        close_editor(gui)
    ag.wait_for(lambda: not gui.helpers(), 20, "the helper to end when the window closed")
    pids = set()
    started = time.monotonic()
    for cycle in range(CYCLES):
        window, helper = open_editor(gui)
        pids.add(helper.pid)
        settled(gui, view_box(gui, helper))
        close_editor(gui)
        ag.wait_for(lambda: not gui.helpers(), 20, f"the helper to end (cycle {cycle})")
    elapsed = time.monotonic() - started
    # Each helper's WebKit processes end shortly after it.
    ag.wait_for(lambda: not editor_processes(gui), 20,
                f"the editor's processes to end (left: {editor_processes(gui)})")
    assert len(pids) == CYCLES, pids  # a helper per opening, each gone at its close
    print(f"{CYCLES} open/close cycles in {elapsed:.1f} s; Ardour's descendants after: "
          f"{process_group(gui)}")
