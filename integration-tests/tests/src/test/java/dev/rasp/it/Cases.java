package dev.rasp.it;

import static dev.rasp.it.Endpoint.BY_ID;
import static dev.rasp.it.Endpoint.BY_NAME;
import static dev.rasp.it.Endpoint.CATCHING;
import static dev.rasp.it.Endpoint.COOKIE_BY_NAME;
import static dev.rasp.it.Endpoint.DELETE;
import static dev.rasp.it.Endpoint.DELETE_BATCH;
import static dev.rasp.it.Endpoint.NAMED;
import static dev.rasp.it.Endpoint.FORM_BY_NAME;
import static dev.rasp.it.Endpoint.HEADER_BY_NAME;
import static dev.rasp.it.Endpoint.IN_LIST;
import static dev.rasp.it.Endpoint.JSON_BY_NAME;
import static dev.rasp.it.Endpoint.JSON_ESCAPED_BY_NAME;
import static dev.rasp.it.Endpoint.PREPARED_CONCAT;
import static dev.rasp.it.Endpoint.SAFE_BY_ID;
import static dev.rasp.it.Endpoint.SAFE_BY_NAME;
import static dev.rasp.it.Endpoint.SAFE_SEARCH;
import static dev.rasp.it.Endpoint.SEARCH;
import static dev.rasp.it.Endpoint.SORTED;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The attack and benign tables, filtered by the endpoints an application has. */
public final class Cases {
    private Cases() {}

    /** Into a quoted string literal ('...' AND role <> 'locked' follows). */
    static final List<String> STRING_ATTACKS = List.of(
        "' OR '1'='1",
        "x' OR 'a'='a",
        "'; DROP TABLE users; --",
        "' UNION SELECT token,token,token,token FROM secrets--",
        "' UNION SELECT id,token,token,token FROM secrets--",
        "admin'--");
    /** Cookie values cannot hold spaces, commas or semicolons (RFC 6265; Tomcat drops such cookies). */
    static final List<String> COOKIE_ATTACKS = List.of("'OR'1'='1", "x'OR'a'='a", "admin'--", "'OR/**/1=1--");
    static final List<String> NUMERIC_ATTACKS = List.of(
        "1 OR 1=1", "1 OR 1", "1;DROP TABLE users", "0 UNION SELECT id,token,token,token FROM secrets");
    static final List<String> ORDER_BY_ATTACKS = List.of(
        "(SELECT CASE WHEN 1=1 THEN name ELSE email END)", "name; DROP TABLE users",
        "CASE WHEN (SELECT COUNT(*) FROM secrets)>1 THEN name ELSE email END");
    static final List<String> IN_LIST_ATTACKS = List.of("1) OR (1=1");
    static final List<String> LIKE_ATTACKS = List.of("%' OR '1'='1", "' UNION SELECT id,token,token,token FROM secrets--");
    static final List<String> DELETE_ATTACKS = List.of("x' OR 'a'='a", "' OR '1'='1", "'; DROP TABLE users; --");

    /**
     * Longer than the 2 KiB the native side used to copy request records and statements onto the
     * stack for (kept as a case of a long query string: containers refuse request lines past 8 KiB).
     */
    static final String LONG_PREFIX = "x".repeat(2100);

    /**
     * Makes the form endpoint's statement longer than the 16 KiB (16,384 bytes) the native side
     * reads in place, so that it is checked from a copy (in a form body: no request line takes
     * it), while the input still ends inside the first 16,384 bytes, the window of the statement
     * an event shows (the window starts at the input, here 53 bytes in, and the test checks the
     * event shows all of it). With the endpoint's {@code SELECT ... WHERE name = '<input>' AND
     * role <> 'locked'}: the attack's input is 16,321 bytes (ends at 16,374), its statement 16,396.
     */
    static final String COPIED_PREFIX = "x".repeat(16_310);

    /** In a path segment (no '/' or ';': containers reject or strip them). */
    static final List<String> PATH_ATTACKS = List.of(
        "' OR '1'='1", "x' OR 'a'='a", "admin'--", "' UNION SELECT id,token,token,token FROM secrets--");

