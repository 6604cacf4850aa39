//! `cargo xtask test`: every test of the project, after installing what they need;
//! `cargo xtask test --only ui|rust|vst3|ardour|e2e` runs one tier (for quick loops; CI runs all).
//!
//! 1. system packages (apt when root);
//! 2. the UI: type check, lint, unit tests (Vitest), production build (embedded by the
//!    standalone);
//! 3. formatting and lints;
//! 4. the plugin bundles in debug with `assert_process_allocs` (an allocation in `process()`
//!    aborts);
//! 5. `cargo test` for the whole workspace (unit tests, the CLAP host tests against the bundle,
//!    the bridge against nice-plug's wrappers, the standalone's WebSocket server over the wire);
//! 6. the VST3 tests in pedalboard from a Python venv under `target/`;
//! 7. the VST3 bundle in a real DAW: Ardour 7 headless (`tests/ardour`, the same venv);
//! 8. the UI end to end in Chromium against the standalone, and against an instance's browser
//!    bridge inside `clap-test-host`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{cmd, deps, ui};

/// Python requirements of the VST3 host tests.
const REQUIREMENTS: &str = "tests/vst3/requirements.txt";

/// The DAW the Ardour tests (`tests/ardour`) run the VST3 bundle in, and what its GUI tests drive
/// it with (a private Xvfb, xdotool, ImageMagick's `import`, `xwininfo` from x11-utils).
const ARDOUR: &[&str] = &["ardour", "xvfb", "xdotool", "imagemagick", "x11-utils"];

/// A part of the suite `--only` runs alone (the full run, CI's, runs them all in this order).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tier {
    /// The UI's type check, lint, Vitest and production build.
    Ui,
    /// `cargo fmt --check`, clippy, and `cargo test` for the whole workspace.
    Rust,
    /// The VST3 bundle in pedalboard.
    Vst3,
    /// The VST3 bundle in Ardour.
    Ardour,
    /// The page in Chromium against the standalone and an instance's browser server.
    E2e,
}

const TIERS: [(&str, Tier); 5] = [
    ("ui", Tier::Ui),
    ("rust", Tier::Rust),
    ("vst3", Tier::Vst3),
    ("ardour", Tier::Ardour),
    ("e2e", Tier::E2e),
];

/// `[]` → every tier; `["--only", NAME]` → that tier.
fn tiers(args: &[String]) -> Result<Vec<Tier>> {
    let names = || TIERS.map(|(name, _)| name).join("|");
    match args {
        [] => Ok(TIERS.map(|(_, tier)| tier).to_vec()),
        [only, name] if only == "--only" => TIERS
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, tier)| vec![tier])
            .with_context(|| format!("no tier '{name}': `--only {}`", names())),
        _ => bail!(
            "usage: cargo xtask test [--only {}] (got '{}')",
            names(),
            args.join(" ")
        ),
    }
}

