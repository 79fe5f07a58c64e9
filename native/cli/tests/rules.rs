//! End-to-end tests of `rasp rules compile|check|test` and of `rasp explain` with rules.
//!
//! Most tests use a small rule set of their own (one rule per kind: a SQL sink rule that needs
//! request input, a command rule that always applies, a path input signature), which compiles
//! in well under a second; every error path breaks one thing in it and expects the exact
//! message. The repository's own `rules/` directory is compiled once for the whole file (the
//! portable DFAs take a while in a debug build) and must pass its own examples, stay quiet on
//! the benign corpora, and show up in `rasp explain`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use serde_json::Value;

const RULESET: &str = "name = \"test-set\"\nversion = \"1.2.3\"\n";

const RULES: &str = r#"[[rule]]
id = "sql.policy.test_sleep"
category = "sqli"
scan = "sink"
sinks = ["sql"]
when = "input-overlaps"
severity = "high"
mode = "block"
message = "Request input makes the database sleep"
flags = "i"
patterns = ['''\bsleep\s*\(\s*[0-9]''']

[[rule.match]]
sink = "SELECT * FROM t WHERE id = 1 AND SLEEP(5)"
input = "1 AND SLEEP(5)"

[[rule.pass]]
sink = "SELECT * FROM t WHERE name = 'sleep-mask 2'"
input = "sleep-mask 2"

[[rule]]
id = "cmd.policy.test_nc_exec"
category = "cmdi"
scan = "sink"
sinks = ["cmd"]
when = "always"
severity = "critical"
mode = "block"
message = "netcat runs a program for the connection"
patterns = ['''\bnc\s[^|;&]*\s-e\b''']

[[rule.match]]
argv = ["nc", "-l", "-p", "4444", "-e", "/bin/sh"]

[[rule.pass]]
sink = "nc -z db.internal 5432"

[[rule]]
id = "sig.path.test_dots"
category = "path"
scan = "input"
sinks = ["path"]
severity = "high"
mode = "monitor"
message = "Request input climbs out of its directory"
patterns = ['''\.\.[/\\]''']

[[rule.match]]
sink = "/srv/files/../../etc/passwd"
input = "../../ETC/PASSWD"

[[rule.pass]]
sink = "/srv/files/reports/q1.pdf"
input = "REPORTS/Q1.PDF"
"#;

/// A rules directory with the test set, `rules.toml` made from RULES by `edit`.
fn rules_dir(name: &str, edit: impl FnOnce(&str) -> String) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("ruleset.toml", RULESET);
    dir.write("rules.toml", &edit(RULES));
    dir
}

fn unchanged(s: &str) -> String {
    s.to_string()
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle:?} in the rules"))
}

/// `DIR/rules.toml`, as diagnostics name it.
fn rules_file(dir: &TempDir) -> String {
    dir.path().join("rules.toml").display().to_string()
}

fn path_arg(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// Compiles `dir` into `DIR/out/test.rules` and returns that path.
fn compiled(dir: &TempDir) -> PathBuf {
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("output dir");
    let file = out.join("test.rules");
    rasp_ok(&["rules", "compile", dir.arg(), "-o", path_arg(&file)]);
    file
}

#[test]
fn compile_writes_the_file_atomically_and_one_summary_line() {
    let dir = rules_dir("compile", unchanged);
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).expect("output dir");
    let file = out.join("test.rules");
    std::fs::write(&file, b"an older file").expect("old file");
    let text = rasp_ok(&["rules", "compile", dir.arg(), "-o", path_arg(&file)]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].starts_with("compiled test-set@1.2.3+"), "{text}");
    assert_contains_all(
        lines[0],
        &[
            "3 rules, 3 patterns, ",
            " bytes (",
            "DFA ",
            " ms",
            &format!("-> {}", file.display()),
        ],
    );
    let bytes = std::fs::read(&file).expect("the rule file");
    assert_eq!(&bytes[..8], b"RASPRULS");
    assert!(
        lines[0].contains(&format!("{} bytes", bytes.len())),
        "{text}"
    );
    let left: Vec<String> = std::fs::read_dir(&out)
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec!["test.rules"], "no temporary file is left behind");
}

