//! System packages: checked with dpkg, installed with apt when running as root.

use std::process::Command;

use anyhow::{Result, bail};

/// Needed to build the plugin and the standalone (jack-sys and alsa-sys probe pkg-config).
pub const BUILD: &[&str] = &["pkg-config", "libasound2-dev", "libjack-jackd2-dev"];

/// Needed by the VST3 host tests when the machine's `python3` cannot make a venv.
const PYTHON: &[&str] = &["python3", "python3-venv"];

/// Makes sure `python3 -m venv` works, installing Debian's Python when it does not.
pub fn ensure_python_venv() -> Result<()> {
    let works = Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .output()
        .is_ok_and(|out| out.status.success());
    if works { Ok(()) } else { ensure(PYTHON) }
}

/// Makes sure every package in `packages` is installed: installs the missing ones when root,
/// otherwise fails naming the exact `apt-get` line to run.
pub fn ensure(packages: &[&str]) -> Result<()> {
    let missing: Vec<&str> = packages.iter().copied().filter(|p| !installed(p)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let line = format!("apt-get install -y {}", missing.join(" "));
    if !is_root() {
        bail!(
            "missing system packages: {}\ninstall them with: sudo {line}",
            missing.join(", ")
        );
    }
    eprintln!(
        "xtask: installing missing system packages: {}",
        missing.join(" ")
    );
    crate::cmd::run(Command::new("apt-get").arg("update").arg("-q"))?;
    crate::cmd::run(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Free space (GiB) below which `cargo xtask test` warns before building.
const LOW_DISK_GIB: u64 = 6;

/// Warns when the filesystem holding `dir` has little free space: a disk that fills while
/// linking shows up as the linker dying of a "Bus error", which says nothing about the cause.
pub fn warn_if_low_disk(dir: &std::path::Path) {
    let probe = if dir.exists() {
        dir
    } else {
        std::path::Path::new(".")
    };
    let Ok(out) = Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(probe)
        .output()
    else {
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(bytes) = text
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse::<u64>().ok())
    else {
        return;
    };
    let gib = bytes >> 30;
    if gib < LOW_DISK_GIB {
        eprintln!(
            "xtask: warning: only {gib} GiB free for {}; the test build needs about 3 GiB \
             (a full disk makes the linker fail with \"Bus error\")",
            probe.display()
        );
    }
}

fn installed(package: &str) -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", package])
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).contains("install ok installed"))
        .unwrap_or(false)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
        .unwrap_or(false)
}
