//! The binary's command line: config checking and the loopback guard.

use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ari-server"))
}

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ari-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_config_accepts_the_example_file() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../../ari-server.example.toml");
    let out = bin().args(["--check-config", example]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));
}

#[test]
fn check_config_rejects_with_a_precise_message() {
    let path = write(
        "bad.toml",
        "port = 8088\n[websocket]\nqueue_len = \"many\"\n",
    );
    let out = bin().args(["--check-config"]).arg(&path).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("queue_len"),
        "{err}"
    );
    let out = bin()
        .args(["--check-config", "/no/such/file.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn default_credentials_never_listen_beyond_loopback() {
    let out = bin()
        .args(["--bind", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing") && err.contains("asterisk"),
        "{err}"
    );
    let path = write("exposed.toml", "bind = \"0.0.0.0\"\n");
    let out = bin().args(["--check-config"]).arg(&path).output().unwrap();
    assert!(!out.status.success());
}
