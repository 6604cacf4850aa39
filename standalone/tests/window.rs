//! The app's own editor window (no `--dev-server`), under a private Xvfb: the real `webstrip`
//! binary starts the real editor helper as a top-level window beside its WebSocket server.
//!
//! The helper is built here (`cargo build -p webui-editor-helper` into the target directory of
//! the `webstrip` under test: a dev-dependency does not build another package's binary) unless
//! `$WEBSTRIP_EDITOR_TEST_HELPER` names one. Needs `Xvfb`, `xdotool` and ImageMagick's `import`
//! (`cargo xtask test` installs them).
#![cfg(target_os = "linux")]

mod common;

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::{App, free_port};
use gui_test::{LAYOUT_VAR, PageLayout, Xvfb, alive, children_named, drag_up, write_broken_helper};
use serde_json::json;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    AtomEnum, ClientMessageEvent, ConnectionExt, EventMask, ImageFormat, MapState, Window,
};
use x11rb::rust_connection::RustConnection;

/// How long the window may take to appear and settle (debug build, busy CI).
const WINDOW_TIMEOUT: Duration = Duration::from_secs(60);

/// The editor helper next to the `webstrip` under test, built now (a no-op when up to date).
fn helper_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WEBSTRIP_EDITOR_TEST_HELPER") {
        return PathBuf::from(path);
    }
    let profile_dir = Path::new(env!("CARGO_BIN_EXE_webstrip")).parent().unwrap();
    let target_dir = profile_dir.parent().unwrap();
    let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cargo
        .args(["build", "-p", "webui-editor-helper"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CARGO_TARGET_DIR", target_dir);
    match profile_dir.file_name().and_then(|name| name.to_str()) {
        Some("debug") => {}
        Some("release") => {
            cargo.arg("--release");
        }
        Some(profile) => {
            cargo.args(["--profile", profile]);
        }
        None => panic!("unexpected binary path {}", profile_dir.display()),
    }
    let status = cargo.status().expect("run cargo");
    assert!(status.success(), "cargo build -p webui-editor-helper");
    // Installed beside the app under the app's helper name, as `cargo xtask run` does: copied,
    // then renamed into place (another test may be running the old copy).
    let helper = profile_dir.join("webstrip-editor");
    let fresh = profile_dir.join(format!("webstrip-editor.{}", std::process::id()));
    std::fs::copy(
        profile_dir.join(ui_assets::helper_pipe::HELPER_BINARY),
        &fresh,
    )
    .unwrap();
    std::fs::rename(&fresh, &helper).unwrap();
    helper
}

/// The workspace's `target/` (where screenshots go).
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The X server as a test client sees it: captures of the screen, the app's window.
struct Screen {
    conn: RustConnection,
    root: Window,
    size: (u16, u16),
}

/// One capture of the whole screen, a pixel per `u32`.
#[derive(PartialEq)]
struct Capture(Vec<u32>);

impl Capture {
    fn distinct_colors(&self) -> usize {
        self.0.iter().collect::<HashSet<_>>().len()
    }

    fn differing(&self, other: &Capture) -> usize {
        self.0.iter().zip(&other.0).filter(|(a, b)| a != b).count()
    }
}

impl Screen {
    fn connect(display: &str) -> Self {
        let (conn, screen) = x11rb::connect(Some(display)).expect("connect to Xvfb");
        let root = conn.setup().roots[screen].root;
        let size = {
            let s = &conn.setup().roots[screen];
            (s.width_in_pixels, s.height_in_pixels)
        };
        Self { conn, root, size }
    }

    fn capture(&self) -> Capture {
        let image = self
            .conn
            .get_image(
                ImageFormat::Z_PIXMAP,
                self.root,
                0,
                0,
                self.size.0,
                self.size.1,
                !0,
            )
            .unwrap()
            .reply()
            .unwrap();
        Capture(
            image
                .data
                .chunks_exact(4)
                .map(|p| u32::from_le_bytes([p[0], p[1], p[2], 0]))
                .collect(),
        )
    }

    /// Waits until the screen shows a settled page (many colours; two captures 300 ms apart
    /// alike).
    fn settled(&self) -> Capture {
        let deadline = Instant::now() + WINDOW_TIMEOUT;
        let mut last = self.capture();
        loop {
            thread::sleep(Duration::from_millis(300));
            let now = self.capture();
            if now.distinct_colors() > 40 && now == last {
                return now;
            }
            assert!(Instant::now() < deadline, "the window never settled");
            last = now;
        }
    }

    /// The mapped top-level window titled `title`.
    fn top_level(&self, title: &str) -> Option<Window> {
        let tree = self.conn.query_tree(self.root).ok()?.reply().ok()?;
        tree.children.into_iter().find(|&window| {
            let mapped = self
                .conn
                .get_window_attributes(window)
                .ok()
                .and_then(|c| c.reply().ok())
                .is_some_and(|a| a.map_state == MapState::VIEWABLE);
            let name = self
                .conn
                .get_property(false, window, AtomEnum::WM_NAME, AtomEnum::STRING, 0, 256)
                .ok()
                .and_then(|c| c.reply().ok())
                .map(|p| p.value);
            mapped && name.as_deref() == Some(title.as_bytes())
        })
    }

    /// Waits for the app's window ("Webstrip").
    fn wait_window(&self, app: &App) -> Window {
        let deadline = Instant::now() + WINDOW_TIMEOUT;
        loop {
            if let Some(window) = self.top_level("Webstrip") {
                return window;
            }
            assert!(
                Instant::now() < deadline,
                "no window; stderr:\n{}",
                app.stderr()
            );
            thread::sleep(Duration::from_millis(50));
        }
    }

    /// `window`'s position on the screen and size.
    fn geometry(&self, window: Window) -> (i16, i16, u16, u16) {
        let geometry = self.conn.get_geometry(window).unwrap().reply().unwrap();
        let at = self
            .conn
            .translate_coordinates(window, self.root, 0, 0)
            .unwrap()
            .reply()
            .unwrap();
        (at.dst_x, at.dst_y, geometry.width, geometry.height)
    }

    /// What a window manager sends when the user clicks the close button: a `WM_DELETE_WINDOW`
    /// client message.
    fn close(&self, window: Window) {
        let atom = |name: &str| {
            self.conn
                .intern_atom(false, name.as_bytes())
                .unwrap()
                .reply()
                .unwrap()
                .atom
        };
        let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
        let message = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
        self.conn
            .send_event(false, window, EventMask::NO_EVENT, message)
            .unwrap();
        self.conn.flush().unwrap();
    }
}

/// Starts the app with its window on `display` (helper `helper`, or `env` overriding it).
fn start(display: &str, helper: &Path, env: &[(&str, &str)]) -> App {
    let port = free_port();
    let port_text = port.to_string();
    let helper = helper.to_str().unwrap();
    let mut vars = vec![("DISPLAY", display), ("WEBUI_EDITOR_HELPER", helper)];
    vars.extend_from_slice(env);
    let app = App::spawn_with(&["--port", &port_text, "-b", "dummy"], port, &vars);
    app.wait_listening();
    app
}

/// Lines of the app's stderr that are warnings.
fn warnings(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.to_ascii_lowercase().contains("warn"))
        .collect()
}

