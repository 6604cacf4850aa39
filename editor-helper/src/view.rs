//! The webview, GTK's main loop, and the relay between the page and stdin/stdout.

use std::cell::RefCell;
use std::ffi::c_ulong;
use std::io::{BufRead, Write};
use std::num::NonZeroU32;
use std::sync::mpsc;
use std::thread;

use gtk::glib;
use raw_window_handle::{
    HandleError, HasWindowHandle, RawWindowHandle, WindowHandle, XlibWindowHandle,
};
use wry::dpi::{PhysicalPosition, PhysicalSize};
use wry::{NewWindowResponse, PageLoadEvent, Rect, WebView, WebViewBuilder};

use crate::assets;
use crate::layout;
use crate::links;
use crate::parent::{self, ParentEvent};
use ui_assets::dev_server;

use ui_assets::helper_pipe::{self, PAGE_STARTED, READY, Window};

/// What the main loop is told from the other threads.
enum Event {
    /// A line from stdin, for the page.
    Line(String),
    /// Stdin closed: the plugin closed the editor (or is gone).
    StdinClosed,
    /// Something happened to the parent window.
    Parent(ParentEvent),
}

thread_local! {
    /// The webview, owned by the GTK thread.
    static VIEW: RefCell<Option<WebView>> = const { RefCell::new(None) };
}

/// The host's window, as the Xlib handle wry takes (it refuses the Xcb kind).
struct ParentWindow(c_ulong);

impl HasWindowHandle for ParentWindow {
    fn window_handle(&self) -> Result<WindowHandle<'_>, HandleError> {
        let raw = RawWindowHandle::Xlib(XlibWindowHandle::new(self.0));
        // SAFETY: the window is the host's, alive while the helper runs (its end ends the helper).
        Ok(unsafe { WindowHandle::borrow_raw(raw) })
    }
}

/// The version handshake, then the plugin's page (`ui_assets::helper_pipe`): before GTK starts,
/// so a plugin of another build is refused without a display. Our hello goes first either way,
/// so the plugin can say which build it met.
fn receive_page() -> Result<helper_pipe::Page, String> {
    let mut input = std::io::stdin().lock();
    let mut hello = String::new();
    input
        .read_line(&mut hello)
        .map_err(|e| format!("reading the plugin's hello: {e}"))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", helper_pipe::hello())
        .and_then(|()| out.flush())
        .map_err(|e| format!("answering the plugin's hello: {e}"))?;
    helper_pipe::check_plugin_hello(&hello)?;
    helper_pipe::read_page(&mut input)
}

