//! The pipe's version handshake (`ui_assets::helper_pipe`) with real peers, both ways: the real
//! helper refuses a plugin of another build, and the real bundle refuses a helper of an older
//! build, one that greets as the helpers before the handshake did (its first line was
//! `webui-editor ready`). Either way the error says so.

// Shared with the other editor tests; this one uses a few.
#[allow(dead_code)]
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use clap_test_host::ParentWindow;
use gui_test::Xvfb;
use ui_assets::helper_pipe;

use webstrip_tests::editor::*;
use webstrip_tests::worker;

/// Set in the worker process (below) that hosts the bundle with its log in a file.
#[test]
fn the_helper_refuses_a_plugin_of_another_build() {
    let mut child = Command::new(helper_binary())
        .env_remove("DISPLAY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the helper");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"webui-editor hello 1 0.2.0\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // It says which build it is, so the plugin can tell the user.
    assert_eq!(stdout.lines().next(), Some(helper_pipe::hello().as_str()));
    assert!(
        stderr.contains("refusing to serve a plugin of another build")
            && stderr.contains("webui-editor hello 1 0.2.0"),
        "{stderr}"
    );
}

#[test]
fn the_plugin_refuses_a_helper_of_an_older_build() {
    let log = Path::new(env!("CARGO_TARGET_TMPDIR")).join("handshake-old-helper.log");
    let _ = std::fs::remove_file(&log);
    let mut command = worker::command("worker_old_helper");
    command.env("NICE_LOG", &log);
    worker::run("worker_old_helper", command, String::new);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        logged.contains("is from an older build") && logged.contains(&helper_pipe::hello()),
        "the refusal is logged with both builds: {logged}"
    );
}

/// In the worker (its own process: `NICE_LOG` is read once per process): the bundle with an old
/// helper beside it; opening the editor fails, audio goes on.
#[test]
fn worker_old_helper() {
    if !worker::is_worker("worker_old_helper") {
        return;
    }
    let xvfb = Xvfb::start();
    // SAFETY: this worker process runs this one test, before any thread reads the environment.
    unsafe { std::env::set_var("DISPLAY", &xvfb.display) };
    let old = Path::new(env!("CARGO_TARGET_TMPDIR")).join("old-helper.sh");
    std::fs::write(
        &old,
        "#!/bin/sh\necho 'webstrip-editor ready'\nexec cat > /dev/null\n",
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&old).status().unwrap();
    let window = ParentWindow::new(0, 0, 720, 420).unwrap();
    let mut host = Host::new(&install("editor-old-helper", &old));
    host.plugin.gui_create().unwrap();
    assert!(
        host.plugin.gui_set_parent(&window).is_err(),
        "an old helper must not serve the plugin"
    );
    host.block(&[]);
    host.plugin.gui_destroy();
    drop(host);
    drop(window);
    drop(xvfb);
    println!("{}", worker::DONE);
}
