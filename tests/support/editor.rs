//! Fixtures shared by the editor tests: the bundle with its helper installed side by side, a
//! processing CLAP instance, captures of its editor window.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use clap_test_host::{Bundle, Capture, Instance, ParamEvent, ParentWindow};

pub use crate::paths::{PLUGIN_ID, bundle_path as plugin_path, helper_binary};

/// Frames per processed block.
pub const BLOCK: usize = 512;
/// The sample rate the instance runs at.
pub const RATE: f64 = 48_000.0;

/// A directory with `Webstrip.clap` and `helper` (as `webstrip-editor`) side by side.
pub fn install(name: &str, helper: &Path) -> PathBuf {
    let dir = crate::paths::tmp_dir().join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(plugin_path(), dir.join("Webstrip.clap")).unwrap();
    std::fs::copy(helper, dir.join("webstrip-editor")).unwrap();
    dir.join("Webstrip.clap")
}

/// The instance, active and processing.
pub struct Host {
    pub plugin: Instance,
}

impl Host {
    pub fn new(clap: &Path) -> Self {
        let bundle = Bundle::load(clap).expect("load the bundle");
        let mut plugin = bundle.instantiate(PLUGIN_ID).expect("instantiate Webstrip");
        plugin.activate(RATE, 1, BLOCK as u32).unwrap();
        plugin.start_processing().unwrap();
        Self { plugin }
    }

    pub fn id(&mut self, name: &str) -> u32 {
        self.plugin.param_by_name(name).unwrap().id
    }

    /// One block of silence with `events`; main-thread callbacks run around it.
    pub fn block(&mut self, events: &[ParamEvent]) {
        let input = [0.0f32; BLOCK];
        let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
        self.plugin
            .process(&[&input, &input], &mut [&mut left, &mut right], events)
            .unwrap();
        self.plugin.run_main_thread_callbacks();
    }

    /// Processes in real time for `duration` (so the page's requests and the meters flow).
    pub fn run_for(&mut self, duration: Duration) {
        let start = Instant::now();
        let block = Duration::from_secs_f64(BLOCK as f64 / RATE);
        let mut next = start;
        while start.elapsed() < duration {
            self.block(&[]);
            next += block;
            if let Some(wait) = next.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
        }
    }

    /// Processes until `done` holds (checked every block), for at most `timeout`.
    pub fn run_until(
        &mut self,
        timeout: Duration,
        mut done: impl FnMut(&mut Self) -> bool,
    ) -> bool {
        let start = Instant::now();
        while start.elapsed() < timeout {
            if done(self) {
                return true;
            }
            self.run_for(Duration::from_millis(10));
        }
        done(self)
    }
}

/// The editor open in `window`.
pub fn open_editor(host: &mut Host, window: &ParentWindow) {
    host.plugin.gui_create().unwrap();
    host.plugin.gui_set_parent(window).unwrap();
    host.plugin.gui_show().unwrap();
}

/// Waits until the window shows a settled page with text on it (many colours, two captures
/// 300 ms apart alike); returns the capture.
pub fn settled(host: &mut Host, window: &ParentWindow) -> Capture {
    let mut last = window.capture().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        host.run_for(Duration::from_millis(300));
        let now = window.capture().unwrap();
        if now.distinct_colors() > 40 && now.pixels == last.pixels {
            return now;
        }
        assert!(Instant::now() < deadline, "the editor never settled");
        last = now;
    }
}

pub fn differing_pixels(a: &Capture, b: &Capture) -> usize {
    let (mut x0, mut y0, mut x1, mut y1) = (u32::MAX, u32::MAX, 0, 0);
    let mut count = 0;
    for (i, (p, q)) in a.pixels.iter().zip(&b.pixels).enumerate() {
        if p != q {
            let (x, y) = (i as u32 % a.width, i as u32 / a.width);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            count += 1;
        }
    }
    if count > 0 {
        eprintln!("{count} pixels differ within ({x0}, {y0})–({x1}, {y1})");
    }
    count
}

/// Pixels that differ between `a` and `b` in rows `rows` (both captures of one size).
pub fn differing_in_rows(a: &Capture, b: &Capture, rows: std::ops::Range<u32>) -> usize {
    let span = (rows.start * a.width) as usize..(rows.end.min(a.height) * a.width) as usize;
    a.pixels[span.clone()]
        .iter()
        .zip(&b.pixels[span])
        .filter(|(p, q)| p != q)
        .count()
}

/// Clicks the point (`dx`, `dy`) of `window` as a user does (the pointer rests there a moment
/// first), then moves the pointer off the window, so later captures show no hover styles.
pub fn click_in(display: &str, host: &mut Host, window: &ParentWindow, (dx, dy): (i32, i32)) {
    let (x, y) = window.screen_position().unwrap();
    gui_test::xdotool(
        display,
        &["mousemove", &(x + dx).to_string(), &(y + dy).to_string()],
    );
    host.run_for(Duration::from_millis(100));
    gui_test::xdotool(display, &["click", "1"]);
    gui_test::xdotool(display, &["mousemove", "1200", "780"]);
}

/// The centre of `key` (a parameter id, `button:<text>`, `link:<text>`) as the page in the
/// editor of `host` lays it out at `size`, from the helper's layout file.
pub fn page_centre(
    layout: &gui_test::PageLayout,
    host: &mut Host,
    key: &str,
    size: (u32, u32),
) -> (i32, i32) {
    layout.centre(key, size, Duration::from_secs(5), &mut || {
        host.run_for(Duration::from_millis(50))
    })
}
