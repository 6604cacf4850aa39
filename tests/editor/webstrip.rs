//! The editor in a real CLAP host, under a private Xvfb: the CLAP test host loads the plugin from
//! a bundle directory that holds `Webstrip.clap` and, next to it, this crate's `webstrip-editor`
//! (how the plugin finds its helper in a real install), opens the editor in an X11 window of its
//! own and checks what a user would see and do.
//!
//! The plugin comes from `$WEBSTRIP_CLAP`, else `<workspace>/target/bundled/Webstrip.clap`
//! (`cargo xtask bundle webstrip`). Needs `Xvfb`, `xdotool`, `xclip` and ImageMagick's `import`
//! (`cargo xtask test` installs them). The test removes `WEBUI_BROWSER_PORT` from its environment:
//! nothing may listen until the page's "Open in browser" asks.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use clap_test_host::{ParamEvent, ParentWindow};
use gui_test::{
    LAYOUT_VAR, PageLayout, Xvfb, alive, children_named, drag_up, listening_sockets, screenshot,
    write_broken_helper, xdotool,
};

use webstrip_tests::editor::*;

/// Argument that makes [`child_host`] act (the test binary re-runs itself as a host to kill).
const CHILD_ARG: &str = "webstrip-editor-child-host";

// ----- fixtures ----------------------------------------------------------------------------------

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

/// The sum of `measure` over `pid` and all its descendants.
fn sum_over_tree(pid: u32, measure: impl Fn(u32) -> u64) -> u64 {
    let mut total = 0;
    let mut stack = vec![pid];
    while let Some(pid) = stack.pop() {
        total += measure(pid);
        if let Ok(children) = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")) {
            stack.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
    }
    total
}

/// CPU time (user + system, in clock ticks) of `pid` and all its descendants.
fn cpu_ticks_of_tree(pid: u32) -> u64 {
    sum_over_tree(pid, |pid| {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return 0;
        };
        let Some((_, rest)) = stat.split_once(") ") else {
            return 0;
        };
        let fields: Vec<&str> = rest.split(' ').collect();
        // fields[0] is state (field 3): utime is field 14, stime field 15.
        fields[11].parse::<u64>().unwrap_or(0) + fields[12].parse::<u64>().unwrap_or(0)
    })
}

