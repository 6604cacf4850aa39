//! The toolkit's example plugin (`examples/gain`) opens its own editor: its CLAP bundle and, beside
//! it, the helper under the example's name (`gain-editor`, in the same folder as Webstrip's
//! `webstrip-editor`) in the real CLAP host under a private Xvfb; the page the plugin handed the
//! helper lays out the gain knob, and a drag on it (where the helper reports the page put it)
//! reaches the host as one gesture.
//!
//! Needs the example's built page (`examples/gain/ui/dist`, embedded when the bundle was built):
//! without it this test fails saying so. The bundle: `$GAIN_CLAP`, else
//! `<workspace>/target/bundled/Gain.clap` (`cargo xtask bundle gain`).

// Shared with the other editor tests; this one uses a few.
#[allow(dead_code)]
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap_test_host::{Bundle, ParamEvent, ParentWindow};
use gui_test::{LAYOUT_VAR, PageLayout, Xvfb, children_named, drag_up};

use webstrip_tests::editor::*;

fn gain_bundle() -> PathBuf {
    let root = webstrip_tests::paths::workspace_root();
    let dist = root.join("examples/gain/ui/dist/index.html");
    assert!(
        dist.is_file(),
        "{} is missing: build the example's page (`cargo xtask bundle gain` builds it and the \
         bundle that embeds it)",
        dist.display()
    );
    let path = std::env::var_os("GAIN_CLAP")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/bundled/Gain.clap"));
    assert!(
        path.is_file(),
        "{} does not exist: run `cargo xtask bundle gain` first, or point GAIN_CLAP at it",
        path.display()
    );
    path
}

#[test]
fn the_example_opens_its_own_editor_beside_webstrip() {
    let gain = gain_bundle();
    let xvfb = Xvfb::start();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let layout = PageLayout::new(tmp, "gain-editor");
    // SAFETY: this binary's only test, before anything else reads the environment.
    unsafe {
        std::env::set_var("DISPLAY", &xvfb.display);
        std::env::set_var(LAYOUT_VAR, layout.path());
        std::env::remove_var("WEBUI_BROWSER_PORT");
        std::env::remove_var("WEBUI_EDITOR_HELPER");
        std::env::remove_var("WEBUI_DEV_URL");
    }
    // Both plugins in one folder, each with its helper under its own name.
    let webstrip = install("two-plugins", &helper_binary());
    let dir = webstrip.parent().unwrap();
    std::fs::copy(&gain, dir.join("Gain.clap")).unwrap();
    std::fs::copy(helper_binary(), dir.join("gain-editor")).unwrap();

    let bundle = Bundle::load(dir.join("Gain.clap")).expect("load the example");
    let mut plugin = bundle.instantiate("org.webstrip.gain").unwrap();
    plugin.activate(RATE, 1, BLOCK as u32).unwrap();
    plugin.start_processing().unwrap();
    let mut host = Host { plugin };
    host.plugin.gui_create().unwrap();
    let size = host.plugin.gui_size().unwrap();
    assert_eq!(size, (400, 300), "the example's own editor size");
    let window = ParentWindow::new(0, 0, size.0 as u16, size.1 as u16).unwrap();
    host.plugin.gui_set_parent(&window).unwrap();
    host.plugin.gui_show().unwrap();
    assert_eq!(
        children_named(std::process::id(), "gain-editor").len(),
        1,
        "the example's helper runs under the example's name"
    );
    assert!(children_named(std::process::id(), "webstrip-editor").is_empty());

    let id = host.plugin.param_by_name("Gain").unwrap().id;
    let before = host.plugin.param_value(id).unwrap();
    let knob = page_centre(&layout, &mut host, "gain", size);
    host.plugin.take_output_events();
    let (x, y) = window.screen_position().unwrap();
    let (kx, ky) = (x + knob.0, y + knob.1);
    drag_up(&xvfb.display, (kx, ky), 8, 8, |d| host.run_for(d));
    host.run_for(Duration::from_millis(500));
    let events = host.plugin.take_output_events();
    assert!(
        matches!(events.first(), Some(ParamEvent::GestureBegin { .. }))
            && matches!(events.last(), Some(ParamEvent::GestureEnd { .. })),
        "one gesture on Gain: {events:?}"
    );
    let after = host.plugin.param_value(id).unwrap();
    assert!(
        after > before,
        "dragging up raised the gain: {before} → {after}"
    );

    host.plugin.gui_destroy();
    drop(host);
    assert!(children_named(std::process::id(), "gain-editor").is_empty());
    drop(window);
    drop(xvfb);
}
