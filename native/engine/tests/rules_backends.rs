//! Hyperscan and the portable DFA must agree: for every target, over every payload line of the
//! public corpora (and variants of it), both backends report the same patterns and hence the
//! same rules. The portable backend is the fallback for a failed Hyperscan scan and the only
//! backend off x86-64, so a disagreement is a detection difference between hosts.
//!
//! The rule set is the repository's `rules/` (the good fixture until that exists). The
//! corpora are found as the CLI finds them: `$RASP_CORPORA`, else `../shared/corpora` next to
//! the repository root; without them this test prints a notice and checks the rule examples
//! only.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rasp_engine::rules::{compile_dir, BackendChoice, BackendKind, RuleSet, Target};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rules_dir() -> PathBuf {
    let repo = repo_root().join("rules");
    if repo.join("ruleset.toml").is_file() {
        repo
    } else {
        println!(
            "NOTICE: {} has no ruleset.toml; using the good fixture",
            repo.display()
        );
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/good")
    }
}

fn corpora_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("RASP_CORPORA").filter(|v| !v.is_empty()) {
        let dir = PathBuf::from(dir);
        assert!(
            dir.is_dir(),
            "RASP_CORPORA={} is not a directory",
            dir.display()
        );
        return Some(dir);
    }
    let dir = repo_root().join("../shared/corpora");
    dir.is_dir().then_some(dir)
}

/// Every data file under `dir` (not licences or readmes), sorted.
fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                stack.push(path);
            } else if !name.starts_with("LICENSE") && !name.starts_with("README") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// A line as it may reach a scan: raw, percent-decoded, with newlines for spaces (anchors,
/// `.` and `\s` at line breaks), upper-cased (case folding), and placed in sink templates.
fn variants(line: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec![line.to_vec()];
    let decoded: Vec<u8> = percent_encoding::percent_decode(line).collect();
    if decoded != line {
        out.push(decoded.clone());
    }
    out.push(
        decoded
            .iter()
            .map(|&b| if b == b' ' { b'\n' } else { b })
            .collect(),
    );
    out.push(decoded.to_ascii_uppercase());
    for template in [
        &b"SELECT * FROM users WHERE name = '{}' ORDER BY id"[..],
        b"SELECT * FROM t WHERE id = {}",
        b"sh -c ping -c 1 {}",
        b"/var/www/uploads/{}",
    ] {
        let at = template.windows(2).position(|w| w == b"{}").unwrap();
        let mut s = template[..at].to_vec();
        s.extend_from_slice(&decoded);
        s.extend_from_slice(&template[at + 2..]);
        out.push(s);
    }
    out
}

struct Tally {
    haystacks: usize,
    scans: usize,
    pattern_hits: usize,
    rule_hits: usize,
    mismatches: Vec<String>,
}

/// Scans `haystack` in every target with both backends (`set` loaded with Hyperscan, which
/// holds no DFAs, and `portable`, the same file loaded with the portable backend) and records
/// any difference.
fn compare(set: &RuleSet, portable: &RuleSet, haystack: &[u8], tally: &mut Tally) {
    tally.haystacks += 1;
    for t in Target::ALL {
        if !set.has_target(t) {
            continue;
        }
        let mut hs = BTreeSet::new();
        let mut dfa = BTreeSet::new();
        set.scan_patterns_with(t, BackendKind::Hyperscan, haystack, &mut |id| {
            hs.insert(id);
        })
        .unwrap();
        portable
            .scan_patterns_with(t, BackendKind::Portable, haystack, &mut |id| {
                dfa.insert(id);
            })
            .unwrap();
        let rules = |ids: &BTreeSet<u32>| -> BTreeSet<usize> {
            ids.iter()
                .map(|&id| set.pattern_ref(t, id).unwrap().0)
                .collect()
        };
        let (hs_rules, dfa_rules) = (rules(&hs), rules(&dfa));
        tally.scans += 2;
        tally.pattern_hits += hs.len();
        tally.rule_hits += hs_rules.len();
        if hs != dfa || hs_rules != dfa_rules {
            let describe = |ids: Vec<&u32>| -> Vec<String> {
                ids.into_iter()
                    .map(|&id| {
                        let (r, p) = set.pattern_ref(t, id).unwrap();
                        let rule = &set.rules()[r];
                        format!("{} pattern {} /{}/", rule.id, p + 1, rule.patterns[p].regex)
                    })
                    .collect()
            };
            tally.mismatches.push(format!(
                "{t} {:?}: only Hyperscan {:?}, only DFA {:?}",
                String::from_utf8_lossy(&haystack[..haystack.len().min(200)]),
                describe(hs.difference(&dfa).collect()),
                describe(dfa.difference(&hs).collect()),
            ));
        }
    }
}

