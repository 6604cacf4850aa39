//! The Linux editor in a VST3 host, under a private Xvfb: the test plays a Linux VST3 host in
//! process through Webstrip's own `GetPluginFactory` (IComponent + IEditController, its own
//! IComponentHandler, an IPlugFrame with the IRunLoop Linux hosts provide, polled like a host's UI
//! loop), owns a real X11 window and attaches the plugin's view to it with
//! `IPlugView::attached(xid, "X11EmbedWindowID")`, so nice-plug's VST3 wrapper spawns the editor
//! with that parent and the editor starts the real helper (`webstrip-editor`) in it.
//!
//! Checked: the helper runs as a child of the host process with a window inside the host's; the
//! window shows the UI; the host's `setParamNormalized` shows in the page and going back restores
//! it; an `xdotool` drag on a knob reaches the host's IComponentHandler as one
//! beginEdit/performEdit…/endEdit for that parameter; after the host grows its window and calls
//! `onSize`, the page fills it; `removed()` ends the helper and the view attaches again; after the
//! helper is killed, the host's removed + attached brings the UI back.
//!
//! The helper is `$WEBSTRIP_EDITOR_TEST_HELPER`, else the toolkit's, built in this test's profile
//! (`webstrip_tests::paths::helper_binary`). Needs `Xvfb`, `xdotool` and ImageMagick's `import`
//! (`cargo xtask test` installs them).

#![cfg(target_os = "linux")]

use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use gui_test::{Capture, ParentWindow, Xvfb, children_named, drag_up, screenshot};
use nice_plug::wrapper::vst3::vst3::ComPtr;
use nice_plug::wrapper::vst3::vst3::Steinberg::Vst::IEditControllerTrait;
use nice_plug::wrapper::vst3::vst3::Steinberg::{
    IPlugView, IPlugViewTrait, IPluginBaseTrait, ViewRect, kPlatformTypeX11EmbedWindowID, kResultOk,
};

use webstrip_tests::vst3_host::{Edit, Frame, Plugin, param_id};

fn rect(width: u32, height: u32) -> ViewRect {
    ViewRect {
        left: 0,
        top: 0,
        right: width as i32,
        bottom: height as i32,
    }
}

fn view_size(view: &ComPtr<IPlugView>) -> (u32, u32) {
    let mut size = rect(0, 0);
    assert_eq!(unsafe { view.getSize(&mut size) }, kResultOk);
    (
        (size.right - size.left) as u32,
        (size.bottom - size.top) as u32,
    )
}

// ----- X11: the server, the host's window, the helper -------------------------------------------

/// The helper the editor starts.
fn helper_binary() -> PathBuf {
    let built = webstrip_tests::paths::helper_binary();
    // Under the name Webstrip's bundle gives it, so its processes are found by that name.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("editor_vst3");
    std::fs::create_dir_all(&dir).unwrap();
    // Copied, then renamed into place: another test may be running the previous copy.
    let path = dir.join("webstrip-editor");
    let fresh = dir.join(format!("webstrip-editor.{:?}", std::thread::current().id()));
    std::fs::copy(&built, &fresh).unwrap();
    std::fs::rename(&fresh, &path).unwrap();
    path
}

/// Pumps the host's loop until the window shows a settled page (many colours, two captures
/// 300 ms apart alike); returns the capture.
fn settled(frame: &Frame, window: &ParentWindow) -> Capture {
    let mut last = window.capture().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        frame.pump(Duration::from_millis(300));
        let now = window.capture().unwrap();
        if now.distinct_colors() > 40 && now.pixels == last.pixels {
            return now;
        }
        assert!(
            Instant::now() < deadline,
            "the editor never settled ({} colours)",
            now.distinct_colors()
        );
        last = now;
    }
}

fn differing_pixels(a: &Capture, b: &Capture) -> usize {
    a.pixels
        .iter()
        .zip(&b.pixels)
        .filter(|(p, q)| p != q)
        .count()
}

/// Where most pixels differ between `a` and `b`: the median column of the differing pixels, and
/// the topmost differing row within 40 pixels of it (stray pixels elsewhere do not count).
fn changed_spot(a: &Capture, b: &Capture) -> (u32, u32) {
    let changed: Vec<(u32, u32)> = a
        .pixels
        .iter()
        .zip(&b.pixels)
        .enumerate()
        .filter(|(_, (p, q))| p != q)
        .map(|(i, _)| (i as u32 % a.width, i as u32 / a.width))
        .collect();
    let mut columns: Vec<u32> = changed.iter().map(|&(x, _)| x).collect();
    columns.sort_unstable();
    let x = columns[columns.len() / 2];
    let top = changed
        .iter()
        .filter(|&&(cx, _)| cx.abs_diff(x) < 40)
        .map(|&(_, y)| y)
        .min()
        .unwrap();
    (x, top)
}