#[test]
fn compile_speaks_json() {
    let dir = rules_dir("compile-json", unchanged);
    let file = dir.path().join("x.rules");
    let v = rasp_json(&[
        "rules",
        "compile",
        dir.arg(),
        "-o",
        path_arg(&file),
        "--json",
    ]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["rules"], 3);
    assert_eq!(v["patterns"], 3);
    assert!(v["id"]
        .as_str()
        .is_some_and(|id| id.starts_with("test-set@1.2.3+")));
    assert_eq!(v["output"], file.display().to_string());
    assert!(v["dfa_ms"].as_f64().is_some());
    assert_eq!(v["diagnostics"], Value::Array(Vec::new()));
}

#[test]
fn check_validates_a_directory_and_verifies_a_file() {
    let dir = rules_dir("check", unchanged);
    let text = rasp_ok(&["rules", "check", dir.arg()]);
    assert_eq!(
        text,
        format!(
            "ok test-set@1.2.3 (directory {}): 3 rules, 3 patterns (input 1, sink.cmd 1, sink.sql 1), 6 examples\n",
            dir.arg()
        )
    );
    let file = compiled(&dir);
    let text = rasp_ok(&["rules", "check", path_arg(&file)]);
    assert_contains_all(
        &text,
        &[
            "ok test-set@1.2.3+",
            &format!("(file {}): 3 rules, 3 patterns", file.display()),
            "format 2, built by rasp ",
            "sections: meta, ",
            "scans with: ",
        ],
    );
    let v = rasp_json(&["rules", "check", path_arg(&file), "--json"]);
    assert_eq!(v["kind"], "file");
    // The portable sections come last; a file with Hyperscan databases names the part before them.
    let sections: Vec<&str> = v["file"]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let first_dfa = sections.iter().position(|s| s.starts_with("dfa.")).unwrap();
    assert!(
        sections[first_dfa..].iter().all(|s| s.starts_with("dfa.")),
        "{sections:?}"
    );
    if sections.iter().any(|s| s.starts_with("hs.")) {
        let part = v["file"]["hyperscan_part"].as_u64().unwrap();
        assert!(part > 0, "{v}");
        // A file cut after that part loads in the agent with Hyperscan, but a file on disk is meant
        // whole: the CLI says what is missing.
        let bytes = std::fs::read(&file).unwrap();
        let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let cut = file.with_extension("cut.rules");
        std::fs::write(&cut, &bytes[..16 + header_len + part as usize]).unwrap();
        let err = rasp_fails(&["rules", "check", path_arg(&cut)], Some(1));
        assert!(
            err.contains(&format!("the file ends after its Hyperscan part ({part} bytes of body): its dfa sections, which the portable backend scans with, are missing")),
            "{err}"
        );
    } else {
        assert!(v["file"]["hyperscan_part"].is_null(), "{v}");
    }
    assert_eq!(v["patterns"]["sink.sql"], 1);
    assert_eq!(v["examples"], 6);
    assert!(v["file"]["bytes"].as_u64().is_some_and(|n| n > 16));
}

/// Compiles a broken `dir`: exit status 1, nothing written, the diagnostics on stderr.
fn compile_rejected(dir: &TempDir) -> String {
    let file = dir.path().join("never.rules");
    let err = rasp_fails(
        &["rules", "compile", dir.arg(), "-o", path_arg(&file)],
        Some(1),
    );
    assert!(!file.exists(), "a rejected set writes no file");
    err
}

#[test]
fn an_unknown_field_is_named_with_file_line_and_rule() {
    let dir = rules_dir("unknown-field", |s| {
        s.replace(
            "severity = \"high\"\nmode = \"block\"",
            "severity = \"high\"\ncolour = \"red\"\nmode = \"block\"",
        )
    });
    let text = std::fs::read_to_string(dir.path().join("rules.toml")).expect("read back");
    let err = compile_rejected(&dir);
    assert_eq!(
        err,
        format!(
            "{}:{}: rule sql.policy.test_sleep: unknown field `colour` in a rule; expected one of: id, category, scan, sinks, when, severity, mode, message, flags, patterns, match, pass\n",
            rules_file(&dir),
            line_of(&text, "colour")
        )
    );
    // check says the same, and so does --json, as data.
    assert_eq!(rasp_fails(&["rules", "check", dir.arg()], Some(1)), err);
    let out = rasp(&["rules", "check", dir.arg(), "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"][0]["rule"], "sql.policy.test_sleep");
    assert_eq!(v["diagnostics"][0]["text"], err.trim_end());
}