    static List<Case> attacks(Set<Endpoint> available) {
        List<Case> all = new ArrayList<>();
        for (Endpoint e : List.of(BY_NAME, PREPARED_CONCAT, FORM_BY_NAME, JSON_BY_NAME, HEADER_BY_NAME, CATCHING)) {
            STRING_ATTACKS.forEach(p -> all.add(Case.attack(e, p)));
        }
        List.of("' OR '1'='1", "' UNION SELECT id,token,token,token FROM secrets--", "'; DROP TABLE users; --")
            .forEach(p -> all.add(Case.attack(JSON_ESCAPED_BY_NAME, p)));
        COOKIE_ATTACKS.forEach(p -> all.add(Case.attack(COOKIE_BY_NAME, p)));
        NUMERIC_ATTACKS.forEach(p -> all.add(Case.attack(BY_ID, p)));
        ORDER_BY_ATTACKS.forEach(p -> all.add(Case.attack(SORTED, p)));
        IN_LIST_ATTACKS.forEach(p -> all.add(Case.attack(IN_LIST, p)));
        LIKE_ATTACKS.forEach(p -> all.add(Case.attack(SEARCH, p)));
        DELETE_ATTACKS.forEach(p -> all.add(Case.attack(DELETE, p)));
        DELETE_ATTACKS.forEach(p -> all.add(Case.attack(DELETE_BATCH, p)));
        PATH_ATTACKS.forEach(p -> all.add(Case.attack(NAMED, p)));
        all.add(Case.attack(BY_NAME, LONG_PREFIX + "' OR 'a'='a"));
        all.add(Case.attack(FORM_BY_NAME, LONG_PREFIX + "' OR 'a'='a"));
        all.add(Case.attack(FORM_BY_NAME, COPIED_PREFIX + "' OR 'a'='a"));
        return only(all, available);
    }

    /** The benign twins: same endpoints, inputs that stay data. */
    static List<Case> benign(Set<Endpoint> available) {
        List<Case> all = List.of(
            Case.names(SAFE_BY_NAME, "O'Brien", "O'Brien"),
            Case.names(SAFE_BY_NAME, "' OR '1'='1"),
            Case.names(SAFE_BY_ID, "4", "O'Brien"),
            Case.names(SAFE_SEARCH, "O'Br", "O'Brien"),
            Case.names(BY_NAME, "alice", "alice"),
            Case.names(BY_NAME, "select the best"),
            Case.names(PREPARED_CONCAT, "bob", "bob"),
            Case.names(FORM_BY_NAME, "carol", "carol"),
            Case.names(JSON_BY_NAME, "alice", "alice"),
            Case.names(JSON_BY_NAME, "drop table users please"),
            Case.names(JSON_ESCAPED_BY_NAME, "alice", "alice"),
            Case.names(JSON_BY_NAME, "a".repeat(20_000)),
            Case.names(BY_NAME, "Zoë Ærøskøbing 東京"),
            Case.names(HEADER_BY_NAME, "bob", "bob"),
            Case.names(COOKIE_BY_NAME, "carol", "carol"),
            Case.names(CATCHING, "alice", "alice"),
            Case.names(BY_ID, "42"),
            Case.names(BY_ID, "-1"),
            Case.names(BY_ID, "3", "carol"),
            Case.names(IN_LIST, "1,2,3", "alice", "bob", "carol"),
            Case.names(IN_LIST, "4", "O'Brien"),
            Case.names(IN_LIST, "2, 5", "bob", "admin"),
            Case.sorted(SORTED, "name DESC", "name", true),
            Case.sorted(SORTED, "name", "name", false),
            Case.names(SORTED, "email", "alice", "bob", "carol", "O'Brien", "admin"),
            Case.names(SEARCH, "select the best"),
            Case.names(SEARCH, "it\"s"),
            Case.names(SEARCH, "or 1=1"),
            Case.names(SEARCH, "Brien", "O'Brien"),
            Case.names(SEARCH, "example.com", "alice", "bob", "carol", "O'Brien", "admin"),
            Case.deleted(DELETE, "nobody", 0),
            Case.deleted(DELETE_BATCH, "nobody", 0),
            Case.names(NAMED, "alice", "alice"),
            Case.names(NAMED, "select the best"),
            Case.names(BY_NAME, LONG_PREFIX + " and more"),
            Case.names(FORM_BY_NAME, LONG_PREFIX + " and more"),
            Case.names(FORM_BY_NAME, COPIED_PREFIX + " and more"));
        return only(all, available);
    }

    private static List<Case> only(List<Case> cases, Set<Endpoint> available) {
        return cases.stream().filter(c -> available.contains(c.endpoint)).collect(Collectors.toList());
    }
}
