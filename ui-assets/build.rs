//! Embeds the built UI (`ui/dist`, or `$WEBSTRIP_UI_DIST`) into the crate: generates
//! `$OUT_DIR/ui_assets.rs` with one `(path, content type, bytes)` entry per file. When the UI was
//! not built, the list is empty and the serving binaries say how to build it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=WEBSTRIP_UI_DIST");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dist = std::env::var_os("WEBSTRIP_UI_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("..").join("ui").join("dist"));

    let mut files = Vec::new();
    if dist.join("index.html").is_file() {
        println!("cargo:rerun-if-changed={}", dist.display());
        collect(&dist, &dist, &mut files);
        files.sort();
    } else {
        // Creating `dist` changes its parent, so the script runs again once the UI is built.
        let parent = dist.parent().unwrap_or(&dist);
        println!("cargo:rerun-if-changed={}", parent.display());
    }

    let mut code = String::from("/// The built UI: (URL path, content type, bytes).\n");
    code.push_str("pub(crate) static FILES: &[(&str, &str, &[u8])] = &[\n");
    for (url, path) in &files {
        let _ = writeln!(
            code,
            "    ({url:?}, {:?}, include_bytes!({:?})),",
            content_type(path),
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("ui_assets.rs"), code).expect("OUT_DIR is writable");
}

/// Every file below `dir` as (URL path from `root`, absolute path).
fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
        } else if let Ok(relative) = path.strip_prefix(root) {
            let url = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .fold(String::new(), |url, part| url + "/" + &part);
            let absolute = path.canonicalize().unwrap_or(path);
            files.push((url, absolute));
        }
    }
}

fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "txt" => "text/plain; charset=utf-8",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}
