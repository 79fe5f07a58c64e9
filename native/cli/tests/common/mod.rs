//! Helpers shared by the end-to-end tests of the `rasp` binary: running it, reading its
//! output, and temporary directories.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub fn rasp(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rasp"))
        .args(args)
        .env_remove("RASP_CORPORA")
        .env_remove("RASP_RULES")
        .output()
        .expect("the rasp binary runs")
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `rasp` and insists that it succeeded: its standard output.
pub fn rasp_ok(args: &[&str]) -> String {
    let out = rasp(args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out)
}

/// Runs `rasp` (with `--json` among `args`) and insists on success and valid JSON.
pub fn rasp_json(args: &[&str]) -> Value {
    serde_json::from_str(&rasp_ok(args)).expect("valid JSON")
}

/// Runs `rasp` and insists that it failed with status `code` (any failure for `None`): its
/// standard error.
pub fn rasp_fails(args: &[&str], code: Option<i32>) -> String {
    let out = rasp(args);
    match code {
        Some(code) => assert_eq!(out.status.code(), Some(code), "{}", stderr(&out)),
        None => assert!(!out.status.success(), "{}", stdout(&out)),
    }
    stderr(&out)
}

/// Asserts that `text` holds every one of `wants`.
pub fn assert_contains_all(text: &str, wants: &[&str]) {
    for want in wants {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

/// A directory under the system temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("rasp-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("create dirs");
        std::fs::write(path, text).expect("write file");
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The directory as a command-line argument.
    pub fn arg(&self) -> &str {
        self.0.to_str().expect("UTF-8 temp path")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
