package dev.rasp.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The ORM endpoints of the Spring application ({@code OrmController}): request input concatenated into JPQL
 * (EntityManager.createQuery), HQL (Session.createSelectionQuery) and a native query (EntityManager.createNativeQuery),
 * with the api and dialect their events must name, and the {@code /orm/safe/...} twins that bind the input.
 */
enum OrmCases {
    JPQL("/orm/jpql/by-name", "jakarta.persistence.EntityManager.createQuery", "hql"),
    HQL("/orm/hql/by-name", "org.hibernate.query.QueryProducer.createSelectionQuery", "hql"),
    NATIVE("/orm/native/by-name", "jakarta.persistence.EntityManager.createNativeQuery", "h2");

    /** The attack: after translation to SQL the input is no longer in the statement verbatim. */
    static final String ATTACK = "x' OR u.id IS NOT NULL OR 'a'='b";

    final String path;
    /** sink.api of the event. */
    final String api;
    /**
     * sink.dialect of the event: Hibernate's EntityManager reads HQL (JPQL's superset), so a JPQL query on it is
     * judged, and named, as HQL; a native query is SQL in the database's dialect.
     */
    final String dialect;

    OrmCases(String path, String api, String dialect) {
        this.path = path;
        this.api = api;
        this.dialect = dialect;
    }

    String safePath() {
        return path.replace("/orm/", "/orm/safe/");
    }

    Http.Resp send(Http http, String name) {
        return http.get(path + "?name=" + Http.enc(name));
    }

    Http.Resp sendSafe(Http http, String name) {
        return http.get(safePath() + "?name=" + Http.enc(name));
    }

    /** The user names of a JSON row list, in order. */
    static List<String> names(String body) {
        JsonNode rows = Scenario.json(body);
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.path("name").asText()));
        return out;
    }
}
