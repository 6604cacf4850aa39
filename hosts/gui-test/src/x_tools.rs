//! The X tools the GUI tests drive: `xdotool` (pointer and keys) and ImageMagick's `import`
//! (screenshots).

use std::path::Path;
use std::process::Command;

/// Runs `xdotool args…` on `display`; panics when it fails.
pub fn xdotool(display: &str, args: &[&str]) {
    let status = Command::new("xdotool")
        .args(args)
        .env("DISPLAY", display)
        .status()
        .expect("xdotool (apt-get install xdotool)");
    assert!(status.success(), "xdotool {args:?}");
}

/// Saves X window `window` on `display` as the image `path` (ImageMagick picks the format from
/// the extension); panics when it fails.
pub fn screenshot(display: &str, window: impl std::fmt::Display, path: &Path) {
    let status = Command::new("import")
        .args(["-window", &window.to_string()])
        .arg(path)
        .env("DISPLAY", display)
        .status()
        .expect("import (apt-get install imagemagick)");
    assert!(status.success(), "import {}", path.display());
}
