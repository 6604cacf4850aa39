//! Linker settings for the plugin library.

fn main() {
    // Hosts and scanners load and unload plugins on worker threads. Thread-local destructors of
    // the plugin's threads could then run after the library is unmapped (a crash at thread exit),
    // so the library stays mapped once loaded.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-z,nodelete");
    }
}
