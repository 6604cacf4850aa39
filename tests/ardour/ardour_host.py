"""Runs headless Ardour 7 (`ardour7-lua`, the "None (Dummy)" backend) for the Ardour tests, in a
private HOME and XDG config/cache/data dirs under the given folder, so no user setting is read or
touched. Ardour's own VST3 scanner (`ardour-vst3-scanner`) indexes the bundle first: headless Ardour
only reads that scan cache.

Every run gets a bounded timeout: a hung Ardour fails the test instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LIB_DIRS = [Path("/usr/lib/ardour7"), Path("/usr/lib/x86_64-linux-gnu/ardour7")]
LUA = shutil.which("ardour7-lua") or "/usr/bin/ardour7-lua"
SR = 48_000
TIMEOUT = 120  # seconds for one Ardour run (a run takes a few seconds)
# Ardour 7.3 (Debian) crashes now and then in its own export code, with no plugin loaded at all
# (heap corruption found in PortExportChannel's destructor): a run killed by a signal is retried.
# Measured: about a third of the runs crash once (11 of 31 in one tier, more on a loaded machine,
# where one render crashed 5 times in a row); 10 attempts make a red tier from it unlikely
# (0.3^10 per run).
ATTEMPTS = 10
PRESET_ID = "5e1f0c1e-7e57-4a1b-9c0d-3b2f6c9a1f01"
# 32-bit float WAV at the session rate, no dither, no normalization ("BWAV 32float Export", one of
# Ardour's own formats), named by the export's name.
PRESET = f"""<?xml version="1.0" encoding="UTF-8"?>
<ExportPreset id="{PRESET_ID}" name="Webstrip tests: WAV float">
  <ExportFormat id="20b4ab09-6452-4cb3-bd66-b921cdbd2942"/>
  <ExportFilename>
    <Folder relative="1" path="export"/>
    <Field name="label" enabled="0"/>
    <Field name="session" enabled="0"/>
    <Field name="snapshot" enabled="0"/>
    <Field name="timespan" enabled="1"/>
    <Field name="revision" enabled="0"/>
    <Field name="time" enabled="0" value="T_None"/>
    <Field name="date" enabled="0" value="D_None"/>
  </ExportFilename>
