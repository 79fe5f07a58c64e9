package dev.rasp.it;

import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * A cross-section of the Spring application's attacks and their benign twins, for the suites that
 * check protection in another setup (JDK 25, the Spring Boot starter) rather than every case:
 * each SQL endpoint style and database once, and each command and file sink family.
 */
final class SmokeCases {
    private SmokeCases() {
    }

    public static Stream<Arguments> sqlAttacks() {
        return Stream.of(
            Arguments.of("h2", Case.attack(Endpoint.BY_NAME, "' OR '1'='1")),
            Arguments.of("sqlite", Case.attack(Endpoint.JSON_BY_NAME, "' UNION SELECT id,token,token,token FROM secrets--")),
            Arguments.of("hsqldb", Case.attack(Endpoint.HEADER_BY_NAME, "x' OR 'a'='a")),
            Arguments.of("h2", Case.attack(Endpoint.BY_ID, "1;DROP TABLE users")),
            Arguments.of("sqlite", Case.attack(Endpoint.DELETE, "x' OR 'a'='a")),
            Arguments.of("hsqldb", Case.attack(Endpoint.CATCHING, "' OR '1'='1")),
            Arguments.of("h2", Case.attack(Endpoint.SORTED, "(SELECT CASE WHEN 1=1 THEN name ELSE email END)")),
            Arguments.of("sqlite", Case.attack(Endpoint.COOKIE_BY_NAME, "admin'--")));
    }

    public static Stream<Arguments> sqlBenign() {
        return Stream.of(
            Arguments.of("h2", Case.names(Endpoint.SAFE_BY_NAME, "O'Brien", "O'Brien")),
            Arguments.of("h2", Case.names(Endpoint.BY_NAME, "alice", "alice")),
            Arguments.of("sqlite", Case.names(Endpoint.IN_LIST, "1,2,3", "alice", "bob", "carol")),
            Arguments.of("hsqldb", Case.names(Endpoint.BY_ID, "42")),
            Arguments.of("h2", Case.sorted(Endpoint.SORTED, "name DESC", "name", true)),
            Arguments.of("sqlite", Case.names(Endpoint.SEARCH, "select the best")),
            Arguments.of("hsqldb", Case.names(Endpoint.JSON_BY_NAME, "alice", "alice")));
    }

    public static Stream<SinkCase> sinkAttacks() {
        return Stream.of(
            SinkCases.findAttack("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1; touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.ECHO, "$(touch {M})"),
            SinkCases.findAttack("spring", SinkEndpoint.RUN, "touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.BASH_ENV, "$(touch {M})"),
            SinkCases.findAttack("spring", SinkEndpoint.ARCHIVE, "--use-compress-program=touch {M}"),
            SinkCases.findAttack("spring", SinkEndpoint.READ, SinkCases.SECRET_UP),
            SinkCases.findAttack("spring", SinkEndpoint.READ_NIO, "/etc/passwd"),
            SinkCases.findAttack("spring", SinkEndpoint.RESOURCE, SinkCases.SECRET_UP),
            SinkCases.findAttack("spring", SinkEndpoint.WRITE, "../x-{N}.txt"),
            SinkCases.findAttack("spring", SinkEndpoint.UPLOAD, "shell-{N}.jsp"),
            SinkCases.findAttack("spring", SinkEndpoint.DELETE, "../../outside/victim-{N}.txt"),
            SinkCases.findAttack("spring", SinkEndpoint.LIST, "../../outside"));
    }

    public static Stream<SinkCase> sinkBenign() {
        return Stream.of(
            SinkCases.findBenign("spring", SinkEndpoint.LOOKUP_SH, "127.0.0.1"),
            SinkCases.findBenign("spring", SinkEndpoint.LS, "/tmp; touch {M}"),
            SinkCases.findBenign("spring", SinkEndpoint.GREET, "$(touch {M})"),
            SinkCases.findBenign("spring", SinkEndpoint.READ, "report..v2.txt"),
            SinkCases.findBenign("spring", SinkEndpoint.WRITE, "new-{N}.txt"),
            SinkCases.findBenign("spring", SinkEndpoint.LIST, "a/b"));
    }
}
