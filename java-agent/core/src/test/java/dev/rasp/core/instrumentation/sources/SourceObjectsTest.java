package dev.rasp.core.instrumentation.sources;

import dev.rasp.bootstrap.CapturedInputs;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.bootstrap.RequestContext;
import dev.rasp.bootstrap.RequestScope;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reflective reads of source objects whose API types the agent cannot name. */
class SourceObjectsTest {

    /** A servlet Cookie's shape. */
    public static final class FakeCookie {
        private final String name;
        private final String value;

        FakeCookie(String name, String value) {
            this.name = name;
            this.value = value;
        }

        public String getName() {
            return name;
        }

        public String getValue() {
            return value;
        }
    }

    /** A Part's (or MultipartFile's) shape. */
    public static final class FakePart {
        public String getName() {
            return "file";
        }
    }

    private static List<String> captured(int kind, Object source, Object value) throws Exception {
        RequestContext context = new RequestContext("http", "resp", 0, 1 << 20, null);
        Method bind = RaspBridge.class.getDeclaredMethod("bind", RequestContext.class, String.class);
        Method unbind = RaspBridge.class.getDeclaredMethod("unbind", RequestScope.class);
        bind.setAccessible(true);
        unbind.setAccessible(true);
        RequestScope scope = (RequestScope) bind.invoke(null, context, RequestScope.VIA_EXECUTOR);
        try {
            SourceObjects.capture(scope, kind, source, value);
        } finally {
            unbind.invoke(null, scope);
        }
        CapturedInputs.Batch b = context.takeCaptured();
        List<String> out = new ArrayList<>();
        for (int i = 0; b != null && i < b.count; i++) {
            out.add(b.sources[i] + ":" + b.names[i] + "=" + b.values[i]);
        }
        return out;
    }

    @Test
    void cookiesGiveNamesAndValues() throws Exception {
        assertEquals(Arrays.asList("5:user=user", "5:user='OR'1'='1"),
                captured(RaspHooks.CAPTURE_COOKIES, null, new Object[] {new FakeCookie("user", "'OR'1'='1"), null}));
    }

    @Test
    void fileNamesAreNamedAfterTheirPart() throws Exception {
        assertEquals(Collections.singletonList("7:file.filename=../../x.jsp"),
                captured(RaspHooks.CAPTURE_PART_FILENAME, new FakePart(), "../../x.jsp"));
        assertEquals(Collections.emptyList(), captured(RaspHooks.CAPTURE_UPLOAD_FILENAME, new Object(), null));
    }

    /** A Commons FileUpload FileItem's shape. */
    public static final class FakeItem {
        private final boolean formField;

        FakeItem(boolean formField) {
            this.formField = formField;
        }

        public String getFieldName() {
            return "name";
        }

        public String getName() {
            return formField ? null : "photo.png";
        }

        public boolean isFormField() {
            return formField;
        }
    }

    @Test
    void uploadFieldsAreInputsButFileContentsAreNot() throws Exception {
        assertEquals(Collections.singletonList("7:name=' OR '1'='1"),
                captured(RaspHooks.CAPTURE_UPLOAD_FIELD, new FakeItem(true), "' OR '1'='1"));
        assertEquals(Collections.emptyList(), captured(RaspHooks.CAPTURE_UPLOAD_FIELD, new FakeItem(false), "GIF89a..."),
                "a file's contents read as a string are no input");
        assertEquals(Collections.singletonList("7:name.filename=../x.jsp"),
                captured(RaspHooks.CAPTURE_UPLOAD_FILENAME, new FakeItem(false), "../x.jsp"), "FileItem.getFieldName names it");
    }
}
