package org.hibernate.query;

/** Test stand-in, by name only: the agent matches Hibernate's interface by its name (OrmApisTest). */
public interface QueryProducer {
    Object createSelectionQuery(String hql);
}
