//! `WEBUI_EDITOR_LAYOUT=<file>`: the page's control boxes as the webview lays them out, kept in
//! a file while the editor runs, so GUI automation (the project's window tests, a user's test
//! rig) clicks a control where the page put it instead of at coordinates that break with every
//! layout change. Unset (the normal case), nothing runs.
//!
//! The file is JSON, rewritten (atomically: a temporary file renamed over it) whenever the layout
//! changes: `{"viewport": [w, h], "controls": {"<param id>": [x, y, w, h], …}}` in CSS pixels
//! from the webview's top left corner (the parent window's, when embedded); a control's box is
//! its dial, switch or selector, where a pointer acts on it. Buttons and links are there too, as
//! `"button:<text>"` and `"link:<text>"`.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gtk::glib;
use wry::WebView;

use ui_assets::helper_pipe::LAYOUT_VAR as VAR;

/// How often the page is asked (a layout changes on a resize or when the controls first appear).
const EVERY: Duration = Duration::from_millis(200);

/// Evaluated in the page: the boxes, or `null` before the controls exist.
const SCRIPT: &str = r#"(() => {
  const controls = {};
  for (const el of document.querySelectorAll("[data-param]")) {
    const target = el.querySelector("[role=slider], [role=switch], [role=radiogroup]") ?? el;
    const b = target.getBoundingClientRect();
    controls[el.dataset.param] = [b.left, b.top, b.width, b.height].map((v) => Math.round(v * 10) / 10);
  }
  if (Object.keys(controls).length === 0) return null;
  for (const el of document.querySelectorAll("button, a[href]")) {
    if (el.closest("[data-param]")) continue; // a control's own parts: the control's box says it
    const b = el.getBoundingClientRect();
    controls[(el.tagName === "A" ? "link:" : "button:") + el.textContent.trim()] = [b.left, b.top, b.width, b.height].map((v) => Math.round(v * 10) / 10);
  }
  return { viewport: [window.innerWidth, window.innerHeight], controls };
})()"#;

/// Runs a function on the live webview (the GTK thread's).
pub type WithView = fn(&dyn Fn(&WebView));

/// Starts reporting into the file `VAR` names, if it is set.
pub fn start(view: WithView) {
    let Some(path) = std::env::var_os(VAR).map(PathBuf::from) else {
        return;
    };
    thread_local! {
        static LAST: RefCell<String> = const { RefCell::new(String::new()) };
    }
    glib::timeout_add_local(EVERY, move || {
        let path = path.clone();
        view(&|webview| {
            let path = path.clone();
            let _ = webview.evaluate_script_with_callback(SCRIPT, move |json| {
                if json.is_empty() || json == "null" {
                    return;
                }
                let changed = LAST.with(|last| {
                    let mut last = last.borrow_mut();
                    let changed = *last != json;
                    if changed {
                        last.clone_from(&json);
                    }
                    changed
                });
                if changed && let Err(e) = write(&path, &json) {
                    eprintln!("webui-editor: {VAR}: {}: {e}", path.display());
                }
            });
        });
        glib::ControlFlow::Continue
    });
}

fn write(path: &Path, json: &str) -> std::io::Result<()> {
    let temporary = path.with_extension("tmp");
    std::fs::write(&temporary, json)?;
    std::fs::rename(&temporary, path)
}
