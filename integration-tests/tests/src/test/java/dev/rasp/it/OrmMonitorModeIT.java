package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Monitor mode: the ORM query runs (every user comes back) and the attack is reported exactly once, by the ORM method,
 * although the statement then also passes the JDBC hook (translated for JPQL/HQL, verbatim for a native query).
 */
@ExtendWith(AppLogsOnFailure.class)
class OrmMonitorModeIT {
    static AppProcess app;
    static Scenario s;

    @BeforeAll
    static void start() {
        app = SpringBlockModeIT.springApp("spring-orm-monitor").mode("monitor").startShared(Duration.ofSeconds(180));
        s = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.release();
        }
    }

    @ParameterizedTest(name = "{0}: one monitored event, the query runs")
    @EnumSource(OrmCases.class)
    void attackIsReportedOnce(OrmCases c) {
        int mark = s.events.mark();
        Http.Resp r = c.send(s.http, OrmCases.ATTACK);
        List<String> evs = s.eventsSince(mark);
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200");
        } else if (OrmCases.names(r.body()).size() != Case.ALL.size()) {
            problems.add("rows " + OrmCases.names(r.body()) + ", expected every user");
        }
        if (evs.size() != 1) {
            problems.add("expected exactly 1 new event line, got " + evs.size());
        } else {
            JsonNode ev = EventLog.parse(evs.get(0));
            if (!"monitored".equals(EventLog.text(ev, "action"))) {
                problems.add("action " + EventLog.text(ev, "action"));
            }
            if (!c.api.equals(EventLog.text(ev, "sink.api"))) {
                problems.add("sink.api " + EventLog.text(ev, "sink.api") + ", expected " + c.api);
            }
        }
        if (!problems.isEmpty()) {
            fail(c + ":\n  " + String.join("\n  ", problems) + "\n  response: " + r + "\n  events: " + evs);
        }
    }
}