/// Attaches `view` to `window` and waits until the page is drawn; returns how long that took.
fn attach(view: &ComPtr<IPlugView>, frame: &Frame, window: &ParentWindow) -> (Duration, Duration) {
    let started = Instant::now();
    let parent = window.id() as usize as *mut c_void;
    assert_eq!(
        unsafe { view.attached(parent, kPlatformTypeX11EmbedWindowID) },
        kResultOk,
        "attached"
    );
    let ready = started.elapsed();
    while window.capture().unwrap().distinct_colors() <= 10 {
        assert!(started.elapsed() < Duration::from_secs(20), "nothing drawn");
        frame.pump(Duration::from_millis(20));
    }
    (ready, started.elapsed())
}

// ----- the test ----------------------------------------------------------------------------------

#[test]
fn the_editor_in_a_vst3_host() {
    let xvfb = Xvfb::start();
    let display = xvfb.display.clone();
    // SAFETY: this binary's only test, before anything else reads the environment.
    unsafe {
        std::env::set_var("DISPLAY", &display);
        std::env::set_var(webui_toolkit::editor::HELPER_ENV, helper_binary());
    }
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf();

    // The host side: component (+ controller, same object) → handler → view.
    let plugin = Plugin::create();
    let Plugin {
        component,
        controller,
        handler,
    } = &plugin;
    let output = param_id(controller, "Output");

    let (view, frame) = plugin.open_view();
    assert_eq!(
        frame.handlers.lock().unwrap().len(),
        1,
        "the view registered with the host's run loop"
    );

    // The host sizes its window from the view, then attaches the view to it.
    let (width, height) = view_size(&view);
    let window = ParentWindow::new(0, 0, width as u16, height as u16).unwrap();
    assert!(children_named(std::process::id(), "webstrip-editor").is_empty());
    let (ready, drawn) = attach(&view, &frame, &window);

    // The helper is this process's child and its window is inside the host's.
    let helper = children_named(std::process::id(), "webstrip-editor");
    assert_eq!(helper.len(), 1, "one helper process: {helper:?}");
    let children = window.children().unwrap();
    assert!(
        !children.is_empty(),
        "the helper's window is a child of the host's"
    );

    // The UI is drawn.
    let shown = settled(&frame, &window);
    let settled_at = Instant::now();
    assert_eq!((shown.width, shown.height), (width, height));
    assert!(
        shown.distinct_colors() > 40,
        "the UI is not drawn ({} colours)",
        shown.distinct_colors()
    );
    screenshot(&display, window.id(), &target.join("editor-vst3.png"));
    eprintln!(
        "attached: helper {} ready after {ready:?}, page drawn after {drawn:?}; {} colours; \
         screenshot {}",
        helper[0],
        shown.distinct_colors(),
        target.join("editor-vst3.png").display()
    );

    // The host's automation → the plugin's echo → the page; going back restores the pixels.
    let original = unsafe { controller.getParamNormalized(output) };
    assert_eq!(
        unsafe { controller.setParamNormalized(output, 0.2) },
        kResultOk
    );
    let changed = settled(&frame, &window);
    screenshot(
        &display,
        window.id(),
        &target.join("editor-vst3-changed.png"),
    );
    let moved = differing_pixels(&shown, &changed);
    // What changed is the Output knob (its arc runs from the default over the top to the new
    // value) and its value below it, centred alike: where to grab the knob, whatever the layout.
    let (spot_x, spot_y) = changed_spot(&shown, &changed);
    assert!(
        moved > 20,
        "the page did not show the host's change ({moved} pixels)"
    );
    assert_eq!(
        unsafe { controller.setParamNormalized(output, original) },
        kResultOk
    );
    let back = settled(&frame, &window);
    let left = differing_pixels(&shown, &back);
    assert!(
        left * 20 < moved,
        "the page did not follow back ({left} of {moved} pixels differ)"
    );
    assert!(
        handler.take().is_empty(),
        "the host's own changes are not echoed to the host"
    );
    eprintln!(
        "host change: {moved} pixels changed, most around x {spot_x} from y {spot_y}; {left} left \
         after going back"
    );

    // A drag on the Output knob (near the top of its ring) → one edit at the host.
    let (x, y) = window.screen_position().unwrap();
    let (kx, ky) = (x + spot_x as i32, y + spot_y as i32 + 12);
    drag_up(&display, (kx, ky), 8, 8, |d| frame.pump(d));
    let mut edits = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !edits.contains(&Edit::End(output)) && Instant::now() < deadline {
        frame.pump(Duration::from_millis(50));
        edits.extend(handler.take());
    }
    frame.pump(Duration::from_millis(200));
    edits.extend(handler.take());
    assert!(
        edits.iter().all(|e| e.id() == output),
        "only Output changed: {edits:?}"
    );
    assert_eq!(edits.first(), Some(&Edit::Begin(output)), "{edits:?}");
    assert_eq!(edits.last(), Some(&Edit::End(output)), "{edits:?}");
    let values: Vec<f64> = edits
        .iter()
        .filter_map(|e| match *e {
            Edit::Perform(_, value) => Some(value),
            _ => None,
        })
        .collect();
    assert_eq!(
        values.len() + 2,
        edits.len(),
        "one begin, one end: {edits:?}"
    );
    assert!(values.len() >= 2, "the drag moved the value: {edits:?}");
    let dragged = unsafe { controller.getParamNormalized(output) };
    assert!(
        dragged > original,
        "dragging up raised Output: {original} → {dragged}"
    );
    assert_eq!(Some(&dragged), values.last(), "the last edit is the value");
    eprintln!(
        "drag: beginEdit, {} performEdit, endEdit; Output {original:.3} → {dragged:.3}",
        values.len()
    );

    // The host grows its window and tells the view: the page fills it.
    let (big_w, big_h) = (width + 200, height + 100);
    let mut big = rect(big_w, big_h);
    assert_eq!(unsafe { view.canResize() }, kResultOk);
    // The editor accepts any size in its range as it is.
    assert_eq!(unsafe { view.checkSizeConstraint(&mut big) }, kResultOk);
    assert_eq!((big.right, big.bottom), (big_w as i32, big_h as i32));
    // A size below the minimum is clamped up to it.
    let mut tiny = rect(10, 10);
    assert_eq!(unsafe { view.checkSizeConstraint(&mut tiny) }, kResultOk);
    assert_eq!((tiny.right, tiny.bottom), (360, 240));
    window.resize(big_w, big_h).unwrap();
    assert_eq!(unsafe { view.onSize(&mut big) }, kResultOk);
    let resized = settled(&frame, &window);
    assert_eq!((resized.width, resized.height), (big_w, big_h));
    let black = resized.black_at_right(150);
    assert!(
        black < 0.05,
        "the page did not follow the resize ({:.0} % black)",
        black * 100.0
    );
    assert_eq!(view_size(&view), (big_w, big_h));
    screenshot(
        &display,
        window.id(),
        &target.join("editor-vst3-resized.png"),
    );
    eprintln!(
        "onSize {big_w}×{big_h}: {:.1} % black at the right",
        black * 100.0
    );

    // Removed: the helper is gone when `removed` returns, its window with it.
    let removing = Instant::now();
    assert_eq!(unsafe { view.removed() }, kResultOk);
    let removed_in = removing.elapsed();
    assert!(
        children_named(std::process::id(), "webstrip-editor").is_empty(),
        "helper left after removed()"
    );
    let deadline = Instant::now() + Duration::from_secs(2);
    while !window.children().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the helper's window outlived it");
        thread::sleep(Duration::from_millis(10));
    }
    eprintln!("removed: helper gone after {removed_in:?}");

    // The same view attaches again (at the size the host left it), and goes away again.
    let (ready, drawn) = attach(&view, &frame, &window);
    let again = children_named(std::process::id(), "webstrip-editor");
    assert_eq!(again.len(), 1, "one helper process: {again:?}");
    assert_ne!(again, helper, "a new helper");
    let reshown = settled(&frame, &window);
    assert!(reshown.distinct_colors() > 40, "the UI is not drawn again");
    assert!(
        reshown.black_at_right(150) < 0.05,
        "the page fills the window"
    );
    eprintln!("attached again: ready after {ready:?}, page drawn after {drawn:?}");

    // The helper dies on its own: the host keeps going (VST3 has no way to tell it, nice-plug's
    // `destroyed` does nothing there), and the host's next removed/attached brings the UI back.
    Command::new("kill")
        .args(["-KILL", &again[0].to_string()])
        .status()
        .unwrap();
    frame.pump(Duration::from_millis(300));
    assert!(
        children_named(std::process::id(), "webstrip-editor").is_empty(),
        "the killed helper is not running"
    );
    assert_eq!(
        unsafe { controller.setParamNormalized(output, original) },
        kResultOk
    );
    assert_eq!(unsafe { controller.getParamNormalized(output) }, original);
    assert_eq!(unsafe { view.removed() }, kResultOk);
    attach(&view, &frame, &window);
    assert_eq!(
        children_named(std::process::id(), "webstrip-editor").len(),
        1,
        "a new helper after the crash"
    );
    assert!(settled(&frame, &window).distinct_colors() > 40);
    eprintln!("helper killed: removed + attached shows the UI again");

    assert_eq!(unsafe { view.removed() }, kResultOk);
    assert!(
        children_named(std::process::id(), "webstrip-editor").is_empty(),
        "helper left after removed()"
    );
    assert!(
        frame.resizes.lock().unwrap().is_empty(),
        "no resizeView asked: {:?}",
        frame.resizes.lock().unwrap()
    );

    assert_eq!(unsafe { view.setFrame(std::ptr::null_mut()) }, kResultOk);
    drop(view);
    assert_eq!(unsafe { component.terminate() }, kResultOk);
    eprintln!("total with the UI up: {:?}", settled_at.elapsed());
    drop(window);
    drop(xvfb);
}
