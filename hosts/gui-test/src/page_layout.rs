//! Where the page put its controls, read from the file the editor helper keeps while
//! `WEBUI_EDITOR_LAYOUT` names it (`editor-helper/src/layout.rs`), so a test clicks a control
//! where the real page laid it out, not at coordinates copied from a browser.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;

pub use ui_assets::helper_pipe::LAYOUT_VAR;

/// The layout file of one test's editors.
pub struct PageLayout {
    path: PathBuf,
}

impl PageLayout {
    /// A fresh file under `dir` (any older one removed), for [`LAYOUT_VAR`].
    pub fn new(dir: &Path, name: &str) -> Self {
        let path = dir.join(format!("{name}-layout.json"));
        let _ = std::fs::remove_file(&path);
        Self { path }
    }

    /// The file, for the helper's environment.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The centre of control `id` (a parameter id), in pixels from the webview's top left corner,
    /// once the page reports it with a viewport of `viewport` (so a resize has been laid out).
    /// Calls `pump` while waiting (a host's main loop); panics after `timeout`.
    pub fn centre(
        &self,
        id: &str,
        viewport: (u32, u32),
        timeout: Duration,
        pump: &mut dyn FnMut(),
    ) -> (i32, i32) {
        let started = Instant::now();
        let mut last = String::new();
        loop {
            if let Ok(text) = std::fs::read_to_string(&self.path) {
                if let Some(centre) = centre_in(&text, id, viewport) {
                    return centre;
                }
                last = text;
            }
            assert!(
                started.elapsed() < timeout,
                "no box for {id:?} at {viewport:?} in {} after {timeout:?}: {last:?}",
                self.path.display()
            );
            pump();
        }
    }

    /// Every box the page reports at `viewport` (`[x, y, width, height]` by key), once it does.
    pub fn boxes(
        &self,
        viewport: (u32, u32),
        timeout: Duration,
        pump: &mut dyn FnMut(),
    ) -> Vec<(String, [f64; 4])> {
        let started = Instant::now();
        loop {
            let text = std::fs::read_to_string(&self.path).unwrap_or_default();
            if let Some(boxes) = boxes_in(&text, viewport) {
                return boxes;
            }
            assert!(
                started.elapsed() < timeout,
                "no layout at {viewport:?} in {} after {timeout:?}: {text:?}",
                self.path.display()
            );
            pump();
        }
    }
}

/// The boxes of a layout file's text, if it is complete and at `viewport`.
fn boxes_in(text: &str, (width, height): (u32, u32)) -> Option<Vec<(String, [f64; 4])>> {
    let layout: Value = serde_json::from_str(text).ok()?;
    let size: Vec<f64> = layout["viewport"]
        .as_array()?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    if size != [f64::from(width), f64::from(height)] {
        return None;
    }
    let boxes = layout["controls"]
        .as_object()?
        .iter()
        .filter_map(|(key, b)| {
            let b: Vec<f64> = b.as_array()?.iter().filter_map(Value::as_f64).collect();
            let [x, y, w, h] = b[..] else { return None };
            Some((key.clone(), [x, y, w, h]))
        });
    Some(boxes.collect())
}

fn centre_in(text: &str, id: &str, viewport: (u32, u32)) -> Option<(i32, i32)> {
    let boxes = boxes_in(text, viewport)?;
    let [x, y, w, h] = boxes.into_iter().find(|(key, _)| key == id)?.1;
    (w > 0.0 && h > 0.0).then(|| ((x + w / 2.0).round() as i32, (y + h / 2.0).round() as i32))
}

#[cfg(test)]
mod tests {
    use super::centre_in;

    #[test]
    fn a_box_at_the_asked_size_gives_its_centre() {
        let text =
            r#"{"viewport":[720,420],"controls":{"output":[520.5,90,83,76],"mute":[1,2,0,0]}}"#;
        assert_eq!(centre_in(text, "output", (720, 420)), Some((562, 128)));
        assert_eq!(centre_in(text, "output", (900, 500)), None, "another size");
        assert_eq!(
            centre_in(text, "input", (720, 420)),
            None,
            "not on the page"
        );
        assert_eq!(centre_in(text, "mute", (720, 420)), None, "not laid out");
        assert_eq!(centre_in("{", "output", (720, 420)), None, "half written");
    }
}
