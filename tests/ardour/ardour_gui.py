"""Ardour's GUI (`ardour`, GTK2) under a private Xvfb, in the private setup of ardour_host (the same
HOME/XDG dirs under target/), driven from inside and outside:

- inside: a Lua editor hook of Ardour's GUI (gui_driver.lua), registered in the private config's
  `ui_scripts` before Ardour starts, runs the command files the test writes on Ardour's GUI thread
  (`Gui.lua`): parameters, automation, transport, undo, actions;
- outside: xdotool and ImageMagick on windows found by name (the plugin window), by XID (the editor
  helper's parent, from its command line) or by what Ardour drew (the processor entry, by its
  colour), never at fixed screen positions.

Ardour's first start would stop at dialogs; the private config answers them beforehand (Ardour 7.3's
gtk2_ardour/startup_fsm.cc, new_user_wizard.cc, engine_dialog.cc, plugin_manager.cc):
- the new-user wizard shows while `<config>/ardour7/.a7` is missing;
- the audio/MIDI setup dialog shows unless an engine state there can be started at once: the
  "None (Dummy)" backend (listed only with `hide-dummy-backend` off) in `config`'s
  `<AudioMIDISetup>`, with `try-autostart-engine` on;
- the session's `<EngineHints>` (what headless Ardour ran it on) would raise "Engine I/O device has
  changed" (a modal dialog): removed from the session file, Ardour starts the engine without asking;
- "plugins cannot be found … have not yet been indexed" shows while `plugin-cache-version` is
  older than Ardour's (7002 for 7.x); with it, Ardour reads the VST3 scan cache of ardour_host.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

import ardour_host as host

ARDOUR_GUI = shutil.which("ardour") or "/usr/bin/ardour"
SCREEN = (1600, 1000)
START_TIMEOUT = 90  # seconds until Ardour's GUI runs the driver's first command
# The editor hook's signals: a bitset over gtk2_ardour/luasignal_syms.h (49 signals in 7.3), as
# std::bitset::to_string writes it (the highest bit first); bit 47 is LuaTimerDS (every 0.1 s).
LUA_SIGNALS = 49
LUA_TIMER_DS = 47
HOOK_SIGNALS = "".join("1" if bit == LUA_TIMER_DS else "0" for bit in reversed(range(LUA_SIGNALS)))
# What Ardour draws a plugin's processor entry with (theme "dark", pre-fader plugin), RGB.
PLUGIN_ENTRY_COLOUR = (102, 48, 48)
PLUGIN_WINDOW = "Strip: Webstrip (by Webstrip) [VST3]"
HELPER = "webstrip-editor"
MULTI_CLICK_SECONDS = 0.6
LAYOUT_VAR = "WEBUI_EDITOR_LAYOUT"


def engine_state() -> str:
    return ('<State backend="None (Dummy)" driver="Normal Speed" device="Silence" input-device="" '
            'output-device="" sample-rate="48000" buffer-size="1024" n-periods="0" '
            'input-latency="0" output-latency="0" lm-input="" lm-output="" active="1" '
            f'use-buffered-io="0" midi-option="1 in, 1 out, Silence" lru="{int(time.time())}">'
            '<MIDIDevices/></State>')


def seed_config(ardour: host.Ardour, destroy_closed_editors: bool = True) -> None:
    """Writes what Ardour's GUI would ask for on a first start, and the driver hook."""
    config = ardour.root / "config" / "ardour7"
    (config / ".a7").write_text("")
    (config / "config").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<Ardour>
  <Config>
    <Option name="try-autostart-engine" value="1"/>
    <Option name="hide-dummy-backend" value="0"/>
    <Option name="plugin-cache-version" value="7002"/>
  </Config>
  <Extra>
    <AudioMIDISetup><EngineStates>{engine_state()}</EngineStates></AudioMIDISetup>
  </Extra>
