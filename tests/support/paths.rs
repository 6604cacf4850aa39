//! Where the things under test are: the workspace, the target directory, the bundles, the editor
//! helper.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Webstrip's CLAP plugin id.
pub const PLUGIN_ID: &str = "org.webstrip.webstrip";

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .filter(|dir| dir.join("Cargo.toml").is_file())
        .last()
        .expect("the crate lives in a workspace")
        .to_path_buf()
}

/// The running test binary's profile directory (`<target>/debug` for `<target>/debug/deps/x-…`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary");
    exe.parent()
        .and_then(Path::parent)
        .expect("a test binary lives in <target>/<profile>/deps")
        .to_path_buf()
}

/// Scratch space for tests: `<target>/tmp`, as cargo's `CARGO_TARGET_TMPDIR`.
pub fn tmp_dir() -> PathBuf {
    let dir = profile_dir()
        .parent()
        .expect("the profile directory is in the target directory")
        .join("tmp");
    std::fs::create_dir_all(&dir).expect("create <target>/tmp");
    dir
}

/// The bundle under test: `$WEBSTRIP_CLAP`, else `<workspace>/target/bundled/Webstrip.clap`.
pub fn bundle_path() -> PathBuf {
    let path = std::env::var_os("WEBSTRIP_CLAP")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/bundled/Webstrip.clap"));
    assert!(
        path.is_file(),
        "{} does not exist: run `cargo xtask bundle webstrip --features assert_process_allocs` \
         first (a debug build), or point WEBSTRIP_CLAP at a Webstrip.clap",
        path.display()
    );
    path
}

/// The toolkit's editor helper as cargo builds it (built here, in this test's profile, once per
/// process: a no-op when it is up to date), or `$WEBSTRIP_EDITOR_TEST_HELPER` (e.g. the release
/// build, for numbers).
pub fn helper_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("WEBSTRIP_EDITOR_TEST_HELPER") {
        return PathBuf::from(path);
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            let profile = profile_dir();
            let mut cargo = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
            cargo
                .args(["build", "-p", "webui-editor-helper"])
                .current_dir(workspace_root())
                .env("CARGO_TARGET_DIR", profile.parent().unwrap());
            match profile.file_name().and_then(|name| name.to_str()) {
                Some("debug") => {}
                Some("release") => {
                    cargo.arg("--release");
                }
                Some(other) => {
                    cargo.args(["--profile", other]);
                }
                None => panic!("unexpected test binary path {}", profile.display()),
            }
            let status = cargo.status().expect("run cargo");
            assert!(status.success(), "cargo build -p webui-editor-helper");
            profile.join(ui_assets::helper_pipe::HELPER_BINARY)
        })
        .clone()
}
