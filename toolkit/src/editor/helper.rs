//! The Linux editor: the helper process (`editor-helper/`) that shows the web UI as an X11 child
//! of the host's window (or, for the standalone app, in a top-level window of its own), and the
//! pump between it and the bridge.
//!
//! The helper is one generic program; each plugin has its own copy beside its binary, named after
//! it (`Gain.clap` → `gain-editor`, `ui_assets::helper_pipe::helper_file_name`), so plugins in
//! one folder never share one. It holds no UI: after a version handshake (a helper of another
//! build is refused) the plugin sends it its page (`helper_pipe::write_page`).
//!
//! The helper's stdin and stdout are one end of a Unix socket pair (writes use `MSG_NOSIGNAL`,
//! so a dead helper is an error here, never a SIGPIPE in the host). One JSON-RPC message per
//! line, relayed to a bridge [`Client`] of transport `pipe`; the helper's first line says its
//! webview exists, and a line of its own says when a page starts loading (a reload voids what the
//! previous page had under way: [`Client::restart`]). Closing our end (or the host window going
//! away) ends the helper.

use std::ffi::{c_ulong, c_void};
use std::io::{BufRead, BufReader, ErrorKind, Write as _};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use bridge::protocol::Transport;
use bridge::{Bridge, Client, ClientOptions, Next, Outgoing};
use ui_assets::helper_pipe::{self, PAGE_STARTED, READY};

use super::handle::Page;

/// Overrides where the helper executable is looked for (tests, development); the value
/// [`NO_HELPER`] turns the native editor off (the bridge's other transports still serve the UI).
pub const HELPER_ENV: &str = "WEBUI_EDITOR_HELPER";
/// The value of [`HELPER_ENV`] that turns the native editor off.
pub const NO_HELPER: &str = "none";
/// How long the helper may take to create its webview.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the helper may take to exit once its pipe closed, before it is killed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(2);

/// Whether `$WEBUI_EDITOR_HELPER` turns the native editor off.
pub fn disabled() -> bool {
    std::env::var_os(HELPER_ENV).is_some_and(|value| value == NO_HELPER)
}

/// A running helper, embedded in one parent window or showing its own.
pub struct Helper {
    child: Child,
    socket: Arc<Socket>,
    stopping: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl Helper {
    /// Starts the helper in `parent` (an X11 window id; `None`: a top-level window of its own) and
    /// connects it to `bridge`; `on_exit` runs (on a pump thread) if the helper ends before
    /// [`Helper`] is dropped. Fails when the helper is missing, cannot run (e.g. no WebKitGTK on
    /// the machine, no display) or does not show its webview in time.
    pub fn start(
        bridge: &Bridge,
        parent: Option<c_ulong>,
        page: &Page,
        on_exit: Box<dyn Fn() + Send>,
    ) -> Result<Self, String> {
        let path = locate()?;
        let (mut child, ours, reader) = launch(&path, parent, page)?;
        let Some(client) = bridge.connect(ClientOptions {
            transport: Transport::Pipe,
            editor_page: true,
            waker: None,
        }) else {
            let _ = ours.shutdown(std::net::Shutdown::Both);
            finish(&mut child, EXIT_TIMEOUT);
            return Err("the editor's bridge has shut down".into());
        };
        let client = Arc::new(client);
        let socket = Arc::new(Socket {
            stream: ours,
            write: Mutex::new(()),
        });
        let stopping = Arc::new(AtomicBool::new(false));
        let helper_gone = Arc::new(AtomicBool::new(false));

        let incoming = {
            let (client, socket, stopping, gone) = (
                client.clone(),
                socket.clone(),
                stopping.clone(),
                helper_gone.clone(),
            );
            thread::Builder::new()
                .name("editor-in".into())
                .spawn(move || {
                    pump_in(reader, &client, &socket);
                    gone.store(true, Ordering::SeqCst);
                    if !stopping.load(Ordering::SeqCst) {
                        on_exit();
                    }
                })
        };
        let outgoing = {
            let (client, socket) = (client, socket.clone());
            thread::Builder::new()
                .name("editor-out".into())
                .spawn(move || pump_out(&client, &socket, &helper_gone))
        };
        let mut threads = Vec::new();
        for spawned in [incoming, outgoing] {
            match spawned {
                Ok(handle) => threads.push(handle),
                Err(e) => {
                    let mut helper = Self {
                        child,
                        socket,
                        stopping,
                        threads,
                    };
                    helper.stop();
                    return Err(format!("editor threads: {e}"));
                }
            }
        }
        Ok(Self {
            child,
            socket,
            stopping,
            threads,
        })
    }

    /// Closes the pipe, waits for the helper to exit (killing it after [`EXIT_TIMEOUT`]) and for
    /// the pump threads.
    fn stop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _ = self.socket.stream.shutdown(std::net::Shutdown::Write);
        let status = finish(&mut self.child, EXIT_TIMEOUT);
        // The helper is gone: reads end, writes fail.
        let _ = self.socket.stream.shutdown(std::net::Shutdown::Both);
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
        if let Some(status) = status.filter(|s| !s.success()) {
            nice_plug::nice_warn!("the editor helper ended with {status}");
        }
    }
}

