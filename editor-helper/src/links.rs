//! Where the page may go. The webview stays on the origin it started on (the embedded UI's
//! `webui://localhost`, or the dev server's): only a page from there gets the native IPC, so a
//! navigation anywhere else is refused, and only that origin's messages are relayed. Links to the
//! loopback web pages the UI offers (the instance's browser server, the dev server's page) open in
//! the user's browser (`xdg-open`) instead, as "Open in browser" promises.

use std::process::{Command, Stdio};

/// `scheme://host[:port]` of `url`, lower-cased; `None` for a URL without an authority
/// (`about:blank`, `data:…`).
pub fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if scheme.is_empty() || authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{scheme}://{authority}").to_ascii_lowercase())
}

/// Whether the webview may show `url`: a page of `home`'s origin.
pub fn may_navigate(home: &str, url: &str) -> bool {
    origin(url).is_some_and(|target| Some(target) == origin(home))
}

/// Whether `url` is one of the links the page offers to open outside: an `http://` page on the
/// loopback host (the browser server, the dev server).
pub fn opens_outside(url: &str) -> bool {
    let Some(origin) = origin(url) else {
        return false;
    };
    let Some(authority) = origin.strip_prefix("http://") else {
        return false;
    };
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Opens `url` in the user's browser when it [`opens_outside`]; otherwise (or when `xdg-open` is
/// missing) says why on stderr. Never waits for the browser.
pub fn open_outside(url: &str) {
    if !opens_outside(url) {
        eprintln!("webui-editor: not opening {url:?}: only http:// pages on this machine open");
        return;
    }
    match Command::new("xdg-open")
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
    {
        // Reaped on a thread of its own: xdg-open returns once the browser has the URL.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(err) => eprintln!(
            "webui-editor: cannot open {url:?} in a browser: xdg-open: {err} (install \
             xdg-utils, or copy the address)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOME: &str = "webui://localhost/index.html";

    #[test]
    fn origins() {
        assert_eq!(origin(HOME).as_deref(), Some("webui://localhost"));
        assert_eq!(
            origin("http://LOCALHOST:5173/?ws=x#y").as_deref(),
            Some("http://localhost:5173")
        );
        for none in [
            "about:blank",
            "data:text/html,x",
            "",
            "http://",
            "http://u@host/",
        ] {
            assert_eq!(origin(none), None, "{none:?}");
        }
    }

    #[test]
    fn the_page_stays_on_its_origin() {
        assert!(may_navigate(HOME, "webui://localhost/index.html"));
        assert!(may_navigate(HOME, "webui://localhost/other.html?x"));
        let dev = "http://localhost:5173/";
        assert!(may_navigate(dev, "http://localhost:5173/?reload"));
        for elsewhere in [
            "http://localhost:5174/",
            "http://127.0.0.1:5173/",
            "https://example.com/",
            "webui://evil/index.html",
            "about:blank",
            "javascript:alert(1)",
        ] {
            assert!(!may_navigate(dev, elsewhere), "{elsewhere}");
            assert!(!may_navigate(HOME, elsewhere), "{elsewhere}");
        }
    }

    #[test]
    fn only_loopback_web_pages_open_outside() {
        for url in [
            "http://127.0.0.1:43121/?token=00ff",
            "http://localhost:5173/?ws=ws://127.0.0.1:1/ws&token=00",
            "http://[::1]:8080/",
        ] {
            assert!(opens_outside(url), "{url}");
        }
        for url in [
            "https://example.com/",
            "http://example.com/",
            "http://10.0.0.1/",
            "file:///etc/passwd",
            "webui://localhost/index.html",
            "javascript:alert(1)",
            "http://user@127.0.0.1/",
        ] {
            assert!(!opens_outside(url), "{url}");
        }
    }
}