#[test]
fn a_duplicate_id_names_the_first_definition() {
    let dir = rules_dir("duplicate", |s| {
        s.replace(
            "id = \"cmd.policy.test_nc_exec\"",
            "id = \"sql.policy.test_sleep\"",
        )
    });
    let err = compile_rejected(&dir);
    let file = rules_file(&dir);
    assert_eq!(
        err,
        format!(
            "{file}:{}: rule sql.policy.test_sleep: duplicate rule id sql.policy.test_sleep: first defined at {file}:1\n",
            line_of(RULES, "id = \"cmd.policy.test_nc_exec\"") - 1
        )
    );
}

#[test]
fn a_builtin_id_is_refused() {
    let dir = rules_dir("builtin-id", |s| {
        s.replace("sql.policy.test_sleep", "sqli.union")
    });
    let err = compile_rejected(&dir);
    assert_eq!(
        err,
        format!(
            "{}:2: rule sqli.union: rule id sqli.union is a built-in detector id; choose another\n",
            rules_file(&dir)
        )
    );
}

#[test]
fn a_bad_pattern_is_named_with_its_number_and_line() {
    let dir = rules_dir("bad-pattern", |s| {
        s.replace(
            r"patterns = ['''\.\.[/\\]''']",
            r"patterns = ['''\.\.[/\\]''', '''[''']",
        )
    });
    let err = compile_rejected(&dir);
    assert_eq!(
        err,
        format!(
            "{}:{}: rule sig.path.test_dots: pattern 2: regex syntax error at column 1: unclosed character class\n",
            rules_file(&dir),
            line_of(RULES, r"patterns = ['''\.\.[/\\]''']")
        )
    );
}

#[test]
fn forbidden_syntax_is_named_every_time() {
    let dir = rules_dir("forbidden", |s| {
        s.replace(
            r"patterns = ['''\bsleep\s*\(\s*[0-9]''']",
            r"patterns = ['''(?i)\bsleep\s*\(''', '''sleep(?=\()''', '''\bsleep$''', '''(a)\1''']",
        )
    });
    let err = compile_rejected(&dir);
    let at = format!(
        "{}:{}: rule sql.policy.test_sleep: ",
        rules_file(&dir),
        line_of(RULES, r"patterns = ['''\bsleep")
    );
    assert_contains_all(
        &err,
        &[
            &format!("{at}pattern 1: inline flags `(?i)` are not allowed; use the rule's or the pattern's `flags`\n"),
            &format!("{at}pattern 2: lookaround `(?=` is not supported\n"),
            &format!("{at}pattern 3: `$` without the m flag also matches before a final newline in Hyperscan; write \\z, or set the m flag\n"),
            &format!("{at}pattern 4: "),
        ],
    );
    assert_eq!(err.lines().count(), 4, "{err}");
}

#[test]
fn missing_examples_are_required() {
    let dir = rules_dir("no-examples", |s| {
        s.replace("[[rule.pass]]\nsink = \"nc -z db.internal 5432\"\n", "")
    });
    let err = compile_rejected(&dir);
    assert_eq!(
        err,
        format!(
            "{}:{}: rule cmd.policy.test_nc_exec: needs at least one [[rule.pass]] example\n",
            rules_file(&dir),
            line_of(RULES, "id = \"cmd.policy.test_nc_exec\"") - 1
        )
    );
}