</ExportPreset>
"""


def bundle_path() -> Path:
    return Path(os.environ.get("WEBSTRIP_VST3", REPO / "target" / "bundled" / "Webstrip.vst3"))


def lib_dir() -> Path | None:
    return next((d for d in LIB_DIRS if (d / "ardour-vst3-scanner").exists()), None)


def missing_message() -> str | None:
    bundle = bundle_path()
    binary = bundle / "Contents" / "x86_64-linux" / "Webstrip.so"
    if not binary.is_file():
        return f"no VST3 bundle at {bundle}: run `cargo xtask bundle webstrip` (or set WEBSTRIP_VST3)"
    if lib_dir() is None or not Path(LUA).exists():
        return "Ardour 7 is not installed: apt-get install -y ardour (cargo xtask test does it as root)"
    return None


@dataclass
class Ardour:
    """A private Ardour setup: its home, config, cache and the scanned bundle."""

    root: Path
    bundle: Path

    @property
    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "HOME": str(self.root / "home"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "XDG_CACHE_HOME": str(self.root / "cache"),
            "XDG_DATA_HOME": str(self.root / "data"),
            "VST3_PATH": str(self.bundle.parent),
            "WEBSTRIP_EXPORT_PRESET": PRESET_ID,
        })
        return env

    @classmethod
    def create(cls, root: Path, bundle: Path) -> "Ardour":
        if root.exists():
            shutil.rmtree(root)
        for sub in ("home", "cache", "data", "config/ardour7/scripts", "config/ardour7/export"):
            (root / sub).mkdir(parents=True)
        config = root / "config" / "ardour7"
        shutil.copy(HERE / "test_signal.lua", config / "scripts" / "webstrip_test_signal.lua")
        (config / "export" / "webstrip-tests.preset").write_text(PRESET)
        return cls(root, bundle.resolve())

    def scan(self) -> subprocess.CompletedProcess:
        """Ardour's VST3 scanner on the bundle (`-f`: rewrite the cache entry)."""
        scanner = lib_dir() / "ardour-vst3-scanner"
        env = self.env
        env["LD_LIBRARY_PATH"] = str(lib_dir())
        return subprocess.run([str(scanner), "-f", "-f", str(self.bundle)], env=env,
                              capture_output=True, text=True, timeout=60)

    def cache_files(self) -> list[Path]:
        return sorted((self.root / "cache" / "ardour7" / "vst").glob("*.v3i"))

    def start(self, name: str, body: str, extra_env: dict) -> tuple[subprocess.Popen, Path]:
        """Starts the helpers followed by `body` in headless Ardour without waiting (the caller
        talks to it meanwhile, then waits with a timeout); returns the process and the result
        file. stdout and stderr go to files in the run's folder."""
        work = self.root / "runs" / name
        work.mkdir(parents=True, exist_ok=True)
        script = work / "script.lua"
        script.write_text((HERE / "webstrip_ardour.lua").read_text() + "\n" + body)
        env = self.env | extra_env
        result = work / "result.jsonl"
        result.unlink(missing_ok=True)
        env["WEBSTRIP_RESULT"] = str(result)
        with open(work / "stdout.txt", "w") as out, open(work / "stderr.txt", "w") as err:
            proc = subprocess.Popen([LUA, str(script)], env=env, cwd=work, stdout=out, stderr=err)
        return proc, result

    def run(self, name: str, body: str, extra_env: dict | None = None,
            creates: Path | None = None) -> "Run":
        """Runs the helpers (webstrip_ardour.lua) followed by `body` in headless Ardour; returns
        what the script emitted. Fails when Ardour times out or the script did not finish.
        `creates`: a folder the script makes (a new session), removed before each attempt."""
        work = self.root / "runs" / name
        work.mkdir(parents=True, exist_ok=True)
        script = work / "script.lua"
        script.write_text((HERE / "webstrip_ardour.lua").read_text() + "\n" + body)
        env = self.env
        env.update(extra_env or {})
        result = work / "result.jsonl"
        env["WEBSTRIP_RESULT"] = str(result)
        attempts = []
        for attempt in range(ATTEMPTS):
            if creates is not None and creates.exists():
                shutil.rmtree(creates)
            result.unlink(missing_ok=True)
            try:
                proc = subprocess.run([LUA, str(script)], env=env, cwd=work, capture_output=True,
                                      text=True, timeout=TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                raise AssertionError(f"Ardour ran longer than {TIMEOUT} s ({name}):\n"
                                     f"{(exc.stderr or b'')[-4000:]!r}") from None
            (work / f"stderr.{attempt}.txt").write_text(proc.stderr)
            (work / f"stdout.{attempt}.txt").write_text(proc.stdout)
            attempts.append(proc.returncode)
            if not crashed(proc.returncode):
                break
        values = read_results(result)
        run = Run(name, work, proc.returncode, attempts, proc.stdout, proc.stderr, values)
        assert run.get("done"), (
            f"the Ardour script {name} did not finish (exit codes {attempts}); stdout:\n"
            f"{proc.stdout[-3000:]}\nstderr:\n{proc.stderr[-3000:]}")
        return run


def read_results(path: Path) -> list:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line]


def crashed(returncode: int) -> bool:
    """Killed by a signal (SIGSEGV, SIGABRT, …), directly or as a shell reports it."""
    return returncode < 0 or returncode > 128


@dataclass
class Run:
    name: str
    work: Path
    returncode: int
    attempts: list
    stdout: str
    stderr: str
    values: list

    def get(self, key: str):
        found = [v["value"] for v in self.values if v["key"] == key]
        return found[-1] if found else None

    def all(self, key: str) -> list:
        return [v["value"] for v in self.values if v["key"] == key]


def read_wav(path: Path) -> np.ndarray:
    """A float32 WAV (what the preset exports) as a (channels, samples) array."""
    data = path.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", path
    i, fmt = 12, None
    while i + 8 <= len(data):
        chunk, size = data[i:i + 4], struct.unpack("<I", data[i + 4:i + 8])[0]
        body = data[i + 8:i + 8 + size]
        if chunk == b"fmt ":
            fmt = struct.unpack("<HHIIHH", body[:16])
        elif chunk == b"data":
            assert fmt is not None, path
            tag, channels, rate, _, _, bits = fmt
            assert (tag, rate, bits) in ((3, SR, 32), (0xFFFE, SR, 32)), (path, fmt)
            return np.frombuffer(body, "<f4").reshape(-1, channels).T.astype(np.float64)
        i += 8 + size + (size & 1)
    raise AssertionError(f"no data chunk in {path}")
