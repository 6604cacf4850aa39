//! The web UIs: one npm workspace at the repository root (`package.json`, one lock file, one
//! `node_modules`) with the toolkit's UI package (`toolkit-ui/`), Webstrip's editor (`ui/`) and
//! the example plugin's page (`examples/gain/ui/`). Installs the packages, checks and builds the
//! pages (`ui/dist`, `examples/gain/ui/dist`, which the plugins embed at build time), and runs the
//! end-to-end tests in Chromium.

use std::path::Path;
use std::process::Command;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};

use crate::{cmd, deps};

/// Webstrip's editor (its end-to-end tests live there).
const UI: &str = "ui";
/// The toolkit's UI package: every page's sources include it.
const PACKAGE: &str = "toolkit-ui";
/// The pages built into a `dist/` each (`index.html` and `assets/`).
const PAGES: &[&str] = &[UI, "examples/gain/ui"];

/// `npm ARGS` in `dir` (the workspace root is `.`).
fn npm_in(dir: &str, args: &[&str]) -> Command {
    let mut command = Command::new("npm");
    command.args(args).current_dir(dir);
    command
}

fn npm(args: &[&str]) -> Command {
    npm_in(UI, args)
}

/// Node.js and npm on the PATH (Debian's when missing, as root).
fn ensure_node() -> Result<()> {
    let works = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !works {
        deps::ensure(&["nodejs", "npm"])?;
    }
    Ok(())
}

/// `npm ci` at the workspace root when `node_modules` is missing or older than
/// `package-lock.json`.
fn install() -> Result<()> {
    ensure_node()?;
    // A checkout from before the workspace has `ui/`'s own install (npm writes the hidden lock
    // file only at an install's root): it would shadow the root's, and the page would bundle two
    // Reacts.
    let stale = Path::new(UI).join("node_modules");
    if stale.join(".package-lock.json").is_file() {
        eprintln!(
            "xtask: removing {} (the npm workspace installs at the repository root)",
            stale.display()
        );
        std::fs::remove_dir_all(&stale).with_context(|| format!("removing {}", stale.display()))?;
    }
    let stamp = Path::new("node_modules").join(".package-lock.json");
    if newest(Path::new("package-lock.json"))? > modified(&stamp) {
        cmd::run(&mut npm_in(".", &["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// Builds each page's `dist` unless it is newer than every source file of the page, of the
/// toolkit's UI package and of the workspace's configuration.
pub fn ensure_built() -> Result<()> {
    install()?;
    let mut shared = newest(&Path::new(PACKAGE).join("src"))?;
    for file in ["package.json", "package-lock.json", "tsconfig.base.json"] {
        shared = shared.max(newest(Path::new(file))?);
    }
    for page in PAGES {
        let dir = Path::new(page);
        let built = modified(&dir.join("dist").join("index.html"));
        let mut sources = shared.max(newest(&dir.join("src"))?);
        for file in [
            "index.html",
            "package.json",
            "vite.config.ts",
            "tsconfig.json",
        ] {
            sources = sources.max(newest(&dir.join(file))?);
        }
        if sources > built {
            cmd::run(&mut npm_in(page, &["run", "build"]))?;
        }
    }
    Ok(())
}

/// Type check, lint, unit tests and a fresh production build of every member of the workspace.
pub fn check() -> Result<()> {
    install()?;
    for script in ["typecheck", "lint", "test", "build"] {
        cmd::run(&mut npm_in(".", &["run", script]))?;
    }
    Ok(())
}

/// The example plugin's bundle, beside Webstrip's in `target/bundled/` (`cargo xtask test`
/// bundles both).
const EXAMPLE_CLAP: &str = "Gain.clap";
/// The example plugin's page (its end-to-end test lives there).
const EXAMPLE_PAGE: &str = "examples/gain/ui";

/// The end-to-end tests in Debian's Chromium: the page served by the standalone `binary`, then
/// the page served by the browser server of a Webstrip instance (bundle `clap`) inside
/// `clap-test-host run` (built here, in debug), then the example plugin's page served by the
/// browser server of its instance (`Gain.clap` beside `clap`) in the same host. All run; any
/// failing fails.
pub fn e2e(binary: &Path, clap: &Path) -> Result<()> {
    deps::ensure(&["chromium"])?;
    if !binary.is_file() {
        bail!("the standalone binary {} was not built", binary.display());
    }
    let binary = std::fs::canonicalize(binary)?;
    let clap = std::fs::canonicalize(clap)
        .with_context(|| format!("the CLAP bundle {} was not built", clap.display()))?;
    cmd::run(&mut cmd::cargo(["build", "-p", "clap-test-host"]))?;
    let host = std::fs::canonicalize(cmd::target_dir().join("debug").join("clap-test-host"))?;
    let standalone = cmd::run(npm(&["run", "e2e"]).env("WEBSTRIP_BIN", binary));
    let in_host = cmd::run(
        npm(&["run", "e2e:in-host"])
            .env("CLAP_TEST_HOST_BIN", &host)
            .env("WEBSTRIP_CLAP", &clap),
    );
    let example = clap.with_file_name(EXAMPLE_CLAP);
    let example = if example.is_file() {
        cmd::run(
            npm_in(EXAMPLE_PAGE, &["run", "e2e"])
                .env("CLAP_TEST_HOST_BIN", &host)
                .env("GAIN_CLAP", &example),
        )
    } else {
        Err(anyhow::anyhow!(
            "the example plugin's bundle {} was not built (cargo xtask bundle gain)",
            example.display()
        ))
    };
    standalone.and(in_host).and(example)
}

/// The newest modification time of `path` or, for a folder, of anything below it.
fn newest(path: &Path) -> Result<SystemTime> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let mut time = meta.modified()?;
    if meta.is_dir() {
        for entry in std::fs::read_dir(path)? {
            time = time.max(newest(&entry?.path())?);
        }
    }
    Ok(time)
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}
