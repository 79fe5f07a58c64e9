//! The binding against the real, statically linked Hyperscan.

use std::sync::Arc;

use rasp_hyperscan::{compile_generic, Database, Expression, Flags, Scanner};

fn expr(pattern: &str, flags: Flags, id: u32) -> Expression<'_> {
    Expression { pattern, flags, id }
}

fn sql_scanner() -> Scanner {
    let db = compile_generic(&[
        expr(
            r"\bunion\s+select\b",
            Flags::CASELESS | Flags::SINGLEMATCH,
            10,
        ),
        expr(r"\bsleep\s*\(", Flags::CASELESS | Flags::SINGLEMATCH, 20),
        expr(r"into\s+outfile", Flags::empty(), 30),
    ])
    .expect("compiles");
    Scanner::new(db).expect("scratch")
}

fn ids(scanner: &Scanner, data: &[u8]) -> Vec<u32> {
    let mut ids = Vec::new();
    scanner
        .scan(data, &mut |id, _| ids.push(id))
        .expect("scan succeeds");
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[test]
fn is_linked_and_runs_here() {
    assert!(rasp_hyperscan::is_linked());
    assert!(rasp_hyperscan::platform_supported());
    assert!(
        rasp_hyperscan::version().starts_with("5."),
        "{}",
        rasp_hyperscan::version()
    );
}

#[test]
fn reports_the_ids_of_matching_patterns_with_flags_honoured() {
    let s = sql_scanner();
    assert_eq!(ids(&s, b"1 UNION  SELECT password FROM users"), vec![10]);
    assert_eq!(ids(&s, b"1 AND SLEEP (5)"), vec![20]);
    assert_eq!(ids(&s, b"SELECT 1 into outfile '/x'"), vec![30]);
    // Pattern 30 is case-sensitive.
    assert_eq!(ids(&s, b"SELECT 1 INTO OUTFILE '/x'"), Vec::<u32>::new());
    assert_eq!(ids(&s, b"the union selected a leader"), Vec::<u32>::new());
    assert_eq!(ids(&s, b""), Vec::<u32>::new());
}

#[test]
fn singlematch_reports_once_and_end_offsets_are_exact() {
    let s = sql_scanner();
    let mut seen = Vec::new();
    s.scan(b"sleep(1) sleep(2)", &mut |id, to| seen.push((id, to)))
        .expect("scan");
    assert_eq!(seen, vec![(20, 6)]);
}

#[test]
fn a_rejected_pattern_names_its_index_and_the_reason() {
    let err = compile_generic(&[
        expr("fine", Flags::empty(), 0),
        expr("(unclosed", Flags::empty(), 1),
    ])
    .expect_err("must fail");
    assert_eq!(err.expression, Some(1));
    assert!(
        err.message.contains("Missing close parenthesis"),
        "{}",
        err.message
    );
    let empty = compile_generic(&[expr("a*", Flags::empty(), 0)]).expect_err("empty match");
    assert_eq!(empty.expression, Some(0));
    let nul = compile_generic(&[expr("a\0b", Flags::empty(), 0)]).expect_err("nul");
    assert_eq!(
        nul.to_string(),
        "expression 0: the pattern contains a NUL byte; write it as \\x00"
    );
}

#[test]
fn serialized_databases_round_trip_and_garbage_is_rejected() {
    let db = compile_generic(&[expr(r"pg_sleep\s*\(", Flags::CASELESS, 7)]).expect("compiles");
    let bytes = db.serialize().expect("serialize");
    assert!(db.size().expect("size") > 0);
    let back = Scanner::new(Database::deserialize(&bytes).expect("deserialize")).expect("scratch");
    assert_eq!(ids(&back, b"1;SELECT PG_SLEEP(5)"), vec![7]);
    let err = Database::deserialize(&bytes[..bytes.len() / 2]).expect_err("truncated");
    assert!(
        err.to_string()
            .starts_with("hs_deserialize_database failed"),
        "{err}"
    );
    assert!(Database::deserialize(b"not a database at all").is_err());
}

#[test]
fn many_threads_scan_one_scanner_at_once() {
    let s = Arc::new(sql_scanner());
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                for n in 0..2_000 {
                    let attack = format!("{i} union select {n}");
                    assert_eq!(ids(&s, attack.as_bytes()), vec![10]);
                    assert_eq!(
                        ids(&s, format!("{i} benign {n}").as_bytes()),
                        Vec::<u32>::new()
                    );
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no thread panicked");
    }
}

#[test]
fn a_scan_inside_a_match_callback_uses_its_own_scratch() {
    let s = sql_scanner();
    let mut inner = Vec::new();
    s.scan(b"union select", &mut |_, _| {
        inner = ids(&s, b"sleep(1)");
    })
    .expect("outer scan");
    assert_eq!(inner, vec![20]);
}

#[test]
fn a_panic_in_the_callback_is_carried_back_to_the_caller() {
    let s = sql_scanner();
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = s.scan(b"union select", &mut |_, _| panic!("callback failed"));
    }));
    assert!(caught.is_err());
    // The thread's scratch is still usable afterwards.
    assert_eq!(ids(&s, b"union select"), vec![10]);
}

#[test]
fn scanners_from_reloads_each_get_their_own_clone() {
    for round in 0..10u32 {
        let db = compile_generic(&[expr("needle", Flags::empty(), round)]).expect("compiles");
        let s = Scanner::new(db).expect("scratch");
        assert_eq!(ids(&s, b"hay needle hay"), vec![round]);
    }
}