impl Drop for Helper {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts the helper at `path` (in `parent`, or a top-level window of its own), checks that it is
/// of this build (the version handshake), hands it `page` and waits until its webview exists.
/// Returns the process, our end of its pipe and the reader of that end.
fn launch(
    path: &Path,
    parent: Option<c_ulong>,
    page: &Page,
) -> Result<(Child, UnixStream, BufReader<UnixStream>), String> {
    let (ours, theirs) = UnixStream::pair().map_err(|e| format!("editor helper socket: {e}"))?;
    let theirs_out = theirs
        .try_clone()
        .map_err(|e| format!("editor helper socket: {e}"))?;
    let mut command = Command::new(path);
    match parent {
        Some(parent) => {
            command.arg("--parent").arg(parent.to_string());
        }
        // The app's own window: a Ctrl+C in its terminal reaches the app alone, which then
        // closes the window through the pipe.
        None => {
            command.process_group(0);
        }
    }
    command
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .stdout(Stdio::from(OwnedFd::from(theirs_out)))
        .stderr(Stdio::inherit());
    // SAFETY: `close_range` is async-signal-safe. Marking every inherited descriptor
    // close-on-exec keeps the host's own (its X connection, audio devices, …) out of the
    // helper, which would otherwise hold them open.
    unsafe {
        command.pre_exec(|| {
            libc::syscall(
                libc::SYS_close_range,
                3u32,
                u32::MAX,
                libc::CLOSE_RANGE_CLOEXEC,
            );
            Ok(())
        });
    }
    let mut reader = BufReader::new(
        ours.try_clone()
            .map_err(|e| format!("editor helper socket: {e}"))?,
    );
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start the editor helper {}: {e}", path.display()))?;
    // Closes our copies of the helper's ends: its exit is then an end of file here.
    drop(command);

    if let Err(error) = handshake(&mut reader, &ours, page).and_then(|()| wait_ready(&mut reader)) {
        let _ = ours.shutdown(std::net::Shutdown::Both);
        let status = finish(&mut child, Duration::from_millis(200));
        return Err(format!(
            "the editor helper {} did not start: {error}{}",
            path.display(),
            describe(status)
        ));
    }
    let _ = reader.get_ref().set_read_timeout(None);
    Ok((child, ours, reader))
}

/// Our hello, the helper's answer (refused when it is from another build), then the page.
fn handshake(
    reader: &mut BufReader<UnixStream>,
    ours: &UnixStream,
    page: &Page,
) -> Result<(), String> {
    let mut out = SocketWriter(ours);
    writeln!(out, "{}", helper_pipe::hello()).map_err(|e| format!("sending the hello: {e}"))?;
    reader
        .get_ref()
        .set_read_timeout(Some(READY_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut line = Vec::new();
    match reader.read_until(b'\n', &mut line) {
        Ok(0) => return Err("it exited before the version handshake".into()),
        Ok(_) => helper_pipe::check_helper_hello(&String::from_utf8_lossy(&line))?,
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            return Err(format!(
                "no answer to the version handshake after {READY_TIMEOUT:?}"
            ));
        }
        Err(e) => return Err(e.to_string()),
    }
    helper_pipe::write_page(&mut out, &page.window, &page.assets)
        .map_err(|e| format!("sending the page: {e}"))
}

/// Writes to the helper's socket without raising SIGPIPE.
struct SocketWriter<'a>(&'a UnixStream);

impl std::io::Write for SocketWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        send_nosignal(self.0, buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The helper the editor would start, or why there is none: turned off ([`NO_HELPER`]) or missing.
pub fn locate_helper() -> Result<PathBuf, String> {
    if disabled() {
        return Err(format!(
            "the editor helper is turned off ({HELPER_ENV}={NO_HELPER})"
        ));
    }
    let path = locate()?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the editor helper is missing: {HELPER_ENV}={} is not a file",
            path.display()
        ))
    }
}

/// Where the helper is: `$WEBUI_EDITOR_HELPER`, else next to the binary holding this code
/// (`Gain.vst3/Contents/x86_64-linux/`, the directory of `Gain.clap`, or the standalone's
/// executable directory), named after that binary (`gain-editor`).
fn locate() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os(HELPER_ENV) {
        return Ok(PathBuf::from(path));
    }
    let binary = own_binary().ok_or("cannot tell where the plugin binary is")?;
    let stem = binary
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .ok_or("cannot tell where the plugin binary is")?;
    let path = binary
        .parent()
        .map(|dir| dir.join(helper_pipe::helper_file_name(&stem)))
        .ok_or("cannot tell where the plugin binary is")?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "the editor helper is missing: expected {} (or set {HELPER_ENV})",
            path.display()
        ))
    }
}

