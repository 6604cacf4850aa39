//! Which page the webview opens: the UI embedded in the helper, or — for UI development inside a
//! DAW's editor window — the Vite dev server named by `WEBSTRIP_UI_URL` (hot reload, still on the
//! native IPC). Only `http://` on the loopback host is accepted: a page from anywhere else would
//! get native control of the plugin.

/// The environment variable naming the dev server, e.g. `http://localhost:5173`.
pub const UI_URL_VAR: &str = "WEBSTRIP_UI_URL";

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

    const EMBEDDED: &str = "webstrip://localhost/index.html";

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
