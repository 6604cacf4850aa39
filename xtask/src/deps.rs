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