/// The file this code was loaded from (the plugin `.so`, or the executable it is linked into).
fn own_binary() -> Option<PathBuf> {
    let mut info: libc::Dl_info = unsafe { std::mem::zeroed() };
    let address = own_binary as *const c_void;
    // SAFETY: `dladdr` only reads the loader's tables for an address inside this binary.
    if unsafe { libc::dladdr(address, &mut info) } == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: non-null `dli_fname` is a NUL-terminated path owned by the loader.
    let name = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(name.to_bytes()));
    if !path.as_os_str().as_bytes().contains(&b'/') {
        // The main executable may be reported by its bare name.
        return std::env::current_exe().ok();
    }
    std::fs::canonicalize(&path).ok().or(Some(path))
}

/// Reads the helper's first line.
fn wait_ready(reader: &mut BufReader<UnixStream>) -> Result<(), String> {
    reader
        .get_ref()
        .set_read_timeout(Some(READY_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut line = Vec::new();
    loop {
        line.clear();
        return match reader.read_until(b'\n', &mut line) {
            Ok(0) => Err("it exited".into()),
            // A page may start loading before the helper says it is ready: nothing to void yet.
            Ok(_) if line.trim_ascii_end() == PAGE_STARTED.as_bytes() => continue,
            Ok(_) if line.trim_ascii_end() == READY.as_bytes() => Ok(()),
            Ok(_) => Err(format!(
                "unexpected first line {:?}",
                String::from_utf8_lossy(&line)
            )),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                Err(format!("no webview after {READY_TIMEOUT:?}"))
            }
            Err(e) => Err(e.to_string()),
        };
    }
}

/// Waits up to `timeout` for `child` to exit, then kills it; reaps it either way.
fn finish(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(2)),
            Ok(None) => {
                let _ = child.kill();
                return child.wait().ok();
            }
            Err(_) => return None,
        }
    }
}

/// " (exit status …)" for an error message, with a hint for the usual cause.
fn describe(status: Option<ExitStatus>) -> String {
    match status.and_then(|s| s.code()) {
        Some(127) => " (exit status 127: a shared library is missing; the editor needs \
                      WebKitGTK 4.1, e.g. `apt-get install libwebkit2gtk-4.1-0`)"
            .into(),
        Some(code) => format!(" (exit status {code}; its reason is in the host's log)"),
        None => String::new(),
    }
}

/// Helper → bridge: each line is one message; answers go straight back.
fn pump_in(mut reader: BufReader<UnixStream>, client: &Client, socket: &Socket) {
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let message = line.strip_suffix(b"\n").unwrap_or(&line);
        if message.is_empty() {
            continue;
        }
        if message == PAGE_STARTED.as_bytes() {
            client.restart();
            continue;
        }
        if let Some(answer) = client.handle_bytes(message)
            && socket.send_line(&answer).is_err()
        {
            return;
        }
    }
}

/// Bridge → helper: notifications, meter frames and stream frames (a [`helper_pipe::frame_line`]
/// each), until the bridge closes or the helper is gone.
fn pump_out(client: &Client, socket: &Socket, helper_gone: &AtomicBool) {
    // Reused for every stream frame's line.
    let mut frame = String::new();
    while !helper_gone.load(Ordering::SeqCst) {
        match client.next_timeout(Duration::from_millis(100)) {
            Next::Message(message) => {
                let line = match &message {
                    Outgoing::Text(text) => &**text,
                    Outgoing::Binary(bytes) => {
                        helper_pipe::frame_line(bytes, &mut frame);
                        &frame
                    }
                };
                if socket.send_line(line).is_err() {
                    return;
                }
            }
            Next::Timeout => {}
            Next::Closed => return,
        }
    }
}

/// Our end of the helper's socket.
struct Socket {
    stream: UnixStream,
    /// One writer at a time, so lines never interleave.
    write: Mutex<()>,
}

impl Socket {
    /// Sends `text` and a newline, whole, without raising SIGPIPE.
    fn send_line(&self, text: &str) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
        let _guard = self.write.lock().unwrap_or_else(|p| p.into_inner());
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let sent = send_nosignal(&self.stream, rest)?;
            rest = &rest[sent..];
        }
        Ok(())
    }
}

/// One `send` with `MSG_NOSIGNAL` (a dead helper is an error, never a SIGPIPE in the host),
/// retried when interrupted; returns how many bytes went.
fn send_nosignal(stream: &UnixStream, bytes: &[u8]) -> std::io::Result<usize> {
    loop {
        // SAFETY: sends from a live buffer on a socket we own.
        let sent = unsafe {
            libc::send(
                stream.as_raw_fd(),
                bytes.as_ptr().cast(),
                bytes.len(),
                libc::MSG_NOSIGNAL,
            )
        };
        if sent >= 0 {
            return Ok(sent as usize);
        }
        let error = std::io::Error::last_os_error();
        if error.kind() != ErrorKind::Interrupted {
            return Err(error);
        }
    }
}
