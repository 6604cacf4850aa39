//! The UI's Vite dev server, for UI development inside a DAW: `WEBUI_DEV_URL` names it.
//!
//! - The editor helper's webview opens it instead of the embedded UI ([`start_url`]; hot reload,
//!   still on the native IPC).
//! - The in-host browser server offers the same dev server's page pointed at itself
//!   ([`browser_page`]), so a browser gets hot reload against the instance too.
//!
//! Only `http://` on the loopback host is accepted: a page from anywhere else would get native
//! control of the plugin.

/// The environment variable naming the dev server, e.g. `http://localhost:5173`.
pub const UI_URL_VAR: &str = "WEBUI_DEV_URL";

/// The URL to open for `dev_url` (the variable's value, if set), and a warning when it was refused.
pub fn start_url(dev_url: Option<&str>, embedded: &str) -> (String, Option<String>) {
    match dev_url.map(str::trim).filter(|url| !url.is_empty()) {
        None => (embedded.to_owned(), None),
        Some(url) if is_loopback_http(url) => (url.to_owned(), None),
        Some(url) => (
            embedded.to_owned(),
            Some(format!(
                "{UI_URL_VAR}={url:?} refused: only http:// URLs on localhost, 127.0.0.1 or [::1] \
                 are loaded; showing the embedded UI"
            )),
        ),
    }
}

/// The dev server's page driving the browser server at `ws_url` with `token`
/// (`http://localhost:5173/?ws=ws://127.0.0.1:PORT/ws&token=…`), when `dev_url` (the variable's
/// value) names an accepted dev server; its path is kept, its query and fragment dropped.
pub fn browser_page(dev_url: Option<&str>, ws_url: &str, token: &str) -> Option<String> {
    let url = dev_url.map(str::trim).filter(|url| is_loopback_http(url))?;
    let base = url.split(['?', '#']).next().unwrap_or(url);
    let slash = if base.ends_with('/') { "" } else { "/" };
    Some(format!("{base}{slash}?ws={ws_url}&token={token}"))
}

/// The browser `Origin` of the pages `dev_url` (the variable's value) serves, e.g.
/// `http://localhost:5174` for `http://LOCALHOST:5174/app/`, when it names an accepted dev server:
/// the in-host browser server lets that origin in, whatever port Vite ended up on.
pub fn origin(dev_url: Option<&str>) -> Option<String> {
    let url = dev_url.map(str::trim).filter(|url| is_loopback_http(url))?;
    let authority = url["http://".len()..]
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    Some(format!("http://{}", authority.to_ascii_lowercase()))
}

/// `http://` with a loopback host (and optional port and path).
fn is_loopback_http(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((host, after)) if after.is_empty() || after.starts_with(':') => host,
            _ => return false,
        },
        None => authority.split(':').next().unwrap_or_default(),
    };
    let port_ok = match authority
        .rsplit_once(']')
        .map_or(authority, |(_, p)| p)
        .rsplit_once(':')
    {
        Some((_, port)) => port.parse::<u16>().is_ok(),
        None => true,
    };
    port_ok
        && (host.eq_ignore_ascii_case("localhost")
            || host == "::1"
            || host
                .parse::<std::net::Ipv4Addr>()
                .is_ok_and(|ip| ip.is_loopback()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMBEDDED: &str = "webui://localhost/index.html";

    #[test]
    fn without_the_variable_the_embedded_ui_opens() {
        assert_eq!(start_url(None, EMBEDDED), (EMBEDDED.to_owned(), None));
        assert_eq!(start_url(Some("  "), EMBEDDED), (EMBEDDED.to_owned(), None));
    }

    #[test]
    fn loopback_dev_servers_are_loaded() {
        for url in [
            "http://localhost:5173",
            "http://localhost:5173/",
            "http://127.0.0.1:5173/?ws=x",
            "http://127.1.2.3",
            "http://[::1]:5173/index.html",
            "http://LOCALHOST:5173",
        ] {
            assert_eq!(
                start_url(Some(url), EMBEDDED),
                (url.to_owned(), None),
                "{url}"
            );
        }
    }

    #[test]
    fn the_browser_page_points_the_dev_server_at_the_bridge() {
        let ws = "ws://127.0.0.1:43121/ws";
        let page = |dev| browser_page(dev, ws, "00ff");
        let expected = "http://localhost:5173/?ws=ws://127.0.0.1:43121/ws&token=00ff";
        assert_eq!(
            page(Some("http://localhost:5173")).as_deref(),
            Some(expected)
        );
        assert_eq!(
            page(Some(" http://localhost:5173/ ")).as_deref(),
            Some(expected)
        );
        assert_eq!(
            page(Some("http://127.0.0.1:5173/app/?ws=old#x")).as_deref(),
            Some("http://127.0.0.1:5173/app/?ws=ws://127.0.0.1:43121/ws&token=00ff")
        );
        for refused in [
            None,
            Some(""),
            Some("http://example.com:5173"),
            Some("https://localhost"),
        ] {
            assert_eq!(page(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn the_origin_of_an_accepted_dev_server() {
        for (url, expected) in [
            ("http://localhost:5173", "http://localhost:5173"),
            (" http://LOCALHOST:5174/app/?x#y ", "http://localhost:5174"),
            ("http://127.0.0.1", "http://127.0.0.1"),
            ("http://[::1]:3000/", "http://[::1]:3000"),
        ] {
            assert_eq!(origin(Some(url)).as_deref(), Some(expected), "{url}");
        }
        for refused in [
            None,
            Some("http://example.com:5173"),
            Some("https://localhost"),
        ] {
            assert_eq!(origin(refused), None, "{refused:?}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_a_warning() {
        for url in [
            "https://localhost:5173",
            "http://example.com:5173",
            "http://localhost.example.com",
            "http://user@localhost:5173",
            "http://10.0.0.1:5173",
            "http://localhost:notaport",
            "http://[::2]:5173",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            let (opened, warning) = start_url(Some(url), EMBEDDED);
            assert_eq!(opened, EMBEDDED, "{url}");
            assert!(warning.is_some_and(|w| w.contains(UI_URL_VAR)), "{url}");
        }
    }
}
