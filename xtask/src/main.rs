//! `cargo xtask`: the project's automation.
//!
//! - `bundle …`: nice-plug's bundler (`cargo xtask bundle webstrip --release`), then the Linux
//!   editor helper into the bundles.
//! - `run [gain] [ARGS…]`: builds and starts the standalone app (Webstrip's or the example's).
//! - `test`: installs what the tests need, then runs every test of the project.
//! - `bench`: runs the benchmarks and prints a table.

mod bench;
mod cmd;
mod deps;
mod gui;
mod run;
mod test;
mod ui;

use anyhow::{Result, bail};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [gain] [ARGS…]  build and start the standalone app (Webstrip's, or the toolkit example's;
                      ARGS go to the app)
  test            install what the tests need, then run every test
  bench           run the benchmarks and print a table
  bundle PKG …    nice-plug's bundler, e.g. `cargo xtask bundle webstrip --release`";

fn main() {
    if let Err(err) = real_main() {
        eprintln!("xtask: {err:#}");
        std::process::exit(1);
    }
}

fn real_main() -> Result<()> {
    nice_plug_xtask::chdir_workspace_root()?;
    let mut args = std::env::args().skip(1);
    let command = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    match command.as_str() {
        "run" => run::run(&rest),
        "test" => test::test(&rest),
        "bench" => bench::bench(&rest),
        "bundle" | "bundle-universal" | "known-packages" => {
            deps::ensure_build()?;
            let bundle = command == "bundle";
            if bundle {
                // Before the plugin's build: the plugin embeds the UI too (its in-host browser
                // bridge serves it), not only the editor helper.
                ui::ensure_built()?;
            }
            nice_plug_xtask::main_with_args(
                "cargo xtask",
                std::iter::once(command).chain(rest.iter().cloned()),
            )?;
            if bundle {
                gui::bundle_helper(&rest)?;
            }
            Ok(())
        }
        "" | "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown command '{other}'\n\n{USAGE}"),
    }
}
