//! `WEBUI_DEV_URL` against the real Vite dev server: the editor inside the CLAP test host loads
//! the UI from Vite, still talks over the native IPC, and follows edits of the UI's sources (hot
//! module replacement of a style sheet keeps the page's state; an edit of the entry module reloads
//! the page, which reconnects on its own).
//!
//! Vite serves a copy of `ui/` (under the test's temp dir, with `ui/node_modules` linked in), so
//! the test edits the copy and never the sources. Needs `npm ci` in `ui/` (`cargo xtask test` runs
//! it), Node.js, `Xvfb` and `xdotool`. Its own test binary: it sets `WEBUI_DEV_URL` and
//! `DISPLAY` for the whole process, which the helper inherits.

use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use clap_test_host::{Capture, ParamEvent, ParentWindow};
use gui_test::{LAYOUT_VAR, PageLayout, Xvfb, listening_sockets, screenshot, xdotool};

use webstrip_tests::editor::*;

/// The colour of the square the copy's style sheet adds in the page's bottom-left corner, before
/// and after the test edits it (0xRRGGBB, as captured).
const MARKER_BEFORE: u32 = 0xff00ff;
const MARKER_AFTER: u32 = 0x00ff00;
/// The square's side in CSS pixels.
const MARKER_SIZE: u32 = 12;

/// A copy of the npm workspace's part that Vite serves and the test edits: `ui/` and the toolkit's
/// UI package `toolkit-ui/` (the sources), `tsconfig.base.json`, a `package.json` naming both as
/// the workspace (Vite serves files below it), and `node_modules` with every entry of the
/// workspace's linked but the package, which links to the copy (so Vite's own cache lands in the
/// copy, not in the repository). Returns the copy of `ui/` (its `node_modules` links to the
/// copy's).
fn ui_copy() -> PathBuf {
    let root = webstrip_tests::paths::workspace_root();
    let modules = root.join("node_modules");
    assert!(
        modules.join("vite/bin/vite.js").is_file(),
        "{} lacks Vite: run `npm ci` at the repository root (cargo xtask test does)",
        modules.display()
    );
    let workspace = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hot-reload-ui");
    let _ = std::fs::remove_dir_all(&workspace);
    let copy = workspace.join("ui");
    let package = workspace.join("toolkit-ui");
    std::fs::create_dir_all(workspace.join("node_modules")).unwrap();
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::create_dir_all(&package).unwrap();
    std::fs::write(
        workspace.join("package.json"),
        r#"{ "private": true, "workspaces": ["toolkit-ui", "ui"] }"#,
    )
    .unwrap();
    std::fs::copy(
        root.join("tsconfig.base.json"),
        workspace.join("tsconfig.base.json"),
    )
    .unwrap();
    for file in [
        "index.html",
        "package.json",
        "tsconfig.json",
        "vite.config.ts",
    ] {
        std::fs::copy(root.join("ui").join(file), copy.join(file)).unwrap();
    }
    copy_dir(&root.join("ui/src"), &copy.join("src"));
    std::fs::copy(
        root.join("toolkit-ui/package.json"),
        package.join("package.json"),
    )
    .unwrap();
    copy_dir(&root.join("toolkit-ui/src"), &package.join("src"));
    for entry in std::fs::read_dir(&modules).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() != ".vite" && entry.file_name() != "webui-toolkit" {
            std::os::unix::fs::symlink(
                entry.path(),
                workspace.join("node_modules").join(entry.file_name()),
            )
            .unwrap();
        }
    }
    std::os::unix::fs::symlink(
        "../toolkit-ui",
        workspace.join("node_modules/webui-toolkit"),
    )
    .unwrap();
    std::os::unix::fs::symlink("../node_modules", copy.join("node_modules")).unwrap();
    copy
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces `from` by `to` in `file` (which must contain it), as an editor saving would.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

/// `vite` on `dir`, in its own process group (killed with it on drop).
struct Vite {
    child: Child,
    port: u16,
}

impl Vite {
    fn start(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new("node")
            .arg("node_modules/vite/bin/vite.js")
            .args([
                "--host",
                "127.0.0.1",
                "--port",
                &port.to_string(),
                "--strictPort",
            ])
            .current_dir(dir)
            .env("BROWSER", "none")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .expect("node (apt-get install nodejs)");
        let vite = Self { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "Vite did not listen on {port}");
            thread::sleep(Duration::from_millis(50));
        }
        vite
    }
}

impl Drop for Vite {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.wait();
    }
}

