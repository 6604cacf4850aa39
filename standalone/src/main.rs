//! The Webstrip standalone application: nice-plug's standalone wrapper around the plugin.

fn main() {
    nice_plug::prelude::nice_export_standalone::<webstrip::Webstrip>();
}
