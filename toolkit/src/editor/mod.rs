//! The editor: when the host (or the standalone) opens it, it takes a lease on the instance's
//! [`bridge::Bridge`] (started if nothing else runs it, see [`crate::instance`]), forwards
//! nice-plug's callbacks to it, and lets go when the editor closes.
//!
//! - [`handle`]: the open editor session. With a parent window from the host it starts the Linux
//!   editor helper there ([`helper`]: the web UI in a webview of its own process, relayed to a
//!   bridge client over a pipe; the helper gets the plugin's page over that pipe). The
//!   standalone gives none: the helper then shows a top-level window when the app asked for one,
//!   else nothing is drawn.
//! - [`sessions`]: the standalone app's transports and test observers ([`on_open`]).

mod handle;
#[cfg(target_os = "linux")]
mod helper;
mod sessions;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use bridge::{MainThreadRequest, ResizeHandler};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::{NativeSize, PhysicalSize, Size};
use nice_plug::editor::{
    HostCallbacks, HostMainThreadCaller, HostMethods, ParentWindowHandle, ResizeHint, SpawnedEditor,
};
use nice_plug::prelude::TrackInfo;
use ui_assets::helper_pipe::Window;

use crate::WebUi;
use crate::instance::Instance;

pub use handle::{EditorWindow, WebEditorHandle};
#[cfg(target_os = "linux")]
pub use helper::{HELPER_ENV, NO_HELPER, locate_helper};
#[cfg(feature = "standalone")]
pub(crate) use sessions::set_app as sessions_set_app;
pub use sessions::{EditorSession, SessionGuard, on_open};

static STANDALONE_WINDOW: AtomicBool = AtomicBool::new(false);

/// Whether the standalone app's editor shows a window (off by default: headless). Only affects an
/// editor spawned with no parent that does not wait for one, which only nice-plug's standalone
/// wrapper does: on, it starts the helper as a top-level window, and `run_until_closed` also
/// returns when the user closes that window. Call before the standalone wrapper starts.
#[cfg_attr(not(feature = "standalone"), allow(dead_code))]
pub(crate) fn set_standalone_window(on: bool) {
    STANDALONE_WINDOW.store(on, Ordering::Relaxed);
}

/// Why the editor could not open (reported to the host, which logs it).
#[derive(Debug)]
pub struct EditorError(String);

impl fmt::Display for EditorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditorError {}

/// The editor's current size, shared by the editor (`size()`) and its open handle (`set_size`).
#[derive(Clone)]
pub(crate) struct SharedSize(Arc<Mutex<(u32, u32)>>);

impl SharedSize {
    fn get(&self) -> (u32, u32) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn set(&self, width: u32, height: u32) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = (width, height);
    }
}

/// The plugin's editor: one per instance, spawned each time the host opens the GUI.
pub struct Editor<P: WebUi> {
    instance: Arc<Instance<P>>,
    size: SharedSize,
}

impl<P: WebUi> Editor<P> {
    /// The editor of `instance` ([`Instance::editor`]).
    pub(crate) fn new(instance: Arc<Instance<P>>) -> Self {
        Self {
            instance,
            size: SharedSize(Arc::new(Mutex::new(P::EDITOR_SIZE))),
        }
    }
}

impl<P: WebUi> nice_plug::editor::Editor for Editor<P> {
    type Handle = WebEditorHandle;