/// Asserts that `app` runs headless after exactly one warning containing `why`: no helper, the
/// WebSocket answers, SIGTERM ends it with 0.
fn headless_with_warning(mut app: App, why: &str) {
    let mut ws = app.connect();
    assert_eq!(ws.result("ping", json!({})), json!({"pong": true}));
    assert!(app.stderr_shows(why), "{}", app.stderr());
    assert!(
        children_named(app.child.id(), "webstrip-editor").is_empty(),
        "a helper runs"
    );
    app.signal(libc::SIGTERM);
    let status = app.wait_exit(Duration::from_secs(5)).expect("exits");
    let stderr = app.stderr();
    assert!(status.success(), "{status:?}:\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let warned = warnings(&stderr);
    assert_eq!(warned.len(), 1, "one warning:\n{stderr}");
    assert!(warned[0].contains(why), "{stderr}");
    assert!(warned[0].contains("running headless"), "{stderr}");
    eprintln!("headless: {}", warned[0]);
}

// ----- the tests ---------------------------------------------------------------------------------

/// One X server for every step: the window shows the UI; WebSocket and window see each other's
/// changes; closing the window ends the app; so does SIGINT, closing the window; a helper that
/// cannot start or a display that does not answer leave the app headless with a warning.
#[test]
fn the_standalone_window() {
    let xvfb = Xvfb::start();
    let display = xvfb.display.clone();
    let helper = helper_binary();
    let screen = Screen::connect(&display);

    // The window opens with the UI; the server runs beside it. The helper keeps the page's
    // control boxes in `layout`.
    let layout = PageLayout::new(&target_dir(), "standalone-window");
    let started = Instant::now();
    let mut app = start(
        &display,
        &helper,
        &[(LAYOUT_VAR, layout.path().to_str().unwrap())],
    );
    let window = screen.wait_window(&app);
    let (x, y, width, height) = screen.geometry(window);
    assert_eq!((width, height), (720, 420), "the editor's default size");
    let shown = screen.settled();
    let screenshot = target_dir().join("standalone-window.png");
    gui_test::screenshot(&display, "root", &screenshot);
    eprintln!(
        "window at ({x}, {y}) {width}×{height}, settled after {:?}, {} colours; screenshot {}",
        started.elapsed(),
        shown.distinct_colors(),
        screenshot.display()
    );
    assert!(shown.distinct_colors() > 40, "the UI is not drawn");
    let helper_pid = children_named(app.child.id(), "webstrip-editor");
    assert_eq!(helper_pid.len(), 1, "one helper: {helper_pid:?}");

    // A WebSocket client's change → the page shows it.
    let mut ws = app.connect();
    ws.result("setParameter", json!({"id": "output", "value": -6}));
    let changed = screen.settled();
    let moved = shown.differing(&changed);
    assert!(moved > 20, "the page did not redraw ({moved} pixels)");
    eprintln!("WebSocket set: {moved} pixels changed");
    ws.backlog.clear();

    // A drag on the window's Output knob (where the page put it) → the WebSocket client sees it.
    let knob = layout.centre(
        "output",
        (width.into(), height.into()),
        Duration::from_secs(5),
        &mut || thread::sleep(Duration::from_millis(50)),
    );
    let (kx, ky) = (i32::from(x) + knob.0, i32::from(y) + knob.1);
    drag_up(&display, (kx, ky), 8, 8, thread::sleep);
    let dragged = loop {
        let changed = ws.notification("parameterChanged");
        let value = changed["params"]["value"].as_f64().unwrap_or(f64::NAN);
        if changed["params"]["id"] == "output" && value > -6.0 {
            break value;
        }
    };
    eprintln!("drag: the WebSocket client saw Output -6 → {dragged:.2} dB");

    // The user closes the window → exit 0, port free, helper gone, clients told.
    let closed = Instant::now();
    screen.close(window);
    let status = app
        .wait_exit(Duration::from_secs(10))
        .expect("the app exits when its window is closed");
    assert!(status.success(), "{status:?}:\n{}", app.stderr());
    eprintln!("window closed: app exited after {:?}", closed.elapsed());
    TcpListener::bind(("127.0.0.1", app.port)).expect("the port is free again");
    assert!(!alive(helper_pid[0]), "the helper outlived the app");
    assert_eq!(ws.close_code(), Some(1001));
    assert!(screen.top_level("Webstrip").is_none());
    let stderr = app.stderr();
    assert!(
        !stderr.contains("headless")
            && !stderr.contains("the editor helper ended")
            && !stderr.contains("panicked"),
        "{stderr}"
    );

    // SIGINT with the window open → exit 0, the window closed, no helper left.
    let mut app = start(&display, &helper, &[]);
    screen.wait_window(&app);
    let helper_pid = children_named(app.child.id(), "webstrip-editor");
    assert_eq!(helper_pid.len(), 1, "one helper: {helper_pid:?}");
    let sent = Instant::now();
    app.signal(libc::SIGINT);
    let status = app
        .wait_exit(Duration::from_secs(5))
        .expect("the app exits on SIGINT");
    assert!(status.success(), "{status:?}:\n{}", app.stderr());
    eprintln!("SIGINT: app exited after {:?}", sent.elapsed());
    assert!(!alive(helper_pid[0]), "the helper outlived the app");
    assert!(screen.top_level("Webstrip").is_none());
    TcpListener::bind(("127.0.0.1", app.port)).expect("the port is free again");

    // A helper that cannot run (as without WebKitGTK: the loader fails, status 127) → headless.
    let broken = Path::new(env!("CARGO_TARGET_TMPDIR")).join("standalone-broken-helper.sh");
    write_broken_helper(&broken);
    headless_with_warning(start(&display, &broken, &[]), "did not start");

    // No helper where it is looked for → headless, saying so.
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-helper");
    headless_with_warning(start(&display, &missing, &[]), "is not a file");

    drop(screen);
    // A display that does not answer (the X server is gone) → headless, saying so.
    drop(xvfb);
    headless_with_warning(start(&display, &helper, &[]), "does not answer");
}

/// Without `$DISPLAY` and without `--dev-server`: one warning, headless, the WebSocket answers.
#[test]
fn no_display_runs_headless_with_one_warning() {
    let port = free_port();
    let app = App::spawn(&["--port", &port.to_string(), "-b", "dummy"], port);
    app.wait_listening();
    headless_with_warning(app, "$DISPLAY is not set");
}

/// `WEBUI_DEV_URL`: the window loads the UI from a dev server (here a plain HTTP server on
/// `ui/dist`, standing in for Vite) instead of the embedded build, and still talks over the native
/// IPC: a WebSocket client's change shows in that page.
#[test]
fn the_window_loads_the_ui_from_a_dev_server() {
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    assert!(
        dist.join("index.html").is_file(),
        "build the UI first (npm run build in ui/)"
    );
    let dev_port = free_port();
    let mut dev_server = Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
        .arg(&dist)
        .arg(dev_port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", dev_port)).is_err() {
        assert!(Instant::now() < deadline, "the dev server did not start");
        thread::sleep(Duration::from_millis(50));
    }

    let xvfb = Xvfb::start();
    let display = xvfb.display.clone();
    let screen = Screen::connect(&display);
    let url = format!("http://127.0.0.1:{dev_port}/");
    let mut app = start(&display, &helper_binary(), &[("WEBUI_DEV_URL", &url)]);
    let window = screen.wait_window(&app);
    let shown = screen.settled();
    assert!(shown.distinct_colors() > 40, "the UI is not drawn");
    let mut ws = app.connect();
    ws.result("setParameter", json!({"id": "output", "value": -6}));
    let moved = shown.differing(&screen.settled());
    assert!(
        moved > 20,
        "the dev page did not follow the change ({moved} pixels)"
    );

    screen.close(window);
    let status = app
        .wait_exit(Duration::from_secs(10))
        .expect("the app exits");
    assert!(status.success(), "{status:?}:\n{}", app.stderr());
    // SAFETY: kill(2) on our own child process.
    unsafe { libc::kill(dev_server.id() as libc::pid_t, libc::SIGTERM) };
    let _ = dev_server.wait();
    let mut log = String::new();
    std::io::Read::read_to_string(dev_server.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(
        log.contains("\"GET / HTTP") && log.contains("\"GET /assets/"),
        "the page and its script came from the dev server:\n{log}"
    );
    eprintln!("dev server page: {moved} pixels changed on a WebSocket set");
    drop(xvfb);
}