/// The marker's colour in `capture` (the middle of the bottom-left square).
fn marker(capture: &Capture) -> u32 {
    let (x, y) = (MARKER_SIZE / 2, capture.height - MARKER_SIZE / 2);
    capture.pixels[(y * capture.width + x) as usize] & 0xff_ffff
}

/// Processes until the marker shows `color`; the time it took.
fn wait_marker(host: &mut Host, window: &ParentWindow, color: u32) -> Duration {
    let start = Instant::now();
    let mut seen = 0;
    let shown = host.run_until(Duration::from_secs(20), |_| {
        seen = marker(&window.capture().unwrap());
        seen == color
    });
    assert!(shown, "the marker stayed {seen:06x}, expected {color:06x}");
    start.elapsed()
}

/// A host-side change of Output redraws the page (so the page hears the plugin over the native
/// IPC); the value is put back.
fn assert_follows_the_host(host: &mut Host, window: &ParentWindow, what: &str) {
    let output = host.id("Output");
    let original = host.plugin.param_value(output).unwrap();
    let before = settled(host, window);
    host.block(&[ParamEvent::value(0, output, 0.2)]);
    let changed = settled(host, window);
    let moved = differing_pixels(&before, &changed);
    assert!(
        moved > 20,
        "{what}: the page did not show a host change ({moved} pixels)"
    );
    host.block(&[ParamEvent::value(0, output, original)]);
    settled(host, window);
}

