//! The X tools the GUI tests drive: `xdotool` (pointer and keys) and ImageMagick's `import`
//! (screenshots).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

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

/// Drags upwards with the left button as a hand does, from `(x, y)` (screen pixels) by `steps`
/// moves of `step` pixels, 40 ms apart; `wait(d)` lets the peer run meanwhile (a host's event
/// loop, or a plain sleep when the peer runs on its own). Ends with the button up.
pub fn drag_up(
    display: &str,
    (x, y): (i32, i32),
    steps: i32,
    step: i32,
    mut wait: impl FnMut(Duration),
) {
    let x_text = x.to_string();
    xdotool(display, &["mousemove", &x_text, &y.to_string()]);
    wait(Duration::from_millis(100));
    xdotool(display, &["mousedown", "1"]);
    for n in 1..=steps {
        wait(Duration::from_millis(40));
        xdotool(
            display,
            &["mousemove", &x_text, &(y - n * step).to_string()],
        );
    }
    wait(Duration::from_millis(100));
    xdotool(display, &["mouseup", "1"]);
}
