package dev.rasp.core.instrumentation.jndi;

import org.junit.jupiter.api.Test;

import java.util.Hashtable;
import javax.naming.CompositeName;
import javax.naming.Context;
import javax.naming.InvalidNameException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

    @Test
    void aNameOfOneComponentIsSentAsThatComponent() throws InvalidNameException {
        // add() keeps the URL one component; toString() would escape its slashes
        CompositeName one = new CompositeName();
        one.add("ldap://h:1389/a");
        assertEquals("ldap://h:1389/a", JndiNames.text(one));
    }

    @Test
    void theProviderUrlIsReadFromTheEnvironment() {
        Hashtable<String, Object> env = new Hashtable<>();
        assertNull(JndiNames.providerUrl(env));
        assertNull(JndiNames.providerUrl("not an environment"));
        env.put(Context.PROVIDER_URL, "ldap://a.internal/dc=x ldap://b.internal/dc=x");
        assertEquals("ldap://a.internal/dc=x ldap://b.internal/dc=x", JndiNames.providerUrl(env));
        env.put(Context.PROVIDER_URL, "java:comp/env");
        assertNull(JndiNames.providerUrl(env));
        env.put(Context.PROVIDER_URL, "file:/tmp x rmi://h:1099");
        assertEquals("file:/tmp x rmi://h:1099", JndiNames.providerUrl(env));
    }

    @Test
    void aUrlContextKnowsTheNameInitialContextJudged() throws InvalidNameException {
        String name = new String("ldap://h/a");
        assertTrue(JndiNames.sameName(name, name));
        assertFalse(JndiNames.sameName(name, new String(name)), "an equal name the app passed again is judged");
        assertFalse(JndiNames.sameName(null, name));
        CompositeName parsed = new CompositeName("ldap://h/a");
        assertTrue(JndiNames.sameName(parsed, parsed.get(0)));
        assertFalse(JndiNames.sameName(parsed, name));
    }
}