    fn spawn(
        &self,
        parent: Option<ParentWindowHandle>,
        wait_for_parent: bool,
        _fallback_scale_factor: Option<f64>,
        gui_context: GuiContext,
        host: Option<HostMethods>,
    ) -> Result<SpawnedEditor<Self::Handle>, Box<dyn std::error::Error>> {
        // Hosts give a way to their main thread, where nice-plug wants `GuiContext` calls; the
        // standalone does not need one.
        let host = host.map(HostAccess::new);
        let main_thread = host.clone().map(|host| {
            let request: MainThreadRequest = Box::new(move || host.call_main_thread());
            request
        });
        let lease = self
            .instance
            .lease(Some((gui_context, main_thread)))
            .ok_or_else(|| EditorError("the instance has no bridge".into()))?;
        lease.bridge().set_resize_handler(
            host.clone()
                .map(|host| resize_handler(host, &self.size, P::EDITOR_MIN_SIZE)),
        );
        // Only nice-plug's standalone wrapper spawns with no parent and waits for none.
        let standalone = parent.is_none() && !wait_for_parent && !self.instance.in_host();
        let window = Window {
            title: P::NAME.to_owned(),
            size: P::EDITOR_SIZE,
            min_size: P::EDITOR_MIN_SIZE,
        };
        Ok(handle::spawn(
            lease,
            parent,
            standalone,
            standalone && STANDALONE_WINDOW.load(Ordering::Relaxed),
            handle::Page {
                window,
                assets: P::UI,
            },
            self.size.clone(),
            host,
        )?)
    }

    fn track_info_updated(&self, info: TrackInfo) {
        self.instance.set_track_name(info.name());
    }

    fn size(&self) -> NativeSize<u32> {
        let (width, height) = self.size.get();
        NativeSize::new(width, height)
    }

    fn resize_hint(&self) -> ResizeHint {
        ResizeHint::resizable().with_min_max_physical_size(
            Some(PhysicalSize::new(
                P::EDITOR_MIN_SIZE.0,
                P::EDITOR_MIN_SIZE.1,
            )),
            Some(PhysicalSize::new(
                bridge::MAX_EDITOR_SIDE,
                bridge::MAX_EDITOR_SIDE,
            )),
        )
    }
}

/// The host's callbacks, usable from the threads that relay the page.
struct SendCallbacks(Box<dyn HostCallbacks>);

// SAFETY: nice-plug 0.4.2's wrappers implement `request_resize` thread-safely (CLAP: the host's
// `gui.request_resize`, which CLAP makes thread-safe; VST3: a task posted to the host's run
// loop); `destroyed` is only called on the host's main thread. Calls are serialized by a mutex.
unsafe impl Send for SendCallbacks {}

/// What an open editor may ask of the host: main-thread calls, resizes, and telling it that the
/// editor died. Shared by the bridge, the resize handler and the editor handle.
#[derive(Clone)]
pub(crate) struct HostAccess {
    callbacks: Arc<Mutex<SendCallbacks>>,
    main_thread: Arc<Mutex<Box<dyn HostMainThreadCaller>>>,
}

impl HostAccess {
    fn new(host: HostMethods) -> Self {
        Self {
            callbacks: Arc::new(Mutex::new(SendCallbacks(host.callbacks))),
            main_thread: Arc::new(Mutex::new(host.main_thread_caller)),
        }
    }

    /// Asks the host for a `host_main_thread_callback` soon (any thread).
    pub(crate) fn call_main_thread(&self) {
        self.main_thread
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .call_main_thread();
    }

    fn request_resize(&self, width: u32, height: u32) -> bool {
        let new = Size::Physical(PhysicalSize::new(width, height));
        self.callbacks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .request_resize(new, 1.0)
            .is_ok()
    }

    /// Tells the host that the editor's window is gone (CLAP: `gui.closed(true)`, so the host
    /// destroys the editor and can open it again). Main thread only.
    pub(crate) fn destroyed(&self) {
        self.callbacks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
            .destroyed();
    }
}

/// `requestResize` from the editor's page: asks the host, which then resizes its window (the
/// helper follows) and calls `set_size`.
fn resize_handler(host: HostAccess, size: &SharedSize, min: (u32, u32)) -> ResizeHandler {
    let size = size.clone();
    Box::new(move |width, height| {
        let width = width.max(min.0);
        let height = height.max(min.1);
        let accepted = host.request_resize(width, height);
        if accepted {
            size.set(width, height);
        }
        accepted
    })
}
