//! For a plugin's build script ([`plugin`]): embeds its built UI folder into the plugin and sets
//! the plugin library's link settings. Generates
//! `$OUT_DIR/ui_assets.rs` with one `(path, content type, bytes)` entry per file, which
//! [`crate::include_ui!`] turns into the plugin's [`crate::Assets`]. When the folder holds no
//! `index.html` the list is empty, cargo prints a warning, and the serving binaries say how to
//! build the UI.
//!
//! ```ignore
//! // build.rs
//! fn main() {
//!     ui_assets::build::plugin("ui/dist");
//! }
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A toolkit plugin's build script: [`embed`]s `dist` and links the library `-z nodelete`.
/// Hosts and scanners load and unload plugins on worker threads; thread-local destructors of the
/// plugin's threads could then run after the library is unmapped (a crash at thread exit), so the
/// library stays mapped once loaded.
pub fn plugin(dist: impl AsRef<Path>) {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
    embed(dist);
}

/// Embeds `dist` (relative to the crate's manifest directory) and tells cargo when to run again.
pub fn embed(dist: impl AsRef<Path>) {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dist = manifest.join(dist);
    let files = if dist.join("index.html").is_file() {
        println!("cargo:rerun-if-changed={}", dist.display());
        list(&dist)
    } else {
        println!(
            "cargo:warning=no UI embedded: {} is missing (build the UI, e.g. `cargo xtask bundle \
             <package>`, then build again)",
            dist.join("index.html").display()
        );
        // Creating `dist` changes its parent, so the script runs again once the UI is built.
        let parent = dist.parent().unwrap_or(&dist);
        println!("cargo:rerun-if-changed={}", parent.display());
        Vec::new()
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("ui_assets.rs"), generate(&files, &dist)).expect("OUT_DIR is writable");
}

/// The generated expression: `(files, dist folder)`.
fn generate(files: &[(String, PathBuf)], dist: &Path) -> String {
    let mut code = String::from("(&[\n");
    for (url, path) in files {
        let _ = writeln!(
            code,
            "    ({url:?}, {:?}, include_bytes!({:?}).as_slice()),",
            content_type(path),
            path.display().to_string()
        );
    }
    let _ = writeln!(code, "], {:?})", dist.display().to_string());
    code
}

/// Every file below `root` as (URL path, absolute path), sorted by URL path.
fn list(root: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    collect(root, root, &mut files);
    files.sort();
    files
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_nested_files_by_url_path_with_their_types() {
        let root = std::env::temp_dir().join(format!("ui-assets-list-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("assets")).unwrap();
        std::fs::write(root.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(root.join("assets").join("app.JS"), "1").unwrap();
        let files = list(&root);
        let urls: Vec<&str> = files.iter().map(|(url, _)| url.as_str()).collect();
        assert_eq!(urls, ["/assets/app.JS", "/index.html"]);
        assert_eq!(content_type(&files[0].1), "text/javascript; charset=utf-8");
        let code = generate(&files, &root);
        assert!(
            code.contains("(\"/index.html\", \"text/html; charset=utf-8\""),
            "{code}"
        );
        std::fs::remove_dir_all(&root).unwrap();
    }
}
