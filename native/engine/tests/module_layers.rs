//! The crate's modules depend on each other one way (the crate doc's "Layers"): a module may use
//! the modules below it, never one above. This reads the sources and fails on any cycle among
//! the top-level modules, naming it, so that a shared type added in the wrong place is caught
//! where it is added, not sessions later when two modules can no longer be changed apart. The
//! other crates of the workspace (`rasp-jni`, the `rasp` CLI, `rasp-hyperscan`) are held to the
//! same rule here, by their sources.
//!
//! A dependency is a `crate::<module>` path in a module's non-test code (comments and the
//! `#[cfg(test)] mod tests` that ends a file are left out: tests may use anything), or a
//! `crate::<Name>` the crate root re-exports from a module (`pub use module::{Name, ..}`).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Each crate's sources and its root file (whose `pub use` re-exports count).
fn crates() -> [(PathBuf, &'static str); 4] {
    let native = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("native/")
        .to_path_buf();
    [
        (native.join("engine/src"), "lib.rs"),
        (native.join("jni/src"), "lib.rs"),
        (native.join("cli/src"), "main.rs"),
        (native.join("hyperscan/src"), "lib.rs"),
    ]
}

/// Every top-level module with its files: `a.rs`, and everything under `a/`.
fn modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        if path.is_dir() {
            let mut files = Vec::new();
            rust_files(&path, &mut files);
            out.entry(stem).or_default().extend(files);
        } else if path.extension().is_some_and(|e| e == "rs") && stem != "lib" && stem != "main" {
            out.entry(stem).or_default().push(path);
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a module directory is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its trailing test module and without comment lines.
fn code(text: &str) -> String {
    let body = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    body.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The names after each `crate::` in `code`.
fn crate_paths(code: &str) -> Vec<&str> {
    code.match_indices("crate::")
        .map(|(at, prefix)| {
            let rest = &code[at + prefix.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// `Name -> module` for the crate root's `pub use module::{A, B}` and `pub use module::A`.
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for item in lib.split(';') {
        let Some((_, path)) = item.split_once("pub use ") else {
            continue;
        };
        let Some((module, names)) = path.split_once("::") else {
            continue;
        };
        let names = names.trim().trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            let name = name.rsplit("::").next().unwrap_or(name);
            out.insert(name.to_string(), module.trim().to_string());
        }
    }
    out
}

fn graph(src: &Path, root: &str) -> Graph {
    let modules = modules(src);
    let lib = fs::read_to_string(src.join(root)).expect("the crate root");
    let reexports = root_reexports(&lib);
    let mut graph = Graph::new();
    for (module, files) in &modules {
        let uses = graph.entry(module.clone()).or_default();
        for file in files {
            let text = fs::read_to_string(file).expect("a source file");
            for name in crate_paths(&code(&text)) {
                let target = if modules.contains_key(name) {
                    Some(name.to_string())
                } else {
                    reexports.get(name).cloned()
                };
                if let Some(target) = target.filter(|t| t != module) {
                    uses.insert(target);
                }
            }
        }
    }
    graph
}

/// A cycle through `graph`, as the modules along it, if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    fn visit(
        graph: &Graph,
        node: &str,
        marks: &mut BTreeMap<String, Mark>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        marks.insert(node.to_string(), Mark::OnPath);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            match marks.get(next).copied().unwrap_or(Mark::New) {
                Mark::OnPath => {
                    let from = path.iter().position(|m| m == next).expect("on the path");
                    let mut cycle = path[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                Mark::New => {
                    if let Some(cycle) = visit(graph, next, marks, path) {
                        return Some(cycle);
                    }
                }
                Mark::Done => {}
            }
        }
        path.pop();
        marks.insert(node.to_string(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if marks.get(node).copied().unwrap_or(Mark::New) == Mark::New {
            if let Some(cycle) = visit(graph, node, &mut marks, &mut Vec::new()) {
                return Some(cycle);
            }
        }
    }
    None
}

#[test]
fn top_level_modules_depend_on_each_other_one_way() {
    for (src, root) in crates() {
        let graph = graph(&src, root);
        assert!(
            graph.len() > 3,
            "the sources of {} were found: {graph:?}",
            src.display()
        );
        if let Some(cycle) = find_cycle(&graph) {
            panic!(
                "modules of {} import each other in a circle: {} (move the shared type down; \
                 see rasp-engine's crate doc, Layers)",
                src.display(),
                cycle.join(" -> ")
            );
        }
    }
}

#[test]
fn the_layers_the_crate_doc_names_hold() {
    let [(src, root), ..] = crates();
    let graph = graph(&src, root);
    let uses = |a: &str, b: &str| graph.get(a).is_some_and(|u| u.contains(b));
    // The circle the first release had (engine, config, rules, decision), and the context
    // keeping a rules type: each of these is a way back up.
    for (lower, upper) in [
        ("rules", "engine"),
        ("rules", "config"),
        ("context", "rules"),
        ("context", "engine"),
        ("verdict", "config"),
        ("net", "context"),
    ] {
        assert!(!uses(lower, upper), "{lower} uses {upper}");
    }
    for (upper, lower) in [
        ("engine", "rules"),
        ("config", "rules"),
        ("rules", "context"),
    ] {
        assert!(uses(upper, lower), "the reader sees {upper} using {lower}");
    }
}

#[test]
fn the_reader_finds_a_planted_cycle() {
    let mut graph = Graph::new();
    graph.entry("a".into()).or_default().insert("b".into());
    graph.entry("b".into()).or_default().insert("c".into());
    graph.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    graph.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&graph), None);
    assert_eq!(
        crate_paths("use crate::rules::eval; x = crate::Engine::new();"),
        ["rules", "Engine"]
    );
    assert_eq!(
        code("use crate::a;\n// crate::b\n#[cfg(test)]\nmod tests {\n use crate::c;\n}\n"),
        "use crate::a;"
    );
    let reexports =
        root_reexports("pub use config::EngineConfig;\npub use verdict::{Action, Mode};");
    assert_eq!(reexports.get("Mode").map(String::as_str), Some("verdict"));
    assert_eq!(
        reexports.get("EngineConfig").map(String::as_str),
        Some("config")
    );
}
