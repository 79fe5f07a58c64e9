package dev.rasp.core.jmx;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanConstructorInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ReflectionException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A read-only MBean whose attributes are plain Long, Double, String and Boolean values, so that
 * jconsole, any JMX client and the Prometheus JMX exporter read them with nothing of the agent
 * on their class path. Dynamic rather than a standard MBean: the attribute set follows what the
 * engine reports (a counter it adds shows up without a change here), and the server never has to
 * introspect a class of the agent's isolated loader.
 *
 * <p>Every read takes one snapshot ({@link #read()}), from lock-free counters only: a JMX client
 * never makes an application thread wait.
 */
abstract class ReadOnlyBean implements DynamicMBean {

    private final String description;

    ReadOnlyBean(String description) {
        this.description = description;
    }

    /** The attributes with their values, now. */
    abstract Values read();

    /** An ordered set of attributes, each with its type and meaning. */
    static final class Values {
        final Map<String, Object> values = new LinkedHashMap<String, Object>();
        final List<MBeanAttributeInfo> infos = new ArrayList<MBeanAttributeInfo>();

        Values put(String name, Class<?> type, Object value, String meaning) {
            if (values.containsKey(name)) {
                return this;
            }
            values.put(name, value);
            infos.add(new MBeanAttributeInfo(name, type.getName(), meaning, true, false, false));
            return this;
        }

        Values count(String name, Long value, String meaning) {
            return put(name, Long.class, value, meaning);
        }
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        Values v = read();
        if (!v.values.containsKey(attribute)) {
            throw new AttributeNotFoundException(attribute);
        }
        return v.values.get(attribute);
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Values v = read();
        AttributeList out = new AttributeList();
        for (String a : attributes) {
            if (v.values.containsKey(a)) {
                out.add(new Attribute(a, v.values.get(a)));
            }
        }
        return out;
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        List<MBeanAttributeInfo> infos = read().infos;
        return new MBeanInfo(getClass().getName(), description,
                infos.toArray(new MBeanAttributeInfo[0]), new MBeanConstructorInfo[0],
                new MBeanOperationInfo[0], new MBeanNotificationInfo[0]);
    }
}