#[test]
fn every_problem_is_reported_at_once_in_file_order() {
    let dir = rules_dir("many", |s| {
        s.replace("severity = \"critical\"", "severity = \"urgent\"")
            .replace("mode = \"monitor\"", "mode = \"log\"")
    });
    let err = compile_rejected(&dir);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains("rule cmd.policy.test_nc_exec: `severity` must be one of"),
        "{err}"
    );
    assert!(
        lines[1].contains("rule sig.path.test_dots: `mode` must be one of"),
        "{err}"
    );
}

#[test]
fn a_missing_ruleset_and_a_missing_directory() {
    let dir = TempDir::new("no-ruleset");
    dir.write("rules.toml", RULES);
    let err = compile_rejected(&dir);
    assert_eq!(
        err,
        format!(
            "{}: missing ruleset.toml: it names the rule set (name = \"...\", version = \"...\")\n",
            dir.path().join("ruleset.toml").display()
        )
    );
    let err = rasp_fails(
        &[
            "rules",
            "compile",
            "/nonexistent/rasp-rules",
            "-o",
            "/tmp/never.rules",
        ],
        Some(2),
    );
    assert_eq!(
        err,
        "rasp: cannot read the rules directory '/nonexistent/rasp-rules': it does not exist\n"
    );
    for cmd in ["check", "test"] {
        let err = rasp_fails(&["rules", cmd, "/nonexistent/rasp-rules"], Some(2));
        assert_eq!(
            err,
            "rasp: cannot read the rules '/nonexistent/rasp-rules' (give a rules directory or a compiled rule file): No such file or directory (os error 2)\n"
        );
    }
    let file = dir.path().join("rules.toml");
    let err = rasp_fails(
        &[
            "rules",
            "compile",
            path_arg(&file),
            "-o",
            "/tmp/never.rules",
        ],
        Some(2),
    );
    assert_eq!(
        err,
        format!(
            "rasp: '{}' is not a directory: rasp rules compile takes the rules directory (ruleset.toml and the rule files)\n",
            file.display()
        )
    );
}

#[test]
fn an_unwritable_output_is_an_error_that_leaves_nothing_behind() {
    let dir = rules_dir("unwritable", unchanged);
    let file = dir.path().join("no/such/dir/x.rules");
    let err = rasp_fails(
        &["rules", "compile", dir.arg(), "-o", path_arg(&file)],
        Some(2),
    );
    assert!(
        err.starts_with(&format!(
            "rasp: cannot write the rule file '{}': cannot create '{}/.x.rules.tmp-",
            file.display(),
            dir.path().join("no/such/dir").display()
        )),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with("No such file or directory (os error 2)"),
        "{err}"
    );
    // Output that is a directory: the rename fails, and the temporary file is removed.
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join("taken.rules")).expect("a directory in the way");
    let err = rasp_fails(
        &[
            "rules",
            "compile",
            dir.arg(),
            "-o",
            path_arg(&out.join("taken.rules")),
        ],
        Some(2),
    );
    assert_contains_all(&err, &["cannot write the rule file", "cannot rename"]);
    let left: Vec<_> = std::fs::read_dir(&out).expect("list").collect();
    assert_eq!(left.len(), 1, "only the directory that was in the way");
}

#[test]
fn a_damaged_rule_file_is_rejected_with_the_reason() {
    let dir = rules_dir("damaged", unchanged);
    let file = compiled(&dir);
    let bad_magic = dir.path().join("magic.rules");
    std::fs::write(&bad_magic, b"PK\x03\x04 not a rule file at all").expect("write");
    for cmd in ["check", "test"] {
        let err = rasp_fails(&["rules", cmd, path_arg(&bad_magic)], Some(1));
        assert_eq!(
            err,
            format!(
                "{}: not a rasp rule file (bad magic)\n",
                bad_magic.display()
            )
        );
    }
    let mut bytes = std::fs::read(&file).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    let corrupt = dir.path().join("corrupt.rules");
    std::fs::write(&corrupt, &bytes).expect("write");
    let err = rasp_fails(&["rules", "check", path_arg(&corrupt)], Some(1));
    assert!(
        err.starts_with(&format!(
            "{}: checksum mismatch: the header says sha256:",
            corrupt.display()
        )),
        "{err}"
    );
    assert!(err.contains("(the file is corrupt or was edited)"), "{err}");
    // explain refuses it too, rather than explaining without rules.
    let err = rasp_fails(
        &["explain", "path", "--rules", path_arg(&corrupt), "/srv/x"],
        Some(1),
    );
    assert_contains_all(&err, &["checksum mismatch"]);
    let truncated = dir.path().join("truncated.rules");
    std::fs::write(&truncated, &std::fs::read(&file).expect("read")[..40]).expect("write");
    let err = rasp_fails(&["rules", "check", path_arg(&truncated)], Some(1));
    assert_contains_all(&err, &[&format!("{}: ", truncated.display()), "truncated"]);
}

