//! System packages: checked with dpkg, installed with apt when running as root.

use std::process::Command;

use anyhow::{Result, bail};

/// Everything the workspace's build needs from Debian: `pkg-config` and the `-dev` package of
/// every module in [`PROBES`]. The one list `run`, `bundle`, `bench` and `test` install.
pub const BUILD: &[&str] = &[
    "pkg-config",
    "libasound2-dev",
    "libjack-jackd2-dev",
    "libglib2.0-dev",
    "libcairo2-dev",
    "libpango1.0-dev",
    "libatk1.0-dev",
    "libgdk-pixbuf-2.0-dev",
    "libgtk-3-dev",
    "libx11-dev",
    "libsoup-3.0-dev",
    "libjavascriptcoregtk-4.1-dev",
    "libwebkit2gtk-4.1-dev",
];

/// A crate of the workspace's dependency tree whose build script asks pkg-config for modules.
pub struct Probe {
    /// The crate's name in `Cargo.lock`.
    pub krate: &'static str,
    /// The pkg-config modules it asks for.
    pub modules: &'static [&'static str],
    /// The Debian package with those modules' `.pc` files.
    pub package: &'static str,
}

/// Every crate in `Cargo.lock` that depends on `pkg-config` or `system-deps` (a test keeps this
/// complete): jack and ALSA for the standalone's audio, the GTK/WebKit stack for the editor helper.
pub const PROBES: &[Probe] = &[
    probe("alsa-sys", &["alsa"], "libasound2-dev"),
    probe("jack-sys", &["jack"], "libjack-jackd2-dev"),
    probe("glib-sys", &["glib-2.0"], "libglib2.0-dev"),
    probe("gobject-sys", &["gobject-2.0"], "libglib2.0-dev"),
    probe("gio-sys", &["gio-2.0"], "libglib2.0-dev"),
    probe("cairo-sys-rs", &["cairo"], "libcairo2-dev"),
    probe("pango-sys", &["pango"], "libpango1.0-dev"),
    probe("atk-sys", &["atk"], "libatk1.0-dev"),
    probe(
        "gdk-pixbuf-sys",
        &["gdk-pixbuf-2.0"],
        "libgdk-pixbuf-2.0-dev",
    ),
    probe("gdk-sys", &["gdk-3.0"], "libgtk-3-dev"),
    probe("gdkx11-sys", &["gdk-x11-3.0"], "libgtk-3-dev"),
    probe("gtk-sys", &["gtk+-3.0"], "libgtk-3-dev"),
    probe("gtk", &["gtk+-3.0"], "libgtk-3-dev"),
    probe("x11", &["x11"], "libx11-dev"),
    probe("x11-dl", &["x11"], "libx11-dev"),
    probe("soup3-sys", &["libsoup-3.0"], "libsoup-3.0-dev"),
    probe(
        "javascriptcore-rs-sys",
        &["javascriptcoregtk-4.1"],
        "libjavascriptcoregtk-4.1-dev",
    ),
    probe(
        "webkit2gtk-sys",
        &["webkit2gtk-4.1"],
        "libwebkit2gtk-4.1-dev",
    ),
];

const fn probe(
    krate: &'static str,
    modules: &'static [&'static str],
    package: &'static str,
) -> Probe {
    Probe {
        krate,
        modules,
        package,
    }
}

/// Needed by the VST3 host tests when the machine's `python3` cannot make a venv.
const PYTHON: &[&str] = &["python3", "python3-venv"];

/// Makes sure everything in [`BUILD`] is installed and pkg-config finds every module the build
/// scripts ask for (a clear error now instead of a `-sys` crate's panic minutes into the build).
pub fn ensure_build() -> Result<()> {
    ensure(BUILD)?;
    for probe in PROBES {
        for module in probe.modules {
            let found = Command::new("pkg-config")
                .args(["--exists", module])
                .status()
                .is_ok_and(|s| s.success());
            if !found {
                bail!(
                    "pkg-config finds no {module} (needed by {}): install {}",
                    probe.krate,
                    probe.package
                );
            }
        }
    }
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// The crates in `Cargo.lock` that depend on `pkg-config` or `system-deps`.
    fn probing_crates() -> Vec<String> {
        let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock"))
            .expect("reading Cargo.lock");
        let mut found = Vec::new();
        for package in lock.split("[[package]]").skip(1) {
            let name = package
                .lines()
                .find_map(|l| l.strip_prefix("name = "))
                .map(|n| n.trim_matches('"').to_owned())
                .expect("a package has a name");
            let probes = package.lines().any(|l| {
                let dep = l.trim().trim_end_matches(',').trim_matches('"');
                let dep = dep.split(' ').next().unwrap_or(dep);
                dep == "pkg-config" || dep == "system-deps"
            });
            if probes && name != "system-deps" {
                found.push(name);
            }
        }
        found
    }

    #[test]
    fn every_crate_that_probes_pkg_config_is_listed() {
        let listed: Vec<&str> = PROBES.iter().map(|p| p.krate).collect();
        let probing = probing_crates();
        for name in &probing {
            assert!(
                listed.contains(&name.as_str()),
                "{name} probes pkg-config at build time: add it to deps::PROBES and its -dev \
                 package to deps::BUILD"
            );
        }
        for name in listed {
            assert!(
                probing.iter().any(|p| p == name),
                "{name} is in deps::PROBES but no longer in Cargo.lock"
            );
        }
    }

    #[test]
    fn the_build_list_has_every_probed_package() {
        for probe in PROBES {
            assert!(
                BUILD.contains(&probe.package),
                "{} (for {}) is missing from deps::BUILD",
                probe.package,
                probe.krate
            );
        }
        assert!(BUILD.contains(&"pkg-config"));
    }

    /// Where the packages are installed (CI: `cargo xtask test` installed them), each one holds
    /// the `.pc` file of the modules it is listed for.
    #[test]
    fn each_listed_package_holds_its_modules() {
        for probe in PROBES.iter().filter(|p| installed(p.package)) {
            let out = Command::new("dpkg")
                .args(["-L", probe.package])
                .output()
                .expect("dpkg runs");
            let files = String::from_utf8_lossy(&out.stdout);
            for module in probe.modules {
                let pc = format!("/pkgconfig/{module}.pc");
                assert!(
                    files.lines().any(|f| f.ends_with(&pc)),
                    "{} has no {module}.pc (needed by {})",
                    probe.package,
                    probe.krate
                );
            }
        }
    }
}