fn load_hyperscan(bytes: &[u8]) -> Option<RuleSet> {
    match RuleSet::load(bytes, BackendChoice::Hyperscan) {
        Ok(set) => Some(set),
        Err(e) => {
            println!("NOTICE: Hyperscan cannot be used here ({e}); nothing to compare");
            None
        }
    }
}

#[test]
fn both_backends_match_the_same_rules_on_every_corpus_line() {
    let dir = rules_dir();
    let compiled = compile_dir(&dir).unwrap_or_else(|diags| {
        let lines: Vec<String> = diags.iter().map(ToString::to_string).collect();
        panic!("{} does not compile:\n{}", dir.display(), lines.join("\n"))
    });
    let Some(set) = load_hyperscan(&compiled.bytes) else {
        return;
    };
    // The scan API of a portable-only set must agree with the pattern-level comparison below.
    let portable = RuleSet::load(&compiled.bytes, BackendChoice::Portable).unwrap();
    let mut tally = Tally {
        haystacks: 0,
        scans: 0,
        pattern_hits: 0,
        rule_hits: 0,
        mismatches: Vec::new(),
    };

    // The rules' own examples first: the strings they were written for.
    for rule in set.rules() {
        for example in rule.matches.iter().chain(&rule.passes) {
            compare(&set, &portable, example.sink_text().as_bytes(), &mut tally);
            for input in &example.inputs {
                compare(&set, &portable, input.as_bytes(), &mut tally);
            }
        }
    }
    let examples = tally.haystacks;
    // What answers a failed Hyperscan scan (the set holds no DFAs) must agree as well.
    for rule in set.rules() {
        for example in rule.matches.iter().chain(&rule.passes) {
            let text = example.sink_text();
            for t in Target::ALL {
                let (mut hs, mut fallback) = (BTreeSet::new(), BTreeSet::new());
                set.scan_patterns_with(t, BackendKind::Hyperscan, text.as_bytes(), &mut |id| {
                    hs.insert(id);
                })
                .unwrap();
                set.scan_patterns_fallback(t, text.as_bytes(), &mut |id| {
                    fallback.insert(id);
                });
                assert_eq!(
                    hs, fallback,
                    "{t} {text:?}: Hyperscan vs the regex fallback"
                );
            }
        }
    }
    assert!(
        set.scan_patterns_with(Target::ALL[0], BackendKind::Portable, b"x", &mut |_| {})
            .is_err()
            || !set.has_target(Target::ALL[0]),
        "a Hyperscan set should hold no DFAs"
    );
    assert_eq!(set.scan_failures(), 0);

    let mut lines = 0;
    match corpora_dir() {
        None => println!(
            "NOTICE: no corpora (set RASP_CORPORA or put them at {}); compared the rule examples only",
            repo_root().join("../shared/corpora").display()
        ),
        Some(corpora) => {
            for file in corpus_files(&corpora) {
                let bytes = std::fs::read(&file).unwrap();
                for line in bytes.split(|&b| b == b'\n') {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if line.is_empty() {
                        continue;
                    }
                    lines += 1;
                    for haystack in variants(line) {
                        compare(&set, &portable, &haystack, &mut tally);
                        let mut via_hs = BTreeSet::new();
                        let mut via_dfa = BTreeSet::new();
                        for t in Target::ALL {
                            set.scan(t, &haystack, &mut |r| {
                                via_hs.insert((t, r));
                            });
                            portable.scan(t, &haystack, &mut |r| {
                                via_dfa.insert((t, r));
                            });
                        }
                        if via_hs != via_dfa {
                            tally.mismatches.push(format!(
                                "RuleSet::scan differs on {:?}: Hyperscan set {:?}, portable set {:?}",
                                String::from_utf8_lossy(&haystack),
                                via_hs,
                                via_dfa
                            ));
                        }
                    }
                }
            }
        }
    }
    println!(
        "compared {} rule-example strings and {lines} corpus lines: {} haystacks, {} scans, \
         {} pattern hits ({} rule hits) per backend, {} mismatches",
        examples,
        tally.haystacks,
        tally.scans,
        tally.pattern_hits,
        tally.rule_hits,
        tally.mismatches.len()
    );
    assert_eq!(set.scan_fallbacks(), 0);
    assert!(
        tally.mismatches.is_empty(),
        "the backends disagree:\n{}",
        tally.mismatches[..tally.mismatches.len().min(30)].join("\n")
    );
    assert!(
        tally.pattern_hits > 0,
        "nothing matched at all: the comparison proves nothing"
    );
}