/// Proportional set size (kB) of `pid` and all its descendants.
fn pss_kb_of_tree(pid: u32) -> u64 {
    sum_over_tree(pid, |pid| {
        std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .ok()
            .and_then(|rollup| {
                rollup
                    .lines()
                    .find_map(|line| line.strip_prefix("Pss:"))
                    .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .unwrap_or(0)
    })
}

/// The status code the server at `addr` answers `request` (sent as is) with.
fn http_status(addr: SocketAddr, request: &str) -> u16 {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .unwrap_or_else(|err| panic!("connect to {addr}: {err}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut status = String::new();
    BufReader::new(stream).read_line(&mut status).unwrap();
    status
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status line from {addr}: {status:?}"))
}

/// A WebSocket handshake on `/ws` (with `query`, e.g. `?token=…`): the status of the answer.
fn ws_handshake_status(addr: SocketAddr, query: &str) -> u16 {
    http_status(
        addr,
        &format!(
            "GET /ws{query} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        ),
    )
}

fn event_id(event: &ParamEvent) -> u32 {
    match *event {
        ParamEvent::Value { id, .. }
        | ParamEvent::Mod { id, .. }
        | ParamEvent::GestureBegin { id, .. }
        | ParamEvent::GestureEnd { id, .. } => id,
    }
}

/// The text on `display`'s clipboard (`xclip`), empty when there is none.
fn clipboard(display: &str) -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .env("DISPLAY", display)
        .output()
        .expect("xclip (apt-get install xclip)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A directory holding an `xdg-open` that appends its argument to `log`.
fn fake_xdg_open(log: &Path) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fake-bin");
    std::fs::create_dir_all(&dir).unwrap();
    let _ = std::fs::remove_file(log);
    let script = dir.join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", log.display()),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .unwrap();
    dir
}

// ----- the tests ---------------------------------------------------------------------------------

/// What every test here shares: a private X server, the environment the helper inherits, the
/// bundle installed with its helper, a host window at the editor's default size. The tests run one
/// at a time (they share the process's environment, its helper processes and its descriptors);
/// one that fails does not stop the others.
struct Fixture {
    window: ParentWindow,
    display: String,
    clap: PathBuf,
    width: u32,
    height: u32,
    /// Where the page puts its controls, as the helper's webview lays them out.
    layout: PageLayout,
    /// What the fake `xdg-open` was asked to open.
    opened_links: PathBuf,
    /// Screenshots go here (`target/`).
    target: PathBuf,
    _xvfb: Xvfb,
    _serial: MutexGuard<'static, ()>,
}

fn fixture() -> Fixture {
    static SERIAL: Mutex<()> = Mutex::new(());
    let serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let xvfb = Xvfb::start();
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let opened_links = tmp.join("xdg-open.log");
    let _ = std::fs::remove_file(&opened_links);
    let fake_bin = fake_xdg_open(&opened_links);
    let layout = PageLayout::new(tmp, "editor");
    // SAFETY: the tests run one at a time (`SERIAL`), and nothing else in this process reads the
    // environment while they run.
    unsafe {
        std::env::set_var("DISPLAY", &xvfb.display);
        std::env::set_var(LAYOUT_VAR, layout.path());
        // Else every instance would start its browser server when its editor opens.
        std::env::remove_var("WEBUI_BROWSER_PORT");
        // The user's browser, as the helper starts it: recorded instead.
        let path = std::env::var_os("PATH").unwrap_or_default();
        if !std::env::split_paths(&path).any(|dir| dir == fake_bin) {
            let mut dirs = vec![fake_bin];
            dirs.extend(std::env::split_paths(&path));
            std::env::set_var("PATH", std::env::join_paths(dirs).unwrap());
        }
    }
    let clap = install("editor-install", &helper_binary());
    let (width, height) = {
        let mut host = Host::new(&clap);
        host.plugin.gui_create().unwrap();
        let size = host.plugin.gui_size().unwrap();
        host.plugin.gui_destroy();
        size
    };
    Fixture {
        window: ParentWindow::new(0, 0, width as u16, height as u16).unwrap(),
        display: xvfb.display.clone(),
        clap,
        width,
        height,
        layout,
        opened_links,
        target: tmp.parent().unwrap().to_path_buf(),
        _xvfb: xvfb,
        _serial: serial,
    }
}

/// A fresh instance with its editor open in the fixture's window, settled.
fn opened(fx: &Fixture) -> Host {
    let mut host = Host::new(&fx.clap);
    open_editor(&mut host, &fx.window);
    settled(&mut host, &fx.window);
    host
}

/// Open, look (screenshot, every control inside the window, none overlapping), and a host-side
/// change shown and undone.
#[test]
fn opens_in_the_host_window_with_every_control_inside_and_follows_the_host() {
    let fx = fixture();
    let Fixture {
        ref window,
        ref display,
        ref clap,
        ref layout,
        width,
        height,
        ref target,
        ..
    } = fx;
    // Open: time to the helper's webview, and to the first frame with the page painted.
    let mut host = Host::new(clap);
    let started = Instant::now();
    open_editor(&mut host, window);
    let ready = started.elapsed();
    let blank = window.capture().unwrap().distinct_colors();
    assert!(
        host.run_until(Duration::from_secs(20), |_| window
            .capture()
            .unwrap()
            .distinct_colors()
            > 10),
        "nothing painted"
    );
    let first_frame = started.elapsed();
    let shown = settled(&mut host, window);
    let settled_at = started.elapsed();
    screenshot(display, window.id(), &target.join("editor.png"));
    eprintln!(
        "editor open: helper ready {ready:?}, first frame {first_frame:?}, settled {settled_at:?}; \
         {blank} colour(s) before, {} after; screenshot {}",
        shown.distinct_colors(),
        target.join("editor.png").display()
    );
    assert!(shown.distinct_colors() > 40, "the UI is not drawn");

    // As this webview laid the page out at the default size: every control inside the window and
    // none on top of another (the browser test checks the other sizes in Chromium).
    let boxes = layout.boxes((width, height), Duration::from_secs(5), &mut || {
        host.run_for(Duration::from_millis(50))
    });
    let controls: Vec<&(String, [f64; 4])> =
        boxes.iter().filter(|(key, _)| !key.contains(':')).collect();
    assert!(controls.len() >= 13, "the page's controls: {boxes:?}");
    for (key, [x, y, w, h]) in &boxes {
        assert!(
            *w > 0.0 && *h > 0.0 && *x >= 0.0 && *y >= 0.0,
            "{key} at {:?} is not shown",
            [x, y, w, h]
        );
        assert!(
            x + w <= f64::from(width) && y + h <= f64::from(height),
            "{key} {:?} reaches outside the {width}×{height} window",
            [x, y, w, h]
        );
    }
    for (i, (a, p)) in boxes.iter().enumerate() {
        for (b, q) in &boxes[i + 1..] {
            let apart = p[0] + p[2] <= q[0]
                || q[0] + q[2] <= p[0]
                || p[1] + p[3] <= q[1]
                || q[1] + q[3] <= p[1];
            assert!(apart, "{a} {p:?} overlaps {b} {q:?}");
        }
    }
    eprintln!(
        "layout: {} controls and {} buttons inside {width}×{height}, none overlapping",
        controls.len(),
        boxes.len() - controls.len()
    );

    // Host-side change → the page shows it, and going back restores the very same pixels.
    let output = host.id("Output");
    let original = host.plugin.param_value(output).unwrap();
    let before = settled(&mut host, window);
    host.block(&[ParamEvent::value(0, output, 0.2)]);
    let changed = settled(&mut host, window);
    let moved = differing_pixels(&before, &changed);
    assert!(
        moved > 20,
        "the page did not redraw the change ({moved} pixels)"
    );

    host.block(&[ParamEvent::value(0, output, original)]);
    let back = settled(&mut host, window);
    let left = differing_pixels(&before, &back);
    assert!(
        left * 20 < moved,
        "the page did not follow back ({left} pixels differ)"
    );
    eprintln!("host change: {moved} pixels changed, {left} left after going back");
}

/// A drag on the Output knob where the page put it: one gesture; keys on the clicked Input knob.
#[test]
fn a_drag_is_one_gesture_and_keys_reach_the_focused_knob() {
    let fx = fixture();
    let Fixture {
        ref window,
        ref display,
        ref layout,
        width,
        height,
        ..
    } = fx;
    let mut host = opened(&fx);
    let output = host.id("Output");
    let original = host.plugin.param_value(output).unwrap();

    // A drag on the Output knob → one gesture at the host, at the knob's centre as this page laid
    // it out (the helper's layout file).
    let size = (width, height);
    let output_knob = page_centre(layout, &mut host, "output", size);
    let input_knob = page_centre(layout, &mut host, "input", size);
    eprintln!("the page's knobs at {size:?}: Output {output_knob:?}, Input {input_knob:?}");
    host.plugin.take_output_events();
    let (x, y) = window.screen_position().unwrap();
    let (kx, ky) = (x + output_knob.0, y + output_knob.1);
    drag_up(display, (kx, ky), 8, 8, |d| host.run_for(d));
    host.run_for(Duration::from_millis(500));
    let events = host.plugin.take_output_events();
    let ours: Vec<&ParamEvent> = events.iter().filter(|e| event_id(e) == output).collect();
    assert!(
        matches!(ours.first(), Some(ParamEvent::GestureBegin { .. }))
            && matches!(ours.last(), Some(ParamEvent::GestureEnd { .. })),
        "not one gesture: {events:?}"
    );
    let values = ours
        .iter()
        .filter(|e| matches!(e, ParamEvent::Value { .. }))
        .count();
    let gestures = ours.len() - values;
    assert_eq!(gestures, 2, "one begin, one end: {ours:?}");
    assert!(values >= 2, "the drag moved the value: {ours:?}");
    assert_eq!(events.len(), ours.len(), "only Output changed: {events:?}");
    let dragged = host.plugin.param_value(output).unwrap();
    assert!(
        dragged > original,
        "dragging up raised Output: {original} → {dragged}"
    );
    eprintln!("drag: 1 gesture, {values} values, Output {original:.3} → {dragged:.3}");

    // Keyboard: a click on the Input knob gives the page the focus; keys reach it with the pointer
    // elsewhere on the screen.
    let input = host.id("Input");
    let input_before = host.plugin.param_value(input).unwrap();
    xdotool(
        display,
        &[
            "mousemove",
            &(x + input_knob.0).to_string(),
            &(y + input_knob.1).to_string(),
        ],
    );
    host.run_for(Duration::from_millis(100));
    xdotool(display, &["click", "1"]);
    host.run_for(Duration::from_millis(200));
    xdotool(display, &["mousemove", "1200", "780"]);
    host.run_for(Duration::from_millis(100));
    host.plugin.take_output_events();
    for _ in 0..3 {
        xdotool(display, &["key", "Up"]);
        host.run_for(Duration::from_millis(60));
    }
    host.run_for(Duration::from_millis(800));
    let input_after = host.plugin.param_value(input).unwrap();
    let keyed: Vec<ParamEvent> = host.plugin.take_output_events();
    assert!(
        input_after > input_before,
        "keys did not reach the page with the pointer outside: {input_before} → {input_after}, \
         {keyed:?}"
    );
    eprintln!("keyboard: Input {input_before:.3} → {input_after:.3} with the pointer outside");
}

/// The host resizes its window: the page fills it.
#[test]
fn the_page_follows_the_host_window_resize() {
    let fx = fixture();
    let Fixture {
        ref window,
        ref display,
        width,
        height,
        ref target,
        ..
    } = fx;
    let mut host = opened(&fx);
    // The host resizes its window: the page fills the new size (the parent's own background is
    // black; the page's is not).
    window.resize(width + 200, height + 100).unwrap();
    host.plugin.gui_set_size(width + 200, height + 100).unwrap();
    let resized = settled(&mut host, window);
    assert_eq!((resized.width, resized.height), (width + 200, height + 100));
    let black = resized.black_at_right(150);
    assert!(
        black < 0.05,
        "the page did not follow the resize ({:.0} % black)",
        black * 100.0
    );
    assert_eq!(host.plugin.gui_size(), Some((width + 200, height + 100)));
    screenshot(display, window.id(), &target.join("editor-resized.png"));
    window.resize(width, height).unwrap();
    host.plugin.gui_set_size(width, height).unwrap();
    settled(&mut host, window);
}

/// The tone moves the meters (the helper's CPU and memory reported); closing ends the helper.
#[test]
fn meters_move_with_the_tone_and_close_leaves_no_helper() {
    let fx = fixture();
    let Fixture { ref window, .. } = fx;
    let mut host = opened(&fx);
    // With the tone on, the meters move; the helper's CPU (with its WebKit processes) at 60 Hz.
    let helper = children_named(std::process::id(), "webstrip-editor");
    assert_eq!(helper.len(), 1, "one helper: {helper:?}");
    let quiet = settled(&mut host, window);
    let tone = host.id("Tone");
    host.block(&[ParamEvent::value(0, tone, 0.5)]);
    host.run_for(Duration::from_millis(500));
    let loud = window.capture().unwrap();
    let meters = differing_pixels(&quiet, &loud);
    assert!(meters > 200, "the meters did not move ({meters} pixels)");
    let ticks = cpu_ticks_of_tree(helper[0]);
    let measured = Instant::now();
    host.run_for(Duration::from_secs(5));
    let cpu =
        (cpu_ticks_of_tree(helper[0]) - ticks) as f64 / 100.0 / measured.elapsed().as_secs_f64();
    eprintln!(
        "meters at 60 Hz with the tone on: helper + WebKit CPU {:.1} % of one core",
        cpu * 100.0
    );
    eprintln!(
        "helper + WebKit memory: {} MB PSS",
        pss_kb_of_tree(helper[0]) / 1024
    );
    host.block(&[ParamEvent::value(0, tone, 0.0)]);

    // Close: the helper is gone when `destroy` returns.
    let closing = Instant::now();
    host.plugin.gui_destroy();
    eprintln!("editor close: {:?}", closing.elapsed());
    assert!(
        children_named(std::process::id(), "webstrip-editor").is_empty(),
        "helper left after close"
    );
    assert!(!alive(helper[0]));
}

/// 50 open/close cycles leave no helper and no descriptor; warm opens timed.
#[test]
fn fifty_open_close_cycles_leave_nothing_behind() {
    let fx = fixture();
    let Fixture {
        ref window,
        ref clap,
        ..
    } = fx;
    let mut host = Host::new(clap);
    // 50 open/close cycles (some closed while the page still loads): no helper, no fd left.
    let fds = open_fds();
    let cycles = Instant::now();
    for cycle in 0..50 {
        open_editor(&mut host, window);
        host.run_for(Duration::from_millis(if cycle % 2 == 0 { 20 } else { 400 }));
        host.plugin.gui_destroy();
    }
    eprintln!("50 open/close cycles: {:?}", cycles.elapsed());

    // Warm opens: spawn → helper ready, and → first frame with the page drawn.
    let mut opens: Vec<(Duration, Duration)> = (0..5)
        .map(|_| {
            let started = Instant::now();
            open_editor(&mut host, window);
            let ready = started.elapsed();
            assert!(
                host.run_until(Duration::from_secs(20), |_| window
                    .capture()
                    .unwrap()
                    .distinct_colors()
                    > 10),
                "nothing painted"
            );
            let painted = started.elapsed();
            host.plugin.gui_destroy();
            (ready, painted)
        })
        .collect();
    opens.sort_by_key(|&(_, painted)| painted);
    eprintln!("warm opens (ready, first frame), fastest first: {opens:?}");
    assert!(
        children_named(std::process::id(), "webstrip-editor").is_empty(),
        "helpers left after 50 cycles"
    );
    assert_eq!(open_fds(), fds, "open file descriptors grew over 50 cycles");
}

/// The helper dies: the host hears it, audio goes on, the editor opens again.
#[test]
fn a_crashed_helper_is_reported_and_the_editor_reopens() {
    let fx = fixture();
    let Fixture {
        ref window,
        ref clap,
        ..
    } = fx;
    let mut host = Host::new(clap);
    let output = host.id("Output");
    // The helper crashes: audio goes on, the editor opens again.
    open_editor(&mut host, window);
    let helper = children_named(std::process::id(), "webstrip-editor");
    assert_eq!(helper.len(), 1);
    Command::new("kill")
        .args(["-KILL", &helper[0].to_string()])
        .status()
        .unwrap();
    host.run_for(Duration::from_millis(300));
    assert_eq!(
        host.plugin.record().gui_closed(),
        [true],
        "the host heard that the editor died (gui.closed(true))"
    );
    host.block(&[ParamEvent::value(0, output, 0.5)]);
    host.run_for(Duration::from_millis(50));
    assert!(
        (host.plugin.param_value(output).unwrap() - 0.5).abs() < 1e-6,
        "audio thread alive"
    );
    host.plugin.gui_destroy();
    open_editor(&mut host, window);
    settled(&mut host, window);
    host.plugin.gui_destroy();
    assert!(children_named(std::process::id(), "webstrip-editor").is_empty());
}

/// "Open in browser": nothing listens until the page's button asks; then one token-guarded
/// loopback server that outlives the editor and closes with the instance.
#[test]
fn open_in_browser_starts_a_guarded_server_that_outlives_the_editor() {
    let fx = fixture();
    let Fixture {
        ref window,
        ref display,
        ref clap,
        ref layout,
        width,
        height,
        ref target,
        ref opened_links,
        ..
    } = fx;
    // "Open in browser" (#7), on a fresh instance: nothing listens until the page's button asks;
    // then one server on 127.0.0.1 that wants its token, outlives the editor and closes with the
    // instance.
    let scenario = Instant::now();
    let mut host = Host::new(clap);
    open_editor(&mut host, window);
    let idle = settled(&mut host, window);
    let listening = listening_sockets();
    assert!(
        listening.is_empty(),
        "something listens before the button was clicked: {listening:?}"
    );
    // The button, where this page put it.
    let button = page_centre(layout, &mut host, "button:Open in browser", (width, height));
    let (x, y) = window.screen_position().unwrap();
    xdotool(
        display,
        &[
            "mousemove",
            &(x + button.0).to_string(),
            &(y + button.1).to_string(),
        ],
    );
    host.run_for(Duration::from_millis(100));
    // Timed from before xdotool runs: an upper bound.
    let clicked = Instant::now();
    xdotool(display, &["click", "1"]);
    let mut bridge = Vec::new();
    host.run_until(Duration::from_secs(5), |_| {
        bridge = listening_sockets();
        !bridge.is_empty()
    });
    let listening_after = clicked.elapsed();
    let [(inode, addr)] = bridge[..] else {
        screenshot(
            display,
            window.id(),
            &target.join("editor-open-in-browser.png"),
        );
        panic!(
            "not one listening socket {listening_after:?} after the click: {bridge:?} (see \
             editor-open-in-browser.png)"
        );
    };
    assert_eq!(addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST), "loopback only");
    eprintln!("open in browser: {addr} listening {listening_after:?} after the click");
    // Without its token, or with a wrong one, the WebSocket is refused; the page itself is served.
    assert_eq!(ws_handshake_status(addr, ""), 401, "no token");
    assert_eq!(
        ws_handshake_status(addr, &format!("?token={}", "0".repeat(32))),
        401,
        "wrong token"
    );
    assert_eq!(
        http_status(
            addr,
            &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n")
        ),
        200,
        "the page"
    );
    // The page shows the address (a field, Copy, Open) where the button was; nothing below the
    // top bar (34 px high) moves.
    xdotool(display, &["mousemove", "1200", "780"]);
    let opened = settled(&mut host, window);
    let page_shown = clicked.elapsed();
    screenshot(
        display,
        window.id(),
        &target.join("editor-open-in-browser.png"),
    );
    let top_bar = differing_in_rows(&idle, &opened, 0..34);
    let below = differing_in_rows(&idle, &opened, 34..height);
    eprintln!(
        "open in browser: page settled {page_shown:?} after the click; {top_bar} pixels changed \
         in the top bar, {below} below; screenshot {}",
        target.join("editor-open-in-browser.png").display()
    );
    assert!(
        top_bar > 2000,
        "the top bar did not show the address ({top_bar} pixels changed)"
    );
    assert!(
        below * 100 < (width * (height - 34)) as usize,
        "the page below the top bar changed ({below} pixels)"
    );
    // Its "Open" link opens the address in the user's browser (`xdg-open`, recorded here); the
    // editor stays on its page.
    let open_link = page_centre(layout, &mut host, "link:Open", (width, height));
    click_in(display, &mut host, window, open_link);
    let mut launched = String::new();
    host.run_until(Duration::from_secs(5), |_| {
        launched = std::fs::read_to_string(opened_links).unwrap_or_default();
        !launched.is_empty()
    });
    let token = launched
        .trim()
        .strip_prefix(&format!("http://{addr}/?token="))
        .unwrap_or_else(|| panic!("xdg-open got {launched:?}, not the bridge's address"));
    assert_eq!(ws_handshake_status(addr, &format!("?token={token}")), 101);
    let after_open = settled(&mut host, window);
    assert_eq!(
        differing_in_rows(&opened, &after_open, 34..height),
        0,
        "the editor left its page"
    );
    eprintln!("open in browser: the Open link ran xdg-open with the bridge's address");
    // "Copy" puts the address on the clipboard.
    let copy = page_centre(layout, &mut host, "button:Copy", (width, height));
    click_in(display, &mut host, window, copy);
    let mut copied = String::new();
    host.run_until(Duration::from_secs(5), |_| {
        copied = clipboard(display);
        !copied.is_empty()
    });
    assert_eq!(
        copied.trim(),
        launched.trim(),
        "the clipboard holds the address"
    );
    eprintln!("open in browser: Copy put the address on the clipboard");
    // The editor closes: the server stays (a browser may still use it) and still answers.
    host.plugin.gui_destroy();
    assert!(children_named(std::process::id(), "webstrip-editor").is_empty());
    host.run_for(Duration::from_millis(200));
    assert_eq!(
        listening_sockets(),
        [(inode, addr)],
        "the browser server outlives the editor"
    );
    assert_eq!(ws_handshake_status(addr, ""), 401, "still served");
    // The instance goes: so does its port.
    let destroying = Instant::now();
    drop(host);
    let destroyed = destroying.elapsed();
    let left = listening_sockets();
    assert!(left.is_empty(), "listening after destroy: {left:?}");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "{addr} still accepts connections after the instance went"
    );
    eprintln!(
        "open in browser: instance destroyed in {destroyed:?}, {addr} closed; the whole check \
         took {:?}",
        scenario.elapsed()
    );
}

/// A host that is killed leaves no helper behind.
#[test]
fn a_killed_host_leaves_no_helper() {
    let fx = fixture();
    let Fixture {
        ref display,
        ref clap,
        ..
    } = fx;
    // A host that is killed leaves no helper behind.
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["child_host", CHILD_ARG, "--nocapture", "--test-threads=1"])
        .env("DISPLAY", display)
        .env("WEBSTRIP_EDITOR_TEST_CLAP", clap)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let helper: u32 = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            // libtest prints "test child_host ... " before it, on the same line.
            let (_, pid) = line.split_once("HELPER ")?;
            pid.trim().parse().ok()
        })
        .expect("the child host reports its helper");
    assert!(alive(helper));
    child.kill().unwrap();
    child.wait().unwrap();
    let killed = Instant::now();
    while alive(helper) && killed.elapsed() < Duration::from_secs(5) {
        thread::sleep(Duration::from_millis(2));
    }
    assert!(!alive(helper), "the helper outlived its killed host");
    eprintln!("host killed: helper gone after {:?}", killed.elapsed());
}

