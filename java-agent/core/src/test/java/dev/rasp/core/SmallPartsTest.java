package dev.rasp.core;

import dev.rasp.bootstrap.RaspBlockedException;
import dev.rasp.core.block.BlockResponder;
import dev.rasp.core.engine.NativeLibraryLoaderAccess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SmallPartsTest {

    @Test
    void blockBodyIsTheContractJson() {
        assertEquals("{\"blocked\":true,\"category\":\"sqli\",\"rule\":\"sqli.tautology\",\"event_id\":\"01J\"}",
                new String(BlockResponder.body("sqli", "sqli.tautology", "01J"), StandardCharsets.UTF_8));
        assertEquals("{\"blocked\":true,\"category\":\"a\\\"b\",\"rule\":\"c\\\\d\",\"event_id\":\"\\n\"}",
                new String(BlockResponder.body("a\"b", "c\\d", "\n"), StandardCharsets.UTF_8));
    }

    @Test
    void shortStackDropsAgentFramesOnly() {
        StackTraceElement[] frames = {
                new StackTraceElement("java.lang.Thread", "getStackTrace", "Thread.java", 1),
                new StackTraceElement("dev.rasp.core.RaspRuntime", "checkSql", "RaspRuntime.java", 2),
                new StackTraceElement("dev.rasp.bootstrap.RaspBridge", "onSql", "RaspBridge.java", 3),
                new StackTraceElement("org.h2.jdbc.JdbcStatement", "executeQuery", "JdbcStatement.java", 4),
                new StackTraceElement("dev.rasp.it.app.UserDao", "find", "UserDao.java", 5),
                new StackTraceElement("a.B", "c", "B.java", 6)};
        assertEquals("org.h2.jdbc.JdbcStatement.executeQuery(JdbcStatement.java:4)\n"
                + "dev.rasp.it.app.UserDao.find(UserDao.java:5)", ShortStack.format(frames, 2));
    }

    @Test
    void blockExceptionIsFoundThroughWrappers() {
        RaspBlockedException blocked = new RaspBlockedException("sqli", "r", "e");
        assertTrue(RaspRuntime.causedByBlock(blocked));
        assertTrue(RaspRuntime.causedByBlock(new RuntimeException("servlet", new RuntimeException(blocked))));
        assertFalse(RaspRuntime.causedByBlock(new RuntimeException("other")));
        assertFalse(RaspRuntime.causedByBlock(null));
    }

    @Test
    void nativeResourceNames() {
        assertEquals("native/linux-x86_64/librasp_jni.so", NativeLibraryLoaderAccess.resourceFor("Linux", "amd64"));
        assertEquals("native/linux-x86_64/librasp_jni.so", NativeLibraryLoaderAccess.resourceFor("Linux", "x86_64"));
        assertEquals("native/linux-aarch64/librasp_jni.so", NativeLibraryLoaderAccess.resourceFor("Linux", "aarch64"));
        assertNull(NativeLibraryLoaderAccess.resourceFor("Linux", "s390x"));
        assertNull(NativeLibraryLoaderAccess.resourceFor("SunOS", "amd64"));
    }
}
