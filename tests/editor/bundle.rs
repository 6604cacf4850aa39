//! The plugin binaries in the bundles link neither GTK nor WebKit (the editor helper does): a
//! machine without WebKitGTK still loads the plugin and processes audio.
//!
//! The bundles come from `$WEBSTRIP_CLAP` / `$WEBSTRIP_VST3`, else `<workspace>/target/bundled/`
//! (`cargo xtask bundle webstrip`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn bundled(var: &str, name: &str) -> PathBuf {
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| {
        webstrip_tests::paths::workspace_root()
            .join("target/bundled")
            .join(name)
    });
    assert!(
        path.exists(),
        "{} does not exist: run `cargo xtask bundle webstrip` first, or set {var}",
        path.display()
    );
    path
}

fn assert_no_gui_libraries(binary: &Path) {
    let out = Command::new("ldd").arg(binary).output().expect("ldd");
    assert!(out.status.success(), "ldd {}", binary.display());
    let libraries = String::from_utf8_lossy(&out.stdout);
    let gui: Vec<&str> = libraries
        .lines()
        .filter(|line| {
            let line = line.to_ascii_lowercase();
            [
                "gtk",
                "gdk",
                "webkit",
                "javascriptcore",
                "soup",
                "glib",
                "gobject",
                "x11",
            ]
            .iter()
            .any(|name| line.contains(name))
        })
        .collect();
    assert!(
        gui.is_empty(),
        "{} links GUI libraries: {gui:#?}",
        binary.display()
    );
    eprintln!(
        "{}: {} libraries, none of GTK/WebKit",
        binary.display(),
        libraries.lines().count()
    );
}

#[test]
fn the_plugin_binaries_link_no_gtk_or_webkit() {
    assert_no_gui_libraries(&bundled("WEBSTRIP_CLAP", "Webstrip.clap"));
    let vst3 = bundled("WEBSTRIP_VST3", "Webstrip.vst3");
    let so = std::fs::read_dir(vst3.join("Contents/x86_64-linux"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "so"))
        .expect("the VST3 bundle holds a .so");
    assert_no_gui_libraries(&so);
}