#[test]
fn the_editor_hot_reloads_from_the_vite_dev_server() {
    let copy = ui_copy();
    // Only the copy has the marker: seeing it proves the page came from this dev server.
    let styles = copy.join("src/styles.css");
    let mut css = std::fs::read_to_string(&styles).unwrap();
    css.push_str(&format!(
        "\nbody::after {{ content: \"\"; position: fixed; left: 0; bottom: 0; \
         width: {MARKER_SIZE}px; height: {MARKER_SIZE}px; background: #{MARKER_BEFORE:06x}; \
         z-index: 2147483647; }}\n"
    ));
    std::fs::write(&styles, css).unwrap();
    let vite = Vite::start(&copy);

    let xvfb = Xvfb::start();
    let display = xvfb.display.clone();
    // Where the page puts its controls, as the helper's webview lays them out.
    let layout = PageLayout::new(Path::new(env!("CARGO_TARGET_TMPDIR")), "hot-reload");
    // SAFETY: this test binary has one test; nothing else reads the environment yet.
    unsafe {
        std::env::set_var("DISPLAY", &display);
        std::env::set_var(LAYOUT_VAR, layout.path());
        std::env::set_var("WEBUI_DEV_URL", format!("http://127.0.0.1:{}/", vite.port));
        std::env::remove_var("WEBUI_BROWSER_PORT");
    }
    let clap = install("hot-reload-install", &helper_binary());
    let mut host = Host::new(&clap);
    let window = ParentWindow::new(0, 0, 720, 420).unwrap();
    let opening = Instant::now();
    open_editor(&mut host, &window);
    let first = wait_marker(&mut host, &window, MARKER_BEFORE);
    let idle = settled(&mut host, &window);
    eprintln!(
        "dev server page: marker after {first:?}, settled {:?} after opening",
        opening.elapsed()
    );
    assert!(idle.distinct_colors() > 40, "the UI is not drawn");
    assert!(
        listening_sockets().is_empty(),
        "the page must talk over the native IPC, not a socket of the plugin's"
    );
    assert_follows_the_host(&mut host, &window, "from the dev server");

    // Page state: "Open in browser" shows the address in the top bar.
    let size = (720, 420);
    let button = page_centre(&layout, &mut host, "button:Open in browser", size);
    let output_knob = page_centre(&layout, &mut host, "output", size);
    let (x, y) = window.screen_position().unwrap();
    click_in(&display, &mut host, &window, button);
    let mut sockets = Vec::new();
    host.run_until(Duration::from_secs(5), |_| {
        sockets = listening_sockets();
        !sockets.is_empty()
    });
    let [(_, addr)] = sockets[..] else {
        panic!("the page's click did not start one browser server: {sockets:?}");
    };
    assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    let opened = settled(&mut host, &window);
    let top_bar = differing_in_rows(&idle, &opened, 0..34);
    assert!(
        top_bar > 2000,
        "the top bar did not show the address ({top_bar} pixels)"
    );

    // A style edit: Vite swaps the style sheet in place; the page keeps its state (the address in
    // the top bar) and its native IPC.
    edit(
        &styles,
        &format!("#{MARKER_BEFORE:06x}"),
        &format!("#{MARKER_AFTER:06x}"),
    );
    let swapped = wait_marker(&mut host, &window, MARKER_AFTER);
    let after_swap = settled(&mut host, &window);
    let picture = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("editor-hot-reload.png");
    screenshot(&display, window.id(), &picture);
    let kept = differing_in_rows(&opened, &after_swap, 0..34);
    eprintln!(
        "style edit: shown {swapped:?} after the save; top bar {kept} pixels changed; screenshot \
         {}",
        picture.display()
    );
    assert_eq!(kept, 0, "the top bar changed: the page lost its state");
    assert_follows_the_host(&mut host, &window, "after the style swap");

    // An edit of the entry module: Vite reloads the page, which starts over (the button again in
    // the top bar) and reconnects to the plugin over the native IPC by itself.
    let main = copy.join("src/main.tsx");
    edit(
        &main,
        "const bridge =",
        "// edited by the hot reload test\nconst bridge =",
    );
    let reloading = Instant::now();
    let mut back = 0;
    let reloaded = host.run_until(Duration::from_secs(20), |_| {
        let now = window.capture().unwrap();
        back = differing_in_rows(&idle, &now, 0..34);
        back == 0 && marker(&now) == MARKER_AFTER
    });
    assert!(
        reloaded,
        "the page did not reload ({back} top-bar pixels unlike the fresh page)"
    );
    let reload_time = reloading.elapsed();
    settled(&mut host, &window);
    eprintln!("entry edit: page reloaded {reload_time:?} after the save");
    assert_follows_the_host(&mut host, &window, "after the reload");
    // The reloaded page still drives the plugin: an arrow key on the focused Output knob.
    let output = host.id("Output");
    let before = host.plugin.param_value(output).unwrap();
    click_in(&display, &mut host, &window, output_knob);
    host.run_for(Duration::from_millis(200));
    host.plugin.take_output_events();
    xdotool(&display, &["key", "Up"]);
    // Until the key's gesture has ended too (it ends after the key is up and the set answered),
    // so its end cannot land among the next step's events.
    let mut events = Vec::new();
    let raised = host.run_until(Duration::from_secs(5), |host| {
        events.extend(host.plugin.take_output_events());
        host.plugin.param_value(output).unwrap() > before
            && events
                .iter()
                .any(|e| matches!(e, ParamEvent::GestureEnd { .. }))
    });
    assert!(
        raised,
        "a key on the reloaded page did not reach the host: {events:?}"
    );
    assert!(
        matches!(events.first(), Some(ParamEvent::GestureBegin { .. })),
        "the change came inside a gesture: {events:?}"
    );

    // A reload in the middle of a drag: the old page's gesture ends at the host (it would stay
    // open until the editor closed), although the button is still down.
    let output = host.id("Output");
    host.plugin.take_output_events();
    xdotool(
        &display,
        &[
            "mousemove",
            &(x + output_knob.0).to_string(),
            &(y + output_knob.1).to_string(),
        ],
    );
    host.run_for(Duration::from_millis(100));
    xdotool(&display, &["mousedown", "1"]);
    for step in 1..=4 {
        host.run_for(Duration::from_millis(40));
        xdotool(
            &display,
            &[
                "mousemove",
                &(x + output_knob.0).to_string(),
                &(y + output_knob.1 - step * 8).to_string(),
            ],
        );
    }
    host.run_for(Duration::from_millis(200));
    let held = host.plugin.take_output_events();
    assert!(
        matches!(held.first(), Some(ParamEvent::GestureBegin { .. }))
            && !held
                .iter()
                .any(|e| matches!(e, ParamEvent::GestureEnd { .. })),
        "a drag under way: {held:?}"
    );
    edit(
        &main,
        "// edited by the hot reload test",
        "// edited twice by the hot reload test",
    );
    let mut after = Vec::new();
    let ended = host.run_until(Duration::from_secs(10), |host| {
        after.extend(host.plugin.take_output_events());
        after
            .iter()
            .any(|e| matches!(e, ParamEvent::GestureEnd { id, .. } if *id == output))
    });
    xdotool(&display, &["mouseup", "1"]);
    assert!(
        ended,
        "the reload left the drag's gesture open: {held:?} then {after:?}"
    );
    host.run_for(Duration::from_millis(300));
    after.extend(host.plugin.take_output_events());
    assert_eq!(
        after
            .iter()
            .filter(|e| matches!(e, ParamEvent::GestureEnd { .. }))
            .count(),
        1,
        "one end, and nothing after it: {after:?}"
    );

    host.plugin.gui_destroy();
    drop(host);
    drop(window);
    drop(xvfb);
    drop(vite);
}
