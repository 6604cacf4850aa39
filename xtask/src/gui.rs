//! The Linux editor: the system packages its tests need to run, and
//! the step that puts the helper into the bundles next to the plugin binary, where the plugin
//! looks for it, under the plugin's own name for it (`Gain.clap` → `gain-editor`).

use std::path::Path;

use anyhow::{Context, Result};

use crate::{cmd, deps};

/// Needed by the editor tests: a private X server, input, the clipboard, screenshots.
pub const TEST: &[&str] = &["xvfb", "xdotool", "xclip", "imagemagick"];

/// The helper's binary name as cargo builds it (one generic program; each bundle gets a copy
/// named after the bundle).
const HELPER: &str = ui_assets::helper_pipe::HELPER_BINARY;

/// Installs what the editor tests need (building it: [`deps::BUILD`]).
pub fn ensure_test() -> Result<()> {
    deps::ensure(TEST)
}

/// After `bundle PKG [--release | --profile P] …`: builds the helper in the same profile, and
/// copies it into every bundle in `target/bundled/`: `X.vst3/Contents/x86_64-linux/` and next to
/// each `X.clap`, as `x-editor` (`ui_assets::helper_pipe::helper_file_name`).
pub fn bundle_helper(args: &[String]) -> Result<()> {
    if !cfg!(target_os = "linux") || args.first().is_none_or(|pkg| pkg.starts_with('-')) {
        return Ok(());
    }
    let mut profile = "debug".to_owned();
    let mut build = cmd::cargo(["build", "-p", "webui-editor-helper"]);
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        if arg == "--release" {
            profile = "release".into();
            build.arg("--release");
        } else if arg == "--profile"
            && let Some(name) = rest.next()
        {
            profile = if name == "dev" {
                "debug".into()
            } else {
                name.clone()
            };
            build.args(["--profile", name]);
        }
    }
    deps::ensure_build()?;
    cmd::run(&mut build)?;
    let target = cmd::target_dir();
    let helper = target.join(&profile).join(HELPER);
    let bundled = target.join("bundled");
    for entry in std::fs::read_dir(&bundled)
        .with_context(|| format!("reading {}", bundled.display()))?
        .flatten()
    {
        let path = entry.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let name = ui_assets::helper_pipe::helper_file_name(stem);
        let destination = match path.extension().and_then(|e| e.to_str()) {
            Some("vst3") => path.join("Contents").join("x86_64-linux").join(name),
            Some("clap") if path.is_file() => bundled.join(name),
            _ => continue,
        };
        copy(&helper, &destination)?;
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    std::fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    eprintln!("xtask: editor helper → {}", to.display());
    Ok(())
}