</Ardour>
""")
    # Closing a VST3 plugin's window destroys its editor (IPlugView::removed) instead of hiding it
    # (Ardour's default keeps a closed editor alive, hidden): each close must end the helper.
    behaviour = "PluginGUIDestroyVST" if destroy_closed_editors else "PluginGUIHide"
    (config / "ui_config").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<Ardour>
  <UI>
    <Option name="plugin-gui-behavior" value="{behaviour}"/>
  </UI>
</Ardour>
""")
    # A saved editor hook as LuaCallback::get_state writes it: base64 of Lua that sets `s`, whose
    # `f` Ardour loads (source text here) and calls to get the callback.
    hook = (host.HERE / "gui_driver.lua").read_text()
    assert "]==]" not in hook
    saved = (f's = {{}} s["n"] = "Webstrip test driver" s["s"] = "-- tests/ardour/gui_driver.lua" '
             f's["f"] = [==[{hook}]==] s["a"] = {{}} ')
    (config / "ui_scripts").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<UIScripts>
  <ActionScript/>
  <ActionHooks>
    <LuaCallback lua="Lua 5.3" id="9001" name="Webstrip test driver" signals="{HOOK_SIGNALS}">{base64.b64encode(saved.encode()).decode()}</LuaCallback>
  </ActionHooks>