#[test]
fn an_oversize_rule_file_is_refused_from_its_size() {
    let dir = TempDir::new("oversize");
    let big = dir.path().join("big.rules");
    // Sparse: 64 MiB + 1 on paper, nothing on the disk.
    let f = std::fs::File::create(&big).expect("create");
    f.set_len((64 << 20) + 1).expect("set_len");
    for args in [
        vec!["rules", "check", path_arg(&big)],
        vec!["rules", "test", path_arg(&big)],
        vec!["explain", "path", "--rules", path_arg(&big), "/srv/x"],
    ] {
        let err = rasp_fails(&args, Some(1));
        assert_eq!(
            err,
            format!(
                "{}: the file is 67108865 bytes, more than a rule file may have (67108864 bytes, \
                 the agent's default rasp.rules.max_file_bytes); not read\n",
                big.display()
            ),
            "{args:?}"
        );
    }
}

#[test]
fn rules_test_passes_a_good_set_from_a_directory_and_from_a_file() {
    let dir = rules_dir("test-ok", unchanged);
    let text = rasp_ok(&["rules", "test", dir.arg()]);
    assert!(text.starts_with("ok: test-set@1.2.3+"), "{text}");
    assert_contains_all(&text, &["3 rules, 6 examples, "]);
    let v = rasp_json(&["rules", "test", path_arg(&compiled(&dir)), "--json"]);
    assert_eq!(v["ok"], true);
    assert_eq!(v["examples"], 6);
    let backends = v["backends"].as_array().expect("backends").len();
    assert!(backends >= 1);
    assert_eq!(v["runs"], 6 * backends);
    assert_eq!(v["failures"], Value::Array(Vec::new()));
}

