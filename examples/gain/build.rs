fn main() {
    ui_assets::build::plugin("ui/dist");
}
