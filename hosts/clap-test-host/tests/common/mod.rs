//! What the Webstrip CLAP test files share: where the bundle under test is, and its CLAP id.

use std::path::{Path, PathBuf};

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
