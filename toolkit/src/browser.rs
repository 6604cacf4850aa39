//! The in-host browser server: the standalone's WebSocket + HTTP server (`bridge-ws`), run by one
//! plugin instance inside a host so that a browser (e.g. the Vite dev server's page, with hot
//! reload) drives the instance that processes the DAW's audio. Opt-in only: started for every
//! instance when the host's environment has [`BRIDGE_ENV`], or by the editor's "Open in browser".
//!
//! Always on loopback, always with a fresh 128-bit token per instance (checked in constant time by
//! `bridge-ws`, as is the browser's `Origin`), one port per instance. The server lives as long as
//! the instance ([`crate::Instance`] drops it): its port closes and its thread ends.

use std::sync::Arc;
use std::time::Duration;

use bridge::protocol::BrowserAddress;
use bridge_ws::{ServerConfig, ServerHandle, StartError};
use ui_assets::dev_server;

use crate::instance::BridgeLease;

/// `WEBUI_BROWSER_PORT=PORT`: start a browser server for every instance; `0` takes any free port.
pub const BRIDGE_ENV: &str = "WEBUI_BROWSER_PORT";

/// With a fixed `PORT`, instances after the first take the next free ports: this many in all.
pub const PORT_RANGE: u16 = 64;

/// How long destroying an instance waits at most for connected browsers to answer the close
/// frame (it runs on the host's main thread; a browser answers within milliseconds).
pub const CLOSE_GRACE: Duration = Duration::from_millis(50);

/// The port [`BRIDGE_ENV`] asks for: `Ok(None)` when unset or empty, an error for anything that
/// is not a port number.
pub fn requested_port(value: Option<&str>) -> Result<Option<u16>, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse::<u16>().map(Some).map_err(|_| {
            format!("{BRIDGE_ENV} must be a port number (0: any free port), not {text:?}")
        }),
    }
}

/// One instance's running browser server.
pub struct BrowserServer {
    address: BrowserAddress,
    // Dropped first: the port closes and the server's thread ends before the lease goes.
    _server: ServerHandle,
    _lease: Arc<BridgeLease>,
}

impl BrowserServer {
    /// Serves `lease`'s bridge and the plugin's UI `assets` on 127.0.0.1: on `port` or the next
    /// free one of [`PORT_RANGE`] ports, or on any free port for `None` / `Some(0)`.
    pub fn start(
        lease: Arc<BridgeLease>,
        port: Option<u16>,
        assets: ui_assets::Assets,
    ) -> Result<Self, String> {
        let token = bridge_ws::random_token()
            .map_err(|err| format!("no random source for the token: {err}"))?;
        let first = port.unwrap_or(0);
        let candidates: Vec<u16> = if first == 0 {
            vec![0]
        } else {
            (0..PORT_RANGE)
                .filter_map(|offset| first.checked_add(offset))
                .collect()
        };
        let dev_url = std::env::var(dev_server::UI_URL_VAR).ok();
        // The dev server's page is a foreign origin to this server: let it in, on whatever port
        // Vite took (Vite's default ones are always in).
        let allowed_origins: Vec<String> =
            dev_server::origin(dev_url.as_deref()).into_iter().collect();
        let mut taken = false;
        for candidate in candidates {
            let config = ServerConfig {
                token: Some(token.clone()),
                close_grace: CLOSE_GRACE,
                allowed_origins: allowed_origins.clone(),
                assets,
                ..ServerConfig::loopback(candidate)
            };
            match bridge_ws::Server::start(lease.bridge().clone(), config) {
                Ok(server) => {
                    let addr = server.local_addr();
                    let ws_url = format!("ws://{addr}{}", bridge_ws::WS_PATH);
                    let address = BrowserAddress {
                        url: format!("http://{addr}/?token={token}"),
                        dev_url: dev_server::browser_page(dev_url.as_deref(), &ws_url, &token),
                    };
                    return Ok(Self {
                        address,
                        _server: server,
                        _lease: lease,
                    });
                }
                Err(StartError::AddrInUse(_)) => taken = true,
                Err(err) => return Err(err.to_string()),
            }
        }
        let last = first.saturating_add(PORT_RANGE - 1);
        Err(if taken {
            format!("ports {first} to {last} on 127.0.0.1 are all in use")
        } else {
            format!("no port to try from {first}")
        })
    }

    /// Where a browser reaches the instance: the served page's address with the token, and the
    /// dev server's page when `WEBUI_DEV_URL` names one.
    pub fn address(&self) -> &BrowserAddress {
        &self.address
    }
}

/// Logs where a browser reaches instance `number` of plugin `name` (on track `track`, when the
/// host named it): `Gain instance 2 on track "Bass": browser server at
/// http://127.0.0.1:PORT/?token=…`, plus the dev server's page when there is one.
pub fn log_address(name: &str, number: u32, track: Option<&str>, address: &BrowserAddress) {
    let on_track = track
        .map(|name| format!(" on track {name:?}"))
        .unwrap_or_default();
    match &address.dev_url {
        None => nice_plug::nice_log!(
            "{name} instance {number}{on_track}: browser server at {}",
            address.url
        ),
        Some(dev_url) => nice_plug::nice_log!(
            "{name} instance {number}{on_track}: browser server at {} (with the UI dev server: \
             {dev_url})",
            address.url
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_is_a_port_or_nothing() {
        assert_eq!(requested_port(None), Ok(None));
        assert_eq!(requested_port(Some("")), Ok(None));
        assert_eq!(requested_port(Some(" 0 ")), Ok(Some(0)));
        assert_eq!(requested_port(Some("9100")), Ok(Some(9100)));
        for bad in ["-1", "65536", "abc", "9100x"] {
            let err = requested_port(Some(bad)).unwrap_err();
            assert!(err.contains(BRIDGE_ENV) && err.contains(bad), "{err}");
        }
    }
}
