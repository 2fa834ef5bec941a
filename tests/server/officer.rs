//! `boucle serve` and the officer's token: read from BOUCLE_OFFICER_TOKEN or
//! --officer-token-file, never visible in the process list; officer actions logged without it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

const SECRET: &str = "s3cret-officer-token-never-in-argv";

/// A `boucle serve` on a free loopback port, killed on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn spawn(args: &[&str], env_token: Option<&str>) -> Server {
    let mut c = crate::common::command();
    c.args(["serve", "--addr", "127.0.0.1:0", "--data"])
        .arg(crate::common::geodata())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(t) = env_token {
        c.env("BOUCLE_OFFICER_TOKEN", t);
    }
    let mut child = c.spawn().expect("boucle serve starts");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("first line: {line}"))
        .trim_end_matches('/')
        .to_owned();
    // Keep draining stdout so that the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = String::new();
        let _ = out.read_to_string(&mut sink);
    });
    Server { child, addr }
}

/// `GET path` with an optional bearer token: (status, body).
fn http_get(addr: &str, path: &str, token: Option<&str>) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{auth}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let status = text[9..12].parse().unwrap();
    let body = text
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// The process's command line as the process list shows it.
fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap_or_default()
}

fn stderr_of(mut s: Server) -> String {
    let _ = s.child.kill();
    let _ = s.child.wait();
    let mut err = String::new();
    s.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    err
}

#[test]
fn the_token_from_the_environment_is_not_in_the_process_list() {
    let s = spawn(&[], Some(SECRET));
    let cl = cmdline(s.child.id());
    assert!(cl.contains("serve"), "{cl}");
    assert!(!cl.contains(SECRET), "token in argv: {cl}");
    let (st, body) = http_get(&s.addr, "/api/me", Some(SECRET));
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("\"officer\":true"), "{body}");
    let (st, _) = http_get(&s.addr, "/api/flows", Some(SECRET));
    assert_eq!(st, 200);
    assert_eq!(http_get(&s.addr, "/api/me", Some("wrong")).0, 401);
    let err = stderr_of(s);
    assert!(
        err.contains("officer action:")
            && err.contains("GET /api/flows")
            && err.contains("client=127.0.0.1"),
        "{err}"
    );
    assert!(!err.contains(SECRET), "token in the log: {err}");
}

#[test]
fn the_token_from_a_file_is_not_in_the_process_list() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("officer.token");
    std::fs::write(&file, format!("{SECRET}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let s = spawn(&["--officer-token-file", file.to_str().unwrap()], None);
    let cl = cmdline(s.child.id());
    assert!(cl.contains("--officer-token-file"), "{cl}");
    assert!(!cl.contains(SECRET), "token in argv: {cl}");
    let (st, body) = http_get(&s.addr, "/api/me", Some(SECRET));
    assert_eq!(st, 200, "{body}");
    assert!(body.contains("\"officer\":true"), "{body}");
    let err = stderr_of(s);
    assert!(!err.contains("lisible par d'autres"), "{err}");
}

#[test]
fn without_a_token_the_server_is_public_only_and_bad_token_files_are_refused() {
    let s = spawn(&[], None);
    let (st, body) = http_get(&s.addr, "/api/me", None);
    assert_eq!(st, 200);
    assert!(body.contains("\"officer_enabled\":false"), "{body}");
    assert_eq!(http_get(&s.addr, "/api/territory", None).0, 200);
    assert_eq!(http_get(&s.addr, "/api/me", Some(SECRET)).0, 403);
    drop(s);
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.token");
    std::fs::write(&empty, "\n").unwrap();
    for (arg, why) in [
        (empty.to_str().unwrap().to_owned(), "empty"),
        (
            dir.path().join("missing").to_str().unwrap().to_owned(),
            "reading",
        ),
    ] {
        let out = crate::common::command()
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--officer-token-file",
                &arg,
                "--data",
            ])
            .arg(crate::common::geodata())
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(why), "{err}");
    }
}

#[test]
fn the_deprecated_flag_still_works_and_warns() {
    let s = spawn(&["--officer-token", SECRET], None);
    let (st, _) = http_get(&s.addr, "/api/me", Some(SECRET));
    assert_eq!(st, 200);
    let err = stderr_of(s);
    assert!(
        err.contains("déprécié") && err.contains("BOUCLE_OFFICER_TOKEN"),
        "{err}"
    );
}