/// Runs the editor until stdin closes, or the parent window goes away (embedded), or the user
/// closes the window (top-level).
pub fn run() -> Result<(), String> {
    let parent_xid = parse_args(std::env::args().skip(1))?;
    let page = receive_page()?;
    let window_spec = page.window.clone();
    assets::set_page(page);
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() {
        // SAFETY: no other thread exists yet. Accelerated compositing costs ~56 MB per editor and
        // buys nothing for this page.
        unsafe { std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1") };
    }
    gtk::gdk::set_allowed_backends("x11");
    gtk::init().map_err(|e| format!("GTK: {e}"))?;

    let context = glib::MainContext::default();
    let post = move |event: Event| context.invoke(move || on_event(event));
    let out = spawn_stdout_writer();
    let page_out = out.clone();
    let dev_url = std::env::var(dev_server::UI_URL_VAR).ok();
    let (url, refused) = dev_server::start_url(dev_url.as_deref(), assets::START_URL);
    if let Some(warning) = refused {
        eprintln!("webui-editor: {warning}");
    }
    let builder = WebViewBuilder::new()
        .with_custom_protocol(assets::SCHEME.into(), |_id, request| {
            assets::respond(&request)
        })
        .with_on_page_load_handler({
            let out = out.clone();
            move |event, _url| {
                if matches!(event, PageLoadEvent::Started) {
                    let _ = out.send(PAGE_STARTED.to_owned());
                }
            }
        })
        .with_navigation_handler({
            let home = url.clone();
            move |target| {
                if links::may_navigate(&home, &target) {
                    return true;
                }
                // A link to one of the loopback pages the UI offers: the user's browser.
                links::open_outside(&target);
                false
            }
        })
        .with_new_window_req_handler(|target, _features| {
            links::open_outside(&target);
            NewWindowResponse::Deny
        })
        .with_ipc_handler({
            let home = url.clone();
            move |request| {
                // Only the page of the origin it started on speaks for the plugin.
                let from = request.uri().to_string();
                if !links::may_navigate(&home, &from) {
                    eprintln!("webui-editor: ignoring a message from {from:?}");
                    return;
                }
                // JSON has no raw line breaks outside strings: replacing them keeps one per line.
                let _ = page_out.send(request.body().replace(['\n', '\r'], " "));
            }
        })
        .with_url(&url)
        .with_background_color((0x12, 0x14, 0x17, 0xff))
        .with_focused(true);

    let mut window = None;
    let webview = match parent_xid {
        Some(parent_xid) => {
            let post_parent = post.clone();
            let parent_id = u32::try_from(parent_xid)
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or_else(|| format!("invalid parent window {parent_xid:#x}"))?;
            let (width, height) = parent::watch(parent_id.get(), move |event| {
                post_parent(Event::Parent(event))
            })?;
            let webview = builder
                .with_bounds(bounds(width, height))
                .build_as_child(&ParentWindow(parent_xid))
                .map_err(|e| format!("webview: {e}"))?;
            focus_on_click(&webview)?;
            webview
        }
        None => {
            use gtk::prelude::*;
            use wry::WebViewBuilderExtUnix;

            let top = window.insert(top_level(&window_spec));
            let webview = builder
                .build_gtk(&*top)
                .map_err(|e| format!("webview: {e}"))?;
            top.show_all();
            webview
        }
    };
    VIEW.with(|view| *view.borrow_mut() = Some(webview));
    layout::start(with_view);
    out.send(READY.to_owned())
        .map_err(|_| "stdout closed".to_owned())?;

    thread::Builder::new()
        .name("stdin".into())
        .spawn(move || {
            for line in std::io::stdin().lock().lines() {
                match line {
                    Ok(line) => post(Event::Line(line)),
                    Err(_) => break,
                }
            }
            post(Event::StdinClosed);
        })
        .map_err(|e| format!("stdin thread: {e}"))?;

    gtk::main();
    teardown();
    drop(window);
    Ok(())
}

/// The window of its own the helper shows without `--parent` (the standalone app's): closing it
/// (the window manager's delete request) or its destruction ends the main loop.
fn top_level(spec: &Window) -> gtk::Window {
    use gtk::prelude::*;

    let side = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let window = gtk::Window::new(gtk::WindowType::Toplevel);
    window.set_title(&spec.title);
    window.set_default_size(side(spec.size.0), side(spec.size.1));
    window.set_size_request(side(spec.min_size.0), side(spec.min_size.1));
    window.set_resizable(true);
    window.connect_delete_event(|_, _| {
        gtk::main_quit();
        glib::Propagation::Stop
    });
    window.connect_destroy(|_| gtk::main_quit());
    window
}

/// Takes the keyboard focus when the page is clicked. An embedded window gets keys only while
/// the pointer is over it otherwise (no XEmbed here): a click gives the X focus to the (native)
/// window that received it, directly — window managers leave windows they do not manage alone.
fn focus_on_click(webview: &WebView) -> Result<(), String> {
    use gtk::prelude::*;
    use wry::WebViewExtUnix;
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{ConnectionExt, InputFocus};

    let (conn, _) = x11rb::connect(None).map_err(|e| format!("X11 connection: {e}"))?;
    webview
        .webview()
        .connect_button_press_event(move |widget, event| {
            let clicked = event
                .window()
                .and_then(|window| window.downcast::<gdkx11::X11Window>().ok());
            if let Some(clicked) = clicked
                && let Ok(xid) = u32::try_from(clicked.xid())
            {
                let _ = conn.set_input_focus(InputFocus::PARENT, xid, event.time());
                let _ = conn.flush();
            }
            widget.grab_focus();
            glib::Propagation::Proceed
        });
    Ok(())
}

/// `[--parent <XID>]` (decimal or 0x-hex); without it the helper opens a top-level window.
fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<c_ulong>, String> {
    let mut parent = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--parent" => {
                let value = args.next().ok_or("--parent needs a window id")?;
                let parsed = match value.strip_prefix("0x") {
                    Some(hex) => c_ulong::from_str_radix(hex, 16),
                    None => value.parse(),
                };
                parent = Some(parsed.map_err(|_| format!("invalid window id '{value}'"))?);
            }
            other => {
                return Err(format!(
                    "unknown argument '{other}' (usage: webui-editor [--parent <XID>])"
                ));
            }
        }
    }
    Ok(parent)
}

/// The whole parent, in physical pixels (logical sizes are scaled on creation but not by
/// `set_bounds`).
fn bounds(width: u32, height: u32) -> Rect {
    Rect {
        position: PhysicalPosition::new(0, 0).into(),
        size: PhysicalSize::new(width.max(1), height.max(1)).into(),
    }
}

/// Runs `f` on the webview, if it exists (GTK thread only).
fn with_view(f: &dyn Fn(&WebView)) {
    VIEW.with(|view| {
        if let Some(view) = view.borrow().as_ref() {
            f(view);
        }
    });
}

/// Runs on the GTK thread.
fn on_event(event: Event) {
    match event {
        Event::Line(text) => VIEW.with(|view| {
            if let Some(view) = view.borrow().as_ref() {
                let script = helper_pipe::frame_script(&text).unwrap_or_else(|| {
                    let literal = serde_json::to_string(&text).unwrap_or_default();
                    format!("window.__webui_receive?.({literal})")
                });
                let _ = view.evaluate_script(&script);
            }
        }),
        Event::Parent(ParentEvent::Resized(width, height)) => VIEW.with(|view| {
            if let Some(view) = view.borrow().as_ref() {
                let _ = view.set_bounds(bounds(width, height));
            }
        }),
        Event::StdinClosed | Event::Parent(ParentEvent::Gone) => gtk::main_quit(),
    }
}

/// Destroys the webview with X errors trapped: its windows may already be gone with the parent,
/// and GDK's default handler would turn the error into an exit with status 1.
fn teardown() {
    gtk::gdk::error_trap_push();
    VIEW.with(|view| drop(view.borrow_mut().take()));
    if let Some(display) = gtk::gdk::Display::default() {
        display.sync();
    }
    gtk::gdk::error_trap_pop_ignored();
}

/// Writes each line sent to it on stdout; the process exits when stdout is gone.
fn spawn_stdout_writer() -> mpsc::Sender<String> {
    let (tx, rx) = mpsc::channel::<String>();
    thread::Builder::new()
        .name("stdout".into())
        .spawn(move || {
            let stdout = std::io::stdout();
            for line in rx {
                let mut out = stdout.lock();
                if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
                    std::process::exit(0);
                }
            }
        })
        .expect("a thread for stdout");
    tx
}