fn scan_all(set: &RuleSet, haystacks: &[String]) -> Vec<BTreeSet<(Target, usize)>> {
    haystacks
        .iter()
        .map(|h| {
            let mut hits = BTreeSet::new();
            for t in Target::ALL {
                set.scan(t, h.as_bytes(), &mut |r| {
                    hits.insert((t, r));
                });
            }
            hits
        })
        .collect()
}

#[test]
fn concurrent_scans_agree_with_a_single_thread() {
    let compiled = compile_dir(&rules_dir()).unwrap();
    let set = Arc::new(RuleSet::load(&compiled.bytes, BackendChoice::Auto).unwrap());
    let haystacks: Arc<Vec<String>> = Arc::new(
        set.rules()
            .iter()
            .flat_map(|r| r.matches.iter().chain(&r.passes))
            .map(|e| e.sink_text())
            .collect(),
    );
    let expected = scan_all(&set, &haystacks);
    assert!(expected.iter().any(|h| !h.is_empty()));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (set, haystacks) = (Arc::clone(&set), Arc::clone(&haystacks));
            std::thread::spawn(move || {
                (0..20)
                    .map(|_| scan_all(&set, &haystacks))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    for t in threads {
        for round in t.join().unwrap() {
            assert_eq!(round, expected);
        }
    }
    assert_eq!(set.scan_fallbacks(), 0);
}

/// `RuleSet::input_rules` answers repeated values from its cache (`rules/scan_cache.rs`): every
/// answer, first (scanned) or later (cached), on any thread, must be the scan's.
#[test]
fn cached_input_signature_hits_are_the_scans() {
    let compiled = compile_dir(&rules_dir()).unwrap();
    let set = Arc::new(RuleSet::load(&compiled.bytes, BackendChoice::Auto).unwrap());
    let values: Arc<Vec<String>> = Arc::new(
        set.rules()
            .iter()
            .flat_map(|r| r.matches.iter().chain(&r.passes))
            .flat_map(|e| e.inputs.iter().cloned().chain([e.sink_text()]))
            .filter(|v| !v.is_empty())
            .collect(),
    );
    let scanned: Vec<Vec<usize>> = values
        .iter()
        .map(|v| {
            let mut hits = Vec::new();
            set.scan(Target::Input, v.as_bytes(), &mut |r| hits.push(r));
            hits.sort_unstable();
            hits.dedup();
            hits
        })
        .collect();
    assert!(
        scanned.iter().any(|h| !h.is_empty()),
        "no example value matches an input signature: the comparison proves nothing"
    );
    let scanned = Arc::new(scanned);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (set, values, scanned) =
                (Arc::clone(&set), Arc::clone(&values), Arc::clone(&scanned));
            std::thread::spawn(move || {
                let mut out = vec![usize::MAX]; // replaced, never appended to
                for _ in 0..3 {
                    for (v, expected) in values.iter().zip(scanned.iter()) {
                        set.input_rules(v.as_bytes(), &mut out);
                        assert_eq!(&out, expected, "input_rules({v:?})");
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
}