#[test]
fn rules_test_lists_every_failing_example_with_its_line() {
    // The pass example now sleeps; the match example's input no longer reaches the sink.
    let dir = rules_dir("test-fail", |s| {
        s.replace(
            "'sleep-mask 2'\"\ninput = \"sleep-mask 2\"",
            "'x' OR sleep(1)\"\ninput = \"x' OR sleep(1)\"",
        )
        .replace("input = \"1 AND SLEEP(5)\"", "input = \"2 AND SLEEP(5)\"")
    });
    let text = std::fs::read_to_string(dir.path().join("rules.toml")).expect("read back");
    let out = rasp(&["rules", "test", dir.arg(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "rasp rules test: 4 failed example runs (listed above)\n"
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let backends: Vec<String> = v["backends"]
        .as_array()
        .expect("backends")
        .iter()
        .filter_map(|b| b.as_str().map(str::to_string))
        .collect();
    assert!(backends.contains(&"portable".to_string()));
    let failures = v["failures"].as_array().expect("failures");
    assert_eq!(failures.len(), 2 * backends.len());
    let file = rules_file(&dir);
    let match_line = line_of(&text, "[[rule.match]]");
    let pass_line = line_of(&text, "[[rule.pass]]");
    for backend in &backends {
        let texts: Vec<&str> = failures.iter().filter_map(|f| f["text"].as_str()).collect();
        assert!(
            texts.contains(&format!(
                "{file}:{match_line}: rule sql.policy.test_sleep: match example (sql, {backend}): did not fire (no findings at all)"
            ).as_str()),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with(&format!(
                "{file}:{pass_line}: rule sql.policy.test_sleep: pass example (sql, {backend}): fired: a pattern match at bytes"
            ))),
            "{texts:?}"
        );
    }
    // The text form lists the same failures, one per line.
    let out = rasp(&["rules", "test", dir.arg()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("FAIL ")).count(),
        failures.len(),
        "{text}"
    );
    assert!(
        text.lines().last().is_some_and(
            |l| l.starts_with("FAILED (4 failed runs, 0 benign findings): test-set@1.2.3+")
        ),
        "{text}"
    );
}

#[test]
fn rules_test_benign_fails_on_a_rule_that_fires_on_benign_input() {
    let dir = rules_dir("benign", unchanged);
    let corpora = TempDir::new("benign-corpora");
    corpora.write(
        "blns/blns.txt",
        "#\tReserved Strings\n#\n#\tStrings which may be used elsewhere\n\nnull\nsee ../docs/ for more\n\n\
         #\tFile Inclusion\n#\n#\tStrings which can cause user to pull in files\n\n../../../etc/passwd%00\n",
    );
    corpora.write(
        "libinjection/false_positives.txt",
        "#\n# benign\nO%27Brien\nnc+-z+host+-e+x\n",
    );
    let out = rasp(&[
        "rules",
        "test",
        dir.arg(),
        "--benign",
        "--corpora",
        corpora.arg(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert_contains_all(
        &text,
        &[
            // The signature matches the line itself; the attack section is not benign.
            "FAIL benign blns \"see ../docs/ for more\": rule sig.path.test_dots fired (input signature, ",
            // The always rule fires on the line as a command argument.
            "FAIL benign libinjection-fp \"nc -z host -e x\": rule cmd.policy.test_nc_exec fired (cmd sink, ",
            "benign blns: 2 lines, 1 matched by an input signature, 0 fired a rule in a sink",
            "benign libinjection-fp: 2 lines, 0 matched by an input signature, 1 fired a rule in a sink",
        ],
    );
    assert!(!text.contains("etc/passwd"), "{text}");
    assert_contains_all(&stderr(&out), &["rule findings on benign input"]);
}

/// The repository's rules, compiled once for this test binary.
fn repo_rules() -> &'static Path {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
        // In Cargo's scratch directory for tests, under one name: a later run replaces it
        // (atomically, so a concurrent run reads one whole file) instead of piling files up.
        let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("rasp-cli-repo.rules");
        rasp_ok(&["rules", "compile", path_arg(&dir), "-o", path_arg(&file)]);
        file
    })
}

#[test]
fn the_repository_rules_pass_their_own_examples_with_both_backends() {
    let v = rasp_json(&["rules", "test", path_arg(repo_rules()), "--json"]);
    assert_eq!(v["ok"], true, "{v:#}");
    assert!(v["rule_set"]
        .as_str()
        .is_some_and(|id| id.starts_with("rasp-default@")));
    assert!(v["rules"].as_u64().is_some_and(|n| n >= 30), "{v}");
    assert!(v["examples"].as_u64().is_some_and(|n| n >= 150), "{v}");
    let backends = v["backends"].as_array().map(Vec::len).unwrap_or(0);
    assert!(backends >= 1);
    if v["skipped"].as_array().is_some_and(Vec::is_empty) {
        assert_eq!(backends, 2, "both backends ran");
    }
    let text = rasp_ok(&["rules", "check", path_arg(repo_rules())]);
    assert!(text.starts_with("ok rasp-default@"), "{text}");
}

#[test]
fn the_repository_rules_stay_quiet_on_the_benign_corpora() {
    let corpora = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora");
    if !corpora.join("blns/blns.txt").is_file() {
        eprintln!("skipped: no corpora at {}", corpora.display());
        return;
    }
    let v = rasp_json(&[
        "rules",
        "test",
        path_arg(repo_rules()),
        "--benign",
        "--corpora",
        path_arg(&corpora),
        "--json",
    ]);
    assert_eq!(
        v["benign"]["hits"],
        Value::Array(Vec::new()),
        "{:#}",
        v["benign"]
    );
    let sets = v["benign"]["sets"].as_array().expect("corpora");
    assert_eq!(sets.len(), 2);
    assert!(
        sets.iter()
            .all(|s| s["lines"].as_u64().is_some_and(|n| n > 300)),
        "{sets:?}"
    );
}

#[test]
fn explain_shows_a_rule_finding_next_to_the_detector() {
    let text = rasp_ok(&[
        "explain",
        "sql",
        "--rules",
        path_arg(repo_rules()),
        "--dialect",
        "mysql",
        "--input",
        "id=1 AND SLEEP(5)",
        "SELECT * FROM products WHERE id = 1 AND SLEEP(5)",
    ]);
    assert_contains_all(
        &text,
        &[
            "rules:  rasp-default@",
            "config: defaults",
            "sql.policy.time_delay (rule file, high, confidence high): Request input makes the database wait",
            "why:    a pattern match at bytes 40..48 overlaps where input query:id occurs",
            "where:  input [1] at 40..48",
            "verdict: BLOCK (",
        ],
    );
}

#[test]
fn explain_json_is_a_stable_document() {
    let v = rasp_json(&[
        "explain",
        "path",
        "--rules",
        path_arg(repo_rules()),
        "--input",
        "f=../../../root/.ssh/id_rsa",
        "--json",
        "/srv/app/files/../../../root/.ssh/id_rsa",
    ]);
    for key in [
        "op",
        "api",
        "path",
        "segments",
        "engine",
        "inputs",
        "occurrences",
        "findings",
        "verdict",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v:#}");
    }
    assert!(v["engine"]["rule_set"]
        .as_str()
        .is_some_and(|id| id.starts_with("rasp-default@")));
    let finding = v["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule"] == "path.policy.ssh_keys"))
        .unwrap_or_else(|| panic!("the ssh key rule in {:#}", v["findings"]));
    assert_eq!(finding["source"], "rule file");
    assert_eq!(finding["severity"], "critical");
    assert_eq!(finding["confidence"], "high");
    assert_eq!(finding["policy"], "block");
    assert_eq!(finding["action"], "block");
    assert_eq!(finding["excluded_by"], Value::Null);
    assert_eq!(v["verdict"]["action"], "block");
    assert_eq!(v["verdict"]["rule_id"], "path.traversal");
    assert!(v["verdict"]["other_rules"]
        .as_array()
        .is_some_and(|o| o.iter().any(|r| r == "path.policy.ssh_keys")));
}

