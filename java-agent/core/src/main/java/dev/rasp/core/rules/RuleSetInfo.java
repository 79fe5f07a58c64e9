package dev.rasp.core.rules;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the engine says about the rule set in use ({@code rulesInfo()}): its id, how many rules it
 * has, the scanning backend, and the rule ids the configuration names that no longer exist (a
 * reload may drop a rule that {@code rasp.rules.mode.*} or an exclusion still names).
 *
 * <p>The JSON is the engine's own, flat, with string, number and string-array values; the core
 * has no JSON library (nothing may leak into or clash with the application), so this reads
 * exactly that shape and nothing more.
 */
public final class RuleSetInfo {
    public final String id;
    public final long rules;
    public final String backend;
    public final List<String> unknownRuleIds;

    RuleSetInfo(String id, long rules, String backend, List<String> unknownRuleIds) {
        this.id = id;
        this.rules = rules;
        this.backend = backend;
        this.unknownRuleIds = Collections.unmodifiableList(unknownRuleIds);
    }

    /** For when the engine could not answer: nothing is known but that. */
    static RuleSetInfo unknown() {
        return new RuleSetInfo("unknown", 0, "unknown", new ArrayList<String>());
    }

    /** Parses the engine's JSON; a field it cannot find keeps the {@link #unknown()} value. */
    static RuleSetInfo parse(String json) {
        if (json == null) {
            return unknown();
        }
        FlatJson j = new FlatJson(json);
        String id = "unknown";
        long rules = 0;
        String backend = "unknown";
        List<String> unknownIds = new ArrayList<String>();
        try {
            j.expect('{');
            while (!j.tryConsume('}')) {
                String key = j.string();
                j.expect(':');
                if (key.equals("id")) {
                    id = j.string();
                } else if (key.equals("backend")) {
                    backend = j.string();
                } else if (key.equals("rules")) {
                    rules = j.number();
                } else if (key.equals("unknown_rule_ids")) {
                    j.expect('[');
                    while (!j.tryConsume(']')) {
                        unknownIds.add(j.string());
                        j.tryConsume(',');
                    }
                } else {
                    j.skipValue();
                }
                j.tryConsume(',');
            }
        } catch (IllegalArgumentException e) {
            // keep what was read; the log line then says "unknown" where the engine was unclear
        }
        return new RuleSetInfo(id, rules, backend, unknownIds);
    }

    /** A cursor over the engine's JSON. Throws IllegalArgumentException on anything unexpected. */
    private static final class FlatJson {
        private final String s;
        private int i;

        FlatJson(String s) {
            this.s = s;
        }

        private void blanks() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        boolean tryConsume(char c) {
            blanks();
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!tryConsume(c)) {
                throw new IllegalArgumentException("expected " + c + " at " + i);
            }
        }

        String string() {
            expect('"');
            StringBuilder sb = new StringBuilder();
            while (i < s.length()) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return sb.toString();
                }
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                if (i >= s.length()) {
                    break;
                }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': sb.append('\n'); break;
                    case 't': sb.append('\t'); break;
                    case 'r': sb.append('\r'); break;
                    case 'b': sb.append('\b'); break;
                    case 'f': sb.append('\f'); break;
                    case 'u':
                        if (i + 4 > s.length()) {
                            throw new IllegalArgumentException("bad escape");
                        }
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                        i += 4;
                        break;
                    default: sb.append(e); // \" \\ \/
                }
            }
            throw new IllegalArgumentException("unterminated string");
        }

        long number() {
            blanks();
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) {
                i++;
            }
            try {
                return Long.parseLong(s.substring(start, i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("number expected at " + start);
            }
        }

        /** A value of a field this reader does not use: string, number, literal or a flat array. */
        void skipValue() {
            blanks();
            if (i >= s.length()) {
                throw new IllegalArgumentException("value expected");
            }
            char c = s.charAt(i);
            if (c == '"') {
                string();
            } else if (c == '[') {
                i++;
                while (!tryConsume(']')) {
                    skipValue();
                    tryConsume(',');
                }
            } else if (c == '{') {
                throw new IllegalArgumentException("nested object");
            } else {
                int start = i;
                while (i < s.length() && ",}]".indexOf(s.charAt(i)) < 0) {
                    i++;
                }
                if (i == start) {
                    throw new IllegalArgumentException("value expected at " + i);
                }
            }
        }
    }

    @Override
    public String toString() {
        return id + " (" + rules + " rules, " + backend + " backend)";
    }
}
