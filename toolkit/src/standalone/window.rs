//! Whether the app can show its editor window: an X display that answers, and the editor helper.

use std::net::{TcpStream, ToSocketAddrs};
use std::os::unix::net::UnixStream;
use std::time::Duration;

/// How long a TCP display may take to accept a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);

/// `Ok` when the editor window can open; else why not, for a warning.
pub fn usable() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Err("the editor window exists on Linux (X11) only".into());
    }
    display_usable()?;
    #[cfg(target_os = "linux")]
    crate::editor::locate_helper()?;
    Ok(())
}

/// Whether the X display named by `$DISPLAY` accepts a connection: `:N` / `unix:N` on its Unix
/// socket (the file `/tmp/.X11-unix/XN`, else the abstract one), `host:N` on TCP port 6000 + N.
/// The editor is an X11 client (under Wayland it needs Xwayland's `$DISPLAY`).
pub fn display_usable() -> Result<(), String> {
    let display = std::env::var("DISPLAY")
        .ok()
        .filter(|d| !d.is_empty())
        .ok_or("no display ($DISPLAY is not set)")?;
    let unreachable =
        |e: std::io::Error| format!("the display $DISPLAY={display} does not answer ({e})");
    let (host, rest) = display
        .rsplit_once(':')
        .ok_or_else(|| format!("$DISPLAY={display} is not an X display name"))?;
    let number: u16 = rest
        .split('.')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| format!("$DISPLAY={display} is not an X display name"))?;
    if host.is_empty() || host == "unix" {
        let path = format!("/tmp/.X11-unix/X{number}");
        match UnixStream::connect(&path) {
            Ok(_) => Ok(()),
            #[cfg(target_os = "linux")]
            Err(e) => {
                use std::os::linux::net::SocketAddrExt;
                let name = std::os::unix::net::SocketAddr::from_abstract_name(path.as_bytes())
                    .map_err(unreachable)?;
                UnixStream::connect_addr(&name)
                    .map(drop)
                    .map_err(|_| unreachable(e))
            }
            #[cfg(not(target_os = "linux"))]
            Err(e) => Err(unreachable(e)),
        }
    } else {
        let port = 6000u16
            .checked_add(number)
            .ok_or_else(|| format!("$DISPLAY={display} is not an X display name"))?;
        let address = (host, port)
            .to_socket_addrs()
            .map_err(unreachable)?
            .next()
            .ok_or_else(|| unreachable(std::io::ErrorKind::NotFound.into()))?;
        TcpStream::connect_timeout(&address, CONNECT_TIMEOUT)
            .map(drop)
            .map_err(unreachable)
    }
}
