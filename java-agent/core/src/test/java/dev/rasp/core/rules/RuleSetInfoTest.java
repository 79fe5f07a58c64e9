package dev.rasp.core.rules;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RuleSetInfoTest {

    @Test
    void readsTheEnginesJson() {
        RuleSetInfo i = RuleSetInfo.parse("{\"id\":\"rasp-default@2026.11.0+1a2b3c4d\",\"rules\":42,"
                + "\"backend\":\"hyperscan\",\"unknown_rule_ids\":[\"sql.gone\",\"a.\\\"b\"],\"scan_fallbacks\":0}");
        assertEquals("rasp-default@2026.11.0+1a2b3c4d", i.id);
        assertEquals(42, i.rules);
        assertEquals("hyperscan", i.backend);
        assertEquals(Arrays.asList("sql.gone", "a.\"b"), i.unknownRuleIds);
        assertEquals("rasp-default@2026.11.0+1a2b3c4d (42 rules, hyperscan backend)", i.toString());
    }

    @Test
    void fieldOrderAndBlanksDoNotMatter() {
        RuleSetInfo i = RuleSetInfo.parse(" { \"backend\" : \"portable\" , \"flags\": [1, 2], \"ok\": true,"
                + " \"rules\" : 0 , \"id\" : \"none\" } ");
        assertEquals("none", i.id);
        assertEquals(0, i.rules);
        assertEquals("portable", i.backend);
        assertEquals(Collections.emptyList(), i.unknownRuleIds);
    }

    @Test
    void whatCannotBeReadIsUnknownNeverAnException() {
        for (String bad : new String[] {null, "", "[", "{\"id\":", "{\"id\":\"x\",\"rules\":\"many\"}", "{\"o\":{}}",
                "{\"a\":[}", "{\"id\":\"unterminated"}) {
            RuleSetInfo i = RuleSetInfo.parse(bad);
            assertEquals(0, i.rules, String.valueOf(bad));
        }
        assertEquals("x", RuleSetInfo.parse("{\"id\":\"x\",\"rules\":\"many\"}").id, "what came before the fault is kept");
        assertEquals("unknown", RuleSetInfo.parse(null).id);
    }
}