/// Runs every test, or one tier of them (`--only NAME`).
pub fn test(args: &[String]) -> Result<()> {
    let tiers = tiers(args)?;
    let runs = |tier| tiers.contains(&tier);
    deps::warn_if_low_disk(&cmd::target_dir());
    deps::ensure_build()?;
    if runs(Tier::Rust) || runs(Tier::E2e) {
        crate::gui::ensure_test()?;
    }
    if runs(Tier::Ardour) {
        deps::ensure(ARDOUR)?;
    }
    if runs(Tier::Ui) {
        ui::check()?;
    } else {
        // The bundles and the standalone embed the built UI.
        ui::ensure_built()?;
    }
    if runs(Tier::Rust) {
        cmd::run(&mut cmd::cargo(["fmt", "--all", "--", "--check"]))?;
        cmd::run(&mut cmd::cargo([
            "clippy",
            "--workspace",
            "--all-targets",
            "--features",
            "webstrip/assert_process_allocs",
            "--",
            "-D",
            "warnings",
        ]))?;
    }
    if tiers == [Tier::Ui] {
        eprintln!("xtask: the ui tests passed");
        return Ok(());
    }

    let bundle = ["webstrip", "--features", "assert_process_allocs"].map(String::from);
    nice_plug_xtask::main_with_args(
        "cargo xtask",
        std::iter::once("bundle".to_owned()).chain(bundle.iter().cloned()),
    )
    .context("bundling the plugin for the tests")?;
    // The same layout users install: the editor helper beside each plugin binary (a DAW opening
    // a bundle without it shows an empty editor).
    crate::gui::bundle_helper(&bundle)?;
    // The toolkit's example plugin, tested beside Webstrip in the same hosts.
    let example = ["gain", "--features", "assert_process_allocs"].map(String::from);
    nice_plug_xtask::main_with_args(
        "cargo xtask",
        std::iter::once("bundle".to_owned()).chain(example.iter().cloned()),
    )
    .context("bundling the example plugin for the tests")?;
    crate::gui::bundle_helper(&example)?;
    let bundled = std::fs::canonicalize(cmd::target_dir().join("bundled"))?;
    let clap = bundled.join("Webstrip.clap");
    let vst3 = bundled.join("Webstrip.vst3");
    let (gain_clap, gain_vst3) = (bundled.join("Gain.clap"), bundled.join("Gain.vst3"));

    if runs(Tier::Rust) {
        cmd::run(
            cmd::cargo([
                "test",
                "--workspace",
                "--no-fail-fast",
                "--features",
                "webstrip/assert_process_allocs",
            ])
            .env("WEBSTRIP_CLAP", &clap)
            .env("WEBSTRIP_VST3", &vst3)
            .env("GAIN_CLAP", &gain_clap),
        )?;
    }
    if runs(Tier::Vst3) || runs(Tier::Ardour) {
        deps::ensure_python_venv()?;
        let python = venv(&cmd::target_dir().join("venv"))?;
        if runs(Tier::Vst3) {
            cmd::run(
                Command::new(&python)
                    .args(["-m", "pytest", "tests/vst3", "-q"])
                    .env("WEBSTRIP_VST3", &vst3)
                    .env("GAIN_VST3", &gain_vst3),
            )?;
        }
        if runs(Tier::Ardour) {
            let started = std::time::Instant::now();
            cmd::run(
                Command::new(&python)
                    .args(["-m", "pytest", "tests/ardour", "-q"])
                    .env("WEBSTRIP_VST3", &vst3),
            )?;
            eprintln!(
                "xtask: the Ardour tests took {:.0} s",
                started.elapsed().as_secs_f64()
            );
        }
    }
    if runs(Tier::E2e) {
        if !runs(Tier::Rust) {
            // The full run's `cargo test` builds it.
            cmd::run(&mut cmd::cargo(["build", "-p", "webstrip-standalone"]))?;
        }
        ui::e2e(&cmd::target_dir().join("debug").join("webstrip"), &clap)?;
    }
    let names: Vec<&str> = TIERS
        .iter()
        .filter(|(_, tier)| runs(*tier))
        .map(|(name, _)| *name)
        .collect();
    eprintln!("xtask: all tests passed ({})", names.join(", "));
    Ok(())
}

/// Creates (or reuses) a venv at `dir` with the test requirements; returns its python.
fn venv(dir: &Path) -> Result<std::path::PathBuf> {
    let python = dir.join("bin").join("python");
    let requirements =
        std::fs::read_to_string(REQUIREMENTS).with_context(|| format!("reading {REQUIREMENTS}"))?;
    let stamp = dir.join("requirements.installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(requirements.as_str()) {
        return Ok(python);
    }
    let host_python = ["python3", "python"]
        .into_iter()
        .find(|p| Command::new(p).arg("--version").output().is_ok())
        .context("no python3 on PATH: install it with: apt-get install -y python3 python3-venv")?;
    cmd::run(
        Command::new(host_python)
            .args(["-m", "venv", "--clear"])
            .arg(dir),
    )?;
    cmd::run(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(REQUIREMENTS),
    )?;
    std::fs::write(&stamp, requirements)?;
    Ok(python)
}