#[test]
fn explain_applies_modes_and_exclusions_from_config() {
    let dir = rules_dir("explain-config", unchanged);
    let base = [
        "explain",
        "sql",
        "--rules",
        dir.arg(),
        "--input",
        "q=1 AND SLEEP(5)",
        "--json",
    ];
    let statement = "SELECT * FROM t WHERE id = 1 AND SLEEP(5)";
    let run = |extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        args.push(statement);
        rasp_json(&args)
    };
    let rule = |v: &Value| {
        v["findings"]
            .as_array()
            .and_then(|fs| {
                fs.iter()
                    .find(|f| f["rule"] == "sql.policy.test_sleep")
                    .cloned()
            })
            .unwrap_or_else(|| panic!("the rule's finding in {v:#}"))
    };
    let v = run(&[]);
    assert_eq!(rule(&v)["policy"], "block");
    assert_eq!(v["engine"]["config"], Value::Array(Vec::new()));

    let v = run(&["--config", "rules.mode.sql.policy.test_sleep=monitor"]);
    assert_eq!(rule(&v)["policy"], "monitor");
    assert_eq!(rule(&v)["action"], "monitor");
    assert_eq!(
        v["engine"]["config"][0],
        "rules.mode.sql.policy.test_sleep=monitor"
    );

    let v = run(&[
        "--config",
        "exclusion.search.inputs=q",
        "--config",
        "exclusion.search.rules=sql.policy.*",
        "--route",
        "/search",
    ]);
    assert_eq!(rule(&v)["excluded_by"], "search");
    assert_eq!(rule(&v)["action"], "allow");
    assert_eq!(v["engine"]["route"], "/search");

    let text = {
        let mut args: Vec<&str> = base[..base.len() - 1].to_vec();
        args.extend_from_slice(&["--config", "exclusion.search.rules=sql.policy.*", statement]);
        rasp_ok(&args)
    };
    assert_contains_all(
        &text,
        &["policy: block, excluded by exclusion search: allow"],
    );

    let err = rasp_fails(
        &[
            "explain",
            "sql",
            "--rules",
            dir.arg(),
            "--config",
            "rules.mode.sql.policy.nope=off",
            "SELECT 1",
        ],
        Some(2),
    );
    assert_contains_all(
        &err,
        &["rasp: bad --config for these rules: rules.mode.sql.policy.nope names rule 'sql.policy.nope', which is neither built in nor in rule set test-set@1.2.3+"],
    );
    let err = rasp_fails(
        &[
            "explain",
            "sql",
            "--no-rules",
            "--config",
            "mode=sometimes",
            "SELECT 1",
        ],
        Some(2),
    );
    assert_contains_all(&err, &["bad --config", "bad value 'sometimes' for mode"]);
    let err = rasp_fails(&["explain", "sql", "--config", "mode", "SELECT 1"], None);
    assert_contains_all(&err, &["'mode' is not KEY=VALUE"]);
}

