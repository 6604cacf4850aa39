//! Processes as `/proc` shows them: which helpers a process started, whether one still runs,
//! which TCP ports this process listens on.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;

/// Running (not zombie) children of `parent` whose command name is `name` (at most 15 bytes, as
/// the kernel keeps it). Scans `/proc`, so children started by any of `parent`'s threads count.
pub fn children_named(parent: u32, name: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Some((comm, state, ppid)) = stat(pid) else {
            continue;
        };
        if comm == name && ppid == parent && state != 'Z' {
            found.push(pid);
        }
    }
    found
}

/// Whether `pid` is still running (not gone, not a zombie).
pub fn alive(pid: u32) -> bool {
    stat(pid).is_some_and(|(_, state, _)| state != 'Z')
}

/// Writes an executable stand-in for the editor helper on a machine without WebKitGTK: it prints
/// the dynamic loader's error and exits with 127, as the real helper would.
pub fn write_broken_helper(path: &Path) {
    std::fs::write(
        path,
        "#!/bin/sh\necho 'plugin-editor: error while loading shared libraries: \
         libwebkit2gtk-4.1.so.0: cannot open shared object file' >&2\nexit 127\n",
    )
    .expect("write the broken helper");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// `(comm, state, ppid)` from `/proc/PID/stat` (`pid (comm) state ppid …`; comm may hold spaces
/// and parentheses, so it ends at the last `") "`).
fn stat(pid: u32) -> Option<(String, char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (head, rest) = stat.rsplit_once(") ")?;
    let comm = head.split_once('(')?.1.to_owned();
    let mut fields = rest.split(' ');
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((comm, state, ppid))
}

/// This process's listening TCP sockets: the LISTEN entries of `/proc/self/net/tcp{,6}` whose
/// inodes are sockets among this process's fds (the table lists the whole network namespace),
/// with their local addresses.
pub fn listening_sockets() -> Vec<(u64, SocketAddr)> {
    let ours: Vec<u64> = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|entry| std::fs::read_link(entry.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            target
                .strip_prefix("socket:[")?
                .strip_suffix(']')?
                .parse()
                .ok()
        })
        .collect();
    // `ADDR:PORT` in hex: the address as the kernel's 32-bit words in host byte order.
    let address = |field: &str| -> Option<SocketAddr> {
        let (ip, port) = field.split_once(':')?;
        let words: Vec<[u8; 4]> = (0..ip.len() / 8)
            .map(|at| u32::from_str_radix(&ip[at * 8..at * 8 + 8], 16).map(u32::to_ne_bytes))
            .collect::<Result<_, _>>()
            .ok()?;
        let ip = match words.as_slice() {
            [v4] => IpAddr::V4(Ipv4Addr::from(*v4)),
            [a, b, c, d] => IpAddr::V6(Ipv6Addr::from(
                <[u8; 16]>::try_from([*a, *b, *c, *d].concat()).ok()?,
            )),
            _ => return None,
        };
        Some(SocketAddr::new(ip, u16::from_str_radix(port, 16).ok()?))
    };
    ["/proc/self/net/tcp", "/proc/self/net/tcp6"]
        .iter()
        .flat_map(|table| {
            std::fs::read_to_string(table)
                .unwrap_or_default()
                .lines()
                .skip(1)
                .filter_map(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    // Field 1 is the local address, 3 the state (0A: LISTEN), 9 the inode.
                    if fields.get(3) != Some(&"0A") {
                        return None;
                    }
                    Some((fields.get(9)?.parse().ok()?, address(fields.get(1)?)?))
                })
                .collect::<Vec<_>>()
        })
        .filter(|(inode, _)| ours.contains(inode))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    #[test]
    fn a_child_is_seen_until_it_is_reaped() {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        let me = std::process::id();
        assert_eq!(children_named(me, "sleep"), [child.id()]);
        assert!(alive(child.id()));
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(children_named(me, "sleep").is_empty());
        assert!(!alive(child.id()));
    }

    #[test]
    fn the_broken_helper_fails_like_a_missing_library() {
        let path = std::env::temp_dir().join(format!("broken-helper-{}", std::process::id()));
        write_broken_helper(&path);
        // Another test thread forking while the file was open for writing makes exec fail with
        // ETXTBSY for a moment (the child holds the write descriptor until it execs): retry.
        let mut tries = 0;
        let out = loop {
            match Command::new(&path).output() {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => break other.unwrap(),
            }
        };
        assert_eq!(out.status.code(), Some(127));
        assert!(String::from_utf8_lossy(&out.stderr).contains("libwebkit2gtk-4.1.so.0"));
        std::fs::remove_file(path).unwrap();
    }
}