</UIScripts>
""")


def without_engine_hints(session_file: Path) -> None:
    session_file.write_text(re.sub(r"\s*<EngineHints[^>]*/>", "", session_file.read_text()))


class Xvfb:
    """A private X server on a free display (Xvfb picks it: -displayfd)."""

    def __init__(self, size=SCREEN):
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{size[0]}x{size[1]}x24",
             "-nolisten", "tcp"], pass_fds=(write,), stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as r:
            number = r.readline().strip()
        assert number, "Xvfb did not start"
        self.display = f":{number}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def read_ppm(data: bytes) -> np.ndarray:
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert m, data[:20]
    w, h = int(m.group(1)), int(m.group(2))
    return np.frombuffer(data[m.end():m.end() + w * h * 3], np.uint8).reshape(h, w, 3)


def wait_for(predicate, seconds: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + seconds
    while True:
        found = predicate()
        if isinstance(found, np.ndarray) or found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(every)


@dataclass
class Helper:
    pid: int
    parent_xid: int


@dataclass
class Gui:
    """Ardour's GUI on a session, with the driver and the X tools."""

    ardour: host.Ardour
    xvfb: Xvfb
    proc: subprocess.Popen
    work: Path
    driver: Path
    commands: int = 0
    last_click: float = 0.0
    # Where Webstrip's processor entry is on the screen, once found.
    entry: tuple[int, int] | None = None
    stderr_path: Path = field(default=None)

    @classmethod
    def start(cls, ardour: host.Ardour, session_file: Path, work: Path) -> "Gui":
        if work.exists():
            shutil.rmtree(work)
        driver = work / "driver"
        driver.mkdir(parents=True)
        xvfb = Xvfb()
        env = ardour.env | {
            "DISPLAY": xvfb.display,
            "WEBSTRIP_GUI_DRIVER": str(driver),
            # webstrip_ardour.lua's results, loaded into the GUI's Lua by the first command.
            "WEBSTRIP_RESULT": str(work / "result.jsonl"),
            # The helper keeps the page's control boxes there (editor-helper/src/layout.rs).
            LAYOUT_VAR: str(work / "layout.json"),
        }
        for var in ("WEBUI_BROWSER_PORT", "WEBUI_DEV_URL", "NICE_LOG", "WAYLAND_DISPLAY"):
            env.pop(var, None)
        with open(work / "stdout.txt", "w") as out, open(work / "stderr.txt", "w") as err:
            # The `ardour` script execs the binary: this process is Ardour's.
            proc = subprocess.Popen([ARDOUR_GUI, str(session_file)], env=env, cwd=work,
                                    stdout=out, stderr=err, start_new_session=True)
        gui = cls(ardour, xvfb, proc, work, driver, stderr_path=work / "stderr.txt")
        try:
            # Ardour's GUI Lua has no dofile.
            helpers = host.HERE / "webstrip_ardour.lua"
            name = gui.lua(f'local f = io.open ("{helpers}") local helpers = f:read ("a") '
                           'f:close () assert (load (helpers)) () return Session:name ()',
                           timeout=START_TIMEOUT)
            assert name == session_file.stem, name
        except BaseException:
            gui.screenshot(work / "start-failed.png")
            gui.stop()
            raise
        return gui

    # --- inside Ardour ------------------------------------------------------------------------

    def lua(self, code: str, timeout: float = 15) -> str:
        """Runs `code` (a Lua chunk) on Ardour's GUI thread; returns what it returned, as text."""
        n = self.commands
        self.commands += 1
        tmp = self.driver / f"cmd-{n}.tmp"
        tmp.write_text(code)
        tmp.rename(self.driver / f"cmd-{n}.lua")
        out = self.driver / f"out-{n}.txt"

        def done():
            if self.proc.poll() is not None:
                raise AssertionError(f"Ardour exited ({self.proc.returncode}) before command {n}:\n"
                                     f"{self.stderr()[-3000:]}")
            return out.exists()

        wait_for(done, timeout, f"Ardour's GUI to run command {n}: {code[:200]}", every=0.02)
        status, _, value = out.read_text().partition("\n")
        assert status == "ok", f"Lua command {n} failed: {value}\n{code}"
        return value

    # --- X ------------------------------------------------------------------------------------

    def x(self, *args: str, check: bool = True) -> str:
        env = dict(os.environ, DISPLAY=self.xvfb.display)
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=30)
        if check:
            assert proc.returncode == 0, (args, proc.stdout, proc.stderr)
        return proc.stdout

    def windows(self, name: str) -> list[int]:
        """Ardour's windows with this exact name (mapped or not)."""
        found = self.x("xdotool", "search", "--name", f"^{re.escape(name)}$", check=False)
        return [int(w) for w in found.split()]

    def mapped(self, xid: int) -> bool:
        return "IsViewable" in self.x("xwininfo", "-id", str(xid), check=False)

    def geometry(self, xid: int) -> tuple[int, int, int, int]:
        info = self.x("xwininfo", "-id", str(xid))
        get = lambda key: int(re.search(rf"{key}:\s+(-?\d+)", info).group(1))  # noqa: E731
        return get("Absolute upper-left X"), get("Absolute upper-left Y"), get("Width"), get("Height")

    def capture(self, box: tuple[int, int, int, int]) -> np.ndarray:
        """The screen's pixels in `box` (x, y, width, height), as the X server has them."""
        x, y, w, h = box
        env = dict(os.environ, DISPLAY=self.xvfb.display)
        data = subprocess.run(["import", "-window", "root", "-crop", f"{w}x{h}+{x}+{y}", "+repage",
                               "-depth", "8", "ppm:-"], env=env, capture_output=True, check=True,
                              timeout=30).stdout
        return read_ppm(data)

    def screenshot(self, path: Path, box: tuple[int, int, int, int] | None = None) -> None:
        crop = ["-crop", "{2}x{3}+{0}+{1}".format(*box), "+repage"] if box else []
        self.x("import", "-window", "root", *crop, str(path), check=False)

    def double_click(self, point: tuple[int, int]) -> None:
        # GTK counts presses closer than its double-click time (gtk-double-click-time, 250 ms;
        # 400 ms at most here) as one triple click: the next double click waits that out.
        pause = self.last_click + MULTI_CLICK_SECONDS - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        self.x("xdotool", "mousemove", str(point[0]), str(point[1]))
        self.x("xdotool", "click", "--repeat", "2", "--delay", "80", "1")
        self.last_click = time.monotonic()

    def find_colour(self, colour, box) -> tuple[int, int] | None:
        """The centre of the pixels of `colour` (±6 per channel) in `box`, in screen coordinates."""
        pixels = self.capture(box).astype(int)
        mask = np.all(np.abs(pixels - np.array(colour)) <= 6, axis=2)
        if mask.sum() < 20:
            return None
        ys, xs = np.nonzero(mask)
        return box[0] + int(np.median(xs)), box[1] + int(np.median(ys))

    def control_centre(self, param: str, viewport: tuple[int, int]) -> tuple[int, int] | None:
        """The centre of the page's control for parameter `param`, in pixels from the webview's
        top left corner, as the helper last reported the page's layout; None until it has laid
        the page out at `viewport`."""
        try:
            layout = json.loads((self.work / "layout.json").read_text())
        except (OSError, ValueError):
            return None
        box = layout.get("controls", {}).get(param)
        if tuple(layout.get("viewport", ())) != viewport or box is None:
            return None
        return round(box[0] + box[2] / 2), round(box[1] + box[3] / 2)

    # --- processes ----------------------------------------------------------------------------

    def helpers(self) -> list[Helper]:
        """The editor helpers Ardour started (its children named webstrip-editor), from /proc."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                args = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            if comm != HELPER or int(fields[1]) != self.proc.pid or fields[0] == "Z":
                continue
            xid = int(args[args.index(b"--parent") + 1]) if b"--parent" in args else 0
            found.append(Helper(int(entry.name), xid))
        return found

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.xvfb.stop()