#[test]
fn explain_finds_an_input_signature_only_when_the_input_was_transformed() {
    let dir = rules_dir("explain-signature", unchanged);
    let explain = |path: &str| {
        rasp_json(&[
            "explain",
            "path",
            "--rules",
            dir.arg(),
            "--input",
            "f=../../ETC/PASSWD",
            "--json",
            path,
        ])
    };
    let lowered = explain("/srv/files/../../etc/passwd");
    let f = lowered["findings"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["rule"] == "sig.path.test_dots"))
        .unwrap_or_else(|| panic!("the signature in {lowered:#}"));
    assert_eq!(f["confidence"], "medium");
    assert_eq!(f["policy"], "monitor", "the rule's own mode");
    let verbatim = explain("/srv/files/../../ETC/PASSWD");
    assert!(
        verbatim["findings"]
            .as_array()
            .is_some_and(|fs| fs.iter().all(|f| f["rule"] != "sig.path.test_dots")),
        "a verbatim input is left to the structural detector: {verbatim:#}"
    );
}

#[test]
fn explain_uses_the_repository_rules_by_default() {
    let text = rasp_ok(&[
        "explain",
        "path",
        "--input",
        "f=../.env",
        "/srv/app/public/../.env",
    ]);
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let rules = std::fs::canonicalize(&rules).expect("the repository's rules");
    assert_contains_all(
        &text,
        &[
            "rules:  rasp-default@",
            &format!("from {} (", rules.display()),
            "path.policy.env_file (rule file, high, confidence high)",
        ],
    );
}

#[test]
fn explain_takes_its_default_rules_from_the_environment() {
    let dir = rules_dir("explain-env", unchanged);
    let file = compiled(&dir);
    let out = Command::new(env!("CARGO_BIN_EXE_rasp"))
        .args([
            "explain", "cmd", "--", "nc", "-l", "-p", "4444", "-e", "/bin/sh",
        ])
        .env("RASP_RULES", &file)
        .output()
        .expect("the rasp binary runs");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_contains_all(
        &stdout(&out),
        &[
            "rules:  test-set@1.2.3+",
            &format!("from {}", file.display()),
            "cmd.policy.test_nc_exec (rule file, critical, confidence high)",
            "verdict: BLOCK (",
        ],
    );
    let text = rasp_ok(&[
        "explain",
        "cmd",
        "--no-rules",
        "--",
        "nc",
        "-l",
        "-e",
        "/bin/sh",
    ]);
    assert_contains_all(&text, &["rules:  none (built-in detectors only)"]);
    let out = Command::new(env!("CARGO_BIN_EXE_rasp"))
        .args(["explain", "cmd", "--", "true"])
        .env("RASP_RULES", "/nonexistent/rasp.rules")
        .output()
        .expect("the rasp binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "rasp: the rules '/nonexistent/rasp.rules' (from RASP_RULES) do not exist\n"
    );
}
