package dev.rasp.core.instrumentation.file;

import dev.rasp.bootstrap.RequestContext;
import org.junit.jupiter.api.Test;

import java.net.URL;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The metadata, link and file: URL codes, and the request's memory of normalised paths. */
class FileShapesTest {

    @Test
    void codesAreTheContract() {
        assertEquals(5, PathOp.METADATA);
        assertEquals(6, PathOp.LINK);
        assertEquals(17, PathApi.FILE_EXISTS);
        assertEquals(30, PathApi.FILE_SET_READ_ONLY);
        assertEquals(31, PathApi.CHECK_ACCESS);
        assertEquals(38, PathApi.CREATE_SYMBOLIC_LINK);
        assertEquals(39, PathApi.READ_SYMBOLIC_LINK);
        assertEquals(40, PathApi.FILE_URL_CONNECT);
    }

    @Test
    void fileUrlsAreCheckedAsThePathTheHandlerOpens() throws Exception {
        assertEquals("/etc/passwd", PathOp.pathString(new URL("file:///etc/passwd").openConnection()));
        assertEquals("/a b/../x", PathOp.urlPath(new URL("file:/a%20b/%2e%2e/x")));
        assertEquals("/caf\u00e9", PathOp.urlPath(new URL("file:/caf%C3%A9")));
        assertEquals("/bad%zz%4", PathOp.urlPath(new URL("file:/bad%zz%4")));
        assertEquals("", PathOp.urlPath(null));
    }

    @Test
    void theWrittenFormOfANormalisedPath() {
        RequestContext c = new RequestContext(new Object(), new Object(), 0);
        assertNull(c.writtenFormOf("/srv/files_private/x"));
        c.rememberNormalized("/srv/files_private/x", "/srv/files/../files_private/x");
        assertEquals("/srv/files/../files_private/x", c.writtenFormOf("/srv/files_private/x"));
        // a file below a canonicalised directory
        c.rememberNormalized("/srv/other", "/srv/files/../other");
        assertEquals("/srv/files/../other/y.txt", c.writtenFormOf("/srv/other/y.txt"));
        // a collapsed input resolved against the base
        c.rememberNormalized("../../etc/passwd", "..//..//etc/passwd");
        assertEquals("/srv/files/..//..//etc/passwd", c.writtenFormOf("/srv/files/../../etc/passwd"));
        // only whole segments
        assertNull(c.writtenFormOf("/srv/otherwise"));
        assertNull(c.writtenFormOf("/x/../../etc/passwd.bak"));
        // the longest match wins
        assertEquals("/srv/files/../files_private/x", c.writtenFormOf("/srv/files_private/x"));
    }

    @Test
    void normalisingTwiceKeepsTheFirstWrittenForm() {
        RequestContext c = new RequestContext(new Object(), new Object(), 0);
        // new File(base, "..//..//etc/passwd"), then getCanonicalPath()
        c.rememberNormalized("/srv/files/../../etc/passwd", "/srv/files/..//..//etc/passwd");
        c.rememberNormalized("/etc/passwd", "/srv/files/../../etc/passwd");
        assertEquals("/srv/files/..//..//etc/passwd", c.writtenFormOf("/etc/passwd"));
        // the same path canonicalised again changes nothing
        c.rememberNormalized("/etc/passwd", "/srv/files/../../etc/passwd");
        assertEquals("/srv/files/..//..//etc/passwd", c.writtenFormOf("/etc/passwd"));
    }

    @Test
    void theMemoryIsBounded() {
        RequestContext c = new RequestContext(new Object(), new Object(), 0);
        for (int i = 0; i < 200; i++) {
            c.rememberNormalized("/r/" + i, "/w/../r/" + i);
        }
        assertNull(c.writtenFormOf("/r/0"));
        assertEquals("/w/../r/199", c.writtenFormOf("/r/199"));
        assertEquals("/w/../r/136", c.writtenFormOf("/r/136"));
        assertNull(c.writtenFormOf("/r/135"));
    }
}
