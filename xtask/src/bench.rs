//! `cargo xtask bench`: runs the criterion benchmarks and prints one table of the results.

use std::path::Path;

use anyhow::{Context, Result};

use crate::{cmd, deps};

/// Frames per block in the `stereo_512` group of `plugin/benches/process.rs`.
const BLOCK_FRAMES: f64 = 512.0;

/// Packages with benchmarks, and their folders. Every `benches/*.rs` file is a bench target.
const PACKAGES: [(&str, &str); 4] = [
    ("webstrip", "plugin"),
    ("bridge", "bridge"),
    ("bridge-ws", "bridge-ws"),
    ("webstrip-standalone", "standalone"),
];

/// Runs the benchmarks of every crate that has some, then prints the table.
pub fn bench(args: &[String]) -> Result<()> {
    deps::ensure_build()?;
    for (package, dir) in PACKAGES {
        for bench in bench_targets(&Path::new(dir).join("benches"))? {
            cmd::run(cmd::cargo(["bench", "-p", package, "--bench", &bench, "--"]).args(args))?;
        }
    }
    print_table(&cmd::target_dir().join("criterion"))
}

/// The bench targets in `dir`: one per `*.rs` file (criterion harnesses).
fn bench_targets(dir: &Path) -> Result<Vec<String>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if let Some(stem) = path
            .file_stem()
            .filter(|_| path.extension() == Some("rs".as_ref()))
        {
            names.push(stem.to_string_lossy().into_owned());
        }
    }
    names.sort();
    Ok(names)
}

fn print_table(root: &Path) -> Result<()> {
    let mut rows = Vec::new();
    collect(root, root, &mut rows)?;
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let copy = rows
        .iter()
        .find(|(name, _)| name == "stereo_512/plain_copy")
        .map(|(_, ns)| *ns);
    println!(
        "\n{:<58} {:>12} {:>12} {:>10}",
        "benchmark", "mean", "ns/frame", "× copy"
    );
    for (name, ns) in &rows {
        let (per_frame, ratio) = if name.starts_with("stereo_512/") {
            (
                format!("{:.3}", ns / BLOCK_FRAMES),
                copy.map_or(String::new(), |c| format!("{:.1}", ns / c)),
            )
        } else {
            (String::new(), String::new())
        };
        println!("{name:<58} {:>12} {per_frame:>12} {ratio:>10}", human(*ns));
    }
    Ok(())
}

/// Finds every `<bench>/new/estimates.json` below `dir`.
fn collect(root: &Path, dir: &Path, rows: &mut Vec<(String, f64)>) -> Result<()> {
    let estimates = dir.join("new").join("estimates.json");
    if estimates.is_file() {
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&estimates)?)?;
        let mean = json["mean"]["point_estimate"]
            .as_f64()
            .with_context(|| format!("no mean in {}", estimates.display()))?;
        let name = dir.strip_prefix(root)?.to_string_lossy().into_owned();
        rows.push((name, mean));
        return Ok(());
    }
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() && path.file_name().is_some_and(|n| n != "report") {
            collect(root, &path, rows)?;
        }
    }
    Ok(())
}

fn human(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}