/// Without a working helper (as without WebKitGTK) the editor reports an error; audio goes on.
#[test]
fn without_a_working_helper_the_editor_fails_and_audio_goes_on() {
    let fx = fixture();
    let Fixture { ref window, .. } = fx;
    // Without a working helper (as without WebKitGTK: the loader fails, status 127) the editor
    // reports an error to the host and audio is unaffected.
    let broken = Path::new(env!("CARGO_TARGET_TMPDIR")).join("broken-helper.sh");
    write_broken_helper(&broken);
    let mut host = Host::new(&install("editor-no-webkit", &broken));
    host.plugin.gui_create().unwrap();
    let error = host.plugin.gui_set_parent(window);
    assert!(
        error.is_err(),
        "set_parent must fail without a working helper"
    );
    let output = host.id("Output");
    host.block(&[ParamEvent::value(0, output, 0.5)]);
    assert!((host.plugin.param_value(output).unwrap() - 0.5).abs() < 1e-6);
    host.plugin.gui_destroy();
}

/// The pipe with a scripted helper in place of the webview.
#[test]
fn the_pipe_with_a_scripted_helper() {
    let fx = fixture();
    let Fixture { ref window, .. } = fx;
    // The pipe itself, with a scripted helper in place of the webview (it answers the version
    // handshake with the plugin's own hello and skips the page): a page that starts loading
    // before the helper is ready is no error, the plugin answers on the pipe as transport "pipe",
    // and the page's `requestResize` reaches the host.
    let answers = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scripted-helper.out");
    let _ = std::fs::remove_file(&answers);
    let scripted = Path::new(env!("CARGO_TARGET_TMPDIR")).join("scripted-helper.sh");
    std::fs::write(
        &scripted,
        format!(
            "#!/bin/sh\nread hello\necho \"$hello\"\n\
             while read line && [ \"$line\" != 'webui-editor page-end' ]; do :; done\n\
             echo 'webui-editor page-started'\necho 'webui-editor ready'\n\
             echo '{{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"getInfo\"}}'\n\
             echo '{{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"requestResize\",\
             \"params\":{{\"width\":800,\"height\":500}}}}'\n\
             exec cat > '{}'\n",
            answers.display()
        ),
    )
    .unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&scripted)
        .status()
        .unwrap();
    let mut host = Host::new(&install("editor-scripted", &scripted));
    open_editor(&mut host, window);
    host.run_for(Duration::from_millis(300));
    assert_eq!(
        host.plugin.record().take_gui_resize_requests(),
        [(800, 500)]
    );
    assert_eq!(host.plugin.gui_size(), Some((800, 500)));
    host.plugin.gui_destroy();
    let answered = std::fs::read_to_string(&answers).unwrap();
    let lines: Vec<&str> = answered.lines().collect();
    assert_eq!(lines.len(), 2, "{answered}");
    assert!(lines[0].contains(r#""transport":"pipe""#), "{answered}");
    assert!(lines[1].contains(r#""accepted":true"#), "{answered}");
    assert!(children_named(std::process::id(), "webstrip-editor").is_empty());
}

/// The host that `a_killed_host_leaves_no_helper` kills: opens the editor, reports the helper's pid,
/// processes on.
#[test]
fn child_host() {
    if !std::env::args().any(|arg| arg == CHILD_ARG) {
        return;
    }
    let clap = PathBuf::from(std::env::var_os("WEBSTRIP_EDITOR_TEST_CLAP").unwrap());
    let mut host = Host::new(&clap);
    let window = ParentWindow::new(0, 0, 720, 420).unwrap();
    open_editor(&mut host, &window);
    let helper = children_named(std::process::id(), "webstrip-editor");
    println!("HELPER {}", helper[0]);
    host.run_for(Duration::from_secs(60));
}
