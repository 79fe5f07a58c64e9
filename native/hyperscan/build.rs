//! Links Hyperscan statically, so the agent's native library runs on hosts without it.
//!
//! Debian's `libhyperscan-dev` ships a position-independent `libhs.a` with a fat runtime (one
//! build per SIMD level, chosen at run time), which is what a `cdylib` loaded into any JVM on
//! any x86-64 CPU needs. (`libvectorscan-dev`'s `libhs.a` is not position-independent and fails
//! to link into a shared library.) Hyperscan is C++, so `libstdc++.a` comes along, linked
//! statically as well; the cdylib's version script keeps all of it local.
//!
//! On other architectures, or with `RASP_HYPERSCAN=off`, nothing is linked and the crate reports
//! `is_linked() == false`: the engine then uses its portable backend.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(hs_linked)");
    println!("cargo::rerun-if-env-changed=RASP_HYPERSCAN");
    println!("cargo::rerun-if-env-changed=RASP_HYPERSCAN_LIB_DIR");
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if arch != "x86_64" || os != "linux" || std::env::var("RASP_HYPERSCAN").as_deref() == Ok("off")
    {
        println!(
            "cargo::warning=Hyperscan is not linked on {arch}-{os}; rules use the portable backend"
        );
        return;
    }
    let lib_dir = std::env::var_os("RASP_HYPERSCAN_LIB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/x86_64-linux-gnu"));
    let libhs = lib_dir.join("libhs.a");
    if !libhs.is_file() {
        panic!(
            "{} not found: install Debian's libhyperscan-dev (scripts/setup does), or set \
             RASP_HYPERSCAN_LIB_DIR to the directory holding libhs.a, or RASP_HYPERSCAN=off to \
             build without Hyperscan",
            libhs.display()
        );
    }
    println!("cargo::rerun-if-changed={}", libhs.display());
    println!("cargo::rustc-link-search=native={}", lib_dir.display());
    println!("cargo::rustc-link-lib=static=hs");
    let stdcpp = static_libstdcpp();
    if let Some(dir) = stdcpp.parent() {
        println!("cargo::rustc-link-search=native={}", dir.display());
    }
    // `-bundle`: the final link step (cdylib, binary, test) links libstdc++.a itself, once.
    println!("cargo::rustc-link-lib=static:-bundle=stdc++");
    println!("cargo::rustc-cfg=hs_linked");
}

/// Where the C++ compiler keeps `libstdc++.a`.
fn static_libstdcpp() -> PathBuf {
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "g++".into());
    let out = Command::new(&cxx)
        .arg("-print-file-name=libstdc++.a")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cxx} to find libstdc++.a: {e}; install g++"));
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !Path::new(&path).is_absolute() || !path.is_file() {
        panic!(
            "{cxx} does not know a static libstdc++.a (got '{}'); install libstdc++-12-dev",
            path.display()
        );
    }
    path
}
