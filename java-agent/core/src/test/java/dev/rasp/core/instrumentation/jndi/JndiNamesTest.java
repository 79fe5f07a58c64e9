package dev.rasp.core.instrumentation.jndi;

import org.junit.jupiter.api.Test;

import javax.naming.CompositeName;
import javax.naming.InvalidNameException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JndiNamesTest {

    @Test
    void onlyNamesWithARemoteSchemeAskTheEngineOutsideRequests() {
        assertTrue(JndiNames.mayBeRemote("ldap://127.0.0.1:1389/a"));
        assertTrue(JndiNames.mayBeRemote("RMI://host/x"));
        assertTrue(JndiNames.mayBeRemote("corbaname:iiop:1.2@host:2809#x"));
        assertFalse(JndiNames.mayBeRemote("java:comp/env/jdbc/users"));
        assertFalse(JndiNames.mayBeRemote("JAVA:comp/env"));
        assertFalse(JndiNames.mayBeRemote("jdbc/users"));
        assertFalse(JndiNames.mayBeRemote("cn=alice/ldap://evil/"));
        assertFalse(JndiNames.mayBeRemote(":x"));
    }

    @Test
    void aNameIsSentAsItsText() throws InvalidNameException {
        assertEquals("ldap://h/a", JndiNames.text("ldap://h/a"));
        assertEquals("ldap://h/a", JndiNames.text(new CompositeName("ldap://h/a")));
    }
}
