//! Embeds Webstrip's built UI (`ui/dist`, built by `cargo xtask`) and sets the library's link
//! settings (`-z nodelete`: see `ui_assets::build::plugin`).

fn main() {
    ui_assets::build::plugin("../ui/dist");
}
