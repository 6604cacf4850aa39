fn main() -> std::process::ExitCode {
    webui_toolkit::standalone::main::<gain::Gain>()
}
