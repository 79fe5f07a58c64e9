package dev.rasp.core.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the engine's JSON answers (stats, rule set info) into maps, lists, strings, Long/Double,
 * Boolean and null. The core has no JSON library (nothing may leak into or clash with the
 * application), and the stats nest values (the per-destination counters), so this reads any
 * well-formed JSON, and refuses the rest with an IllegalArgumentException.
 */
public final class Json {
    /** Far deeper than the engine ever nests; stops a runaway recursion on a broken text. */
    private static final int MAX_DEPTH = 32;

    private final String s;
    private int i;

    private Json(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        Json j = new Json(text);
        Object v = j.value(0);
        j.blanks();
        if (j.i != text.length()) {
            throw new IllegalArgumentException("trailing text at " + j.i);
        }
        return v;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("nested too deep");
        }
        blanks();
        if (i >= s.length()) {
            throw new IllegalArgumentException("value expected at " + i);
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", null);
            default:
                return number();
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> out = new LinkedHashMap<String, Object>();
        i++;
        if (tryConsume('}')) {
            return out;
        }
        do {
            blanks();
            String key = string();
            expect(':');
            out.put(key, value(depth + 1));
        } while (tryConsume(','));
        expect('}');
        return out;
    }

    private List<Object> array(int depth) {
        List<Object> out = new ArrayList<Object>();
        i++;
        if (tryConsume(']')) {
            return out;
        }
        do {
            out.add(value(depth + 1));
        } while (tryConsume(','));
        expect(']');
        return out;
    }

    private Object literal(String word, Object value) {
        if (!s.startsWith(word, i)) {
            throw new IllegalArgumentException("unexpected text at " + i);
        }
        i += word.length();
        return value;
    }

    private Object number() {
        int start = i;
        boolean integral = true;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' || c == '-') {
                i++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+') {
                integral = false;
                i++;
            } else {
                break;
            }
        }
        String n = s.substring(start, i);
        try {
            if (integral) {
                return Long.valueOf(n);
            }
            return Double.valueOf(n);
        } catch (NumberFormatException e) {
            // an integer past a long (never from the engine's u64 counters in practice) stays readable
            try {
                return Double.valueOf(n);
            } catch (NumberFormatException e2) {
                throw new IllegalArgumentException("number expected at " + start);
            }
        }
    }

    private String string() {
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
                    try {
                        sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("bad escape");
                    }
                    i += 4;
                    break;
                default: sb.append(e); // \" \\ \/
            }
        }
        throw new IllegalArgumentException("unterminated string");
    }

    private void blanks() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private boolean tryConsume(char c) {
        blanks();
        if (i < s.length() && s.charAt(i) == c) {
            i++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!tryConsume(c)) {
            throw new IllegalArgumentException("expected " + c + " at " + i);
        }
    }
}
