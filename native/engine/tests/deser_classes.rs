//! Deserialization checks with the default rules (`rules/deserialization.toml`): each gadget
//! class of the deny-list is blocked by its rule, each with a benign twin from the same
//! library or the JDK that is allowed; arrays are judged by their element class; per-rule modes
//! and the allow-list mode (`deser.allowed_classes`) work as for every other rule.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use rasp_engine::rules::{compile_dir, BackendChoice, RuleSet};
use rasp_engine::wire::RequestRecord;
use rasp_engine::{Action, ClassSink, ContextLimits, Engine, EngineConfig, RequestContext};

static DEFAULT: LazyLock<Arc<RuleSet>> = LazyLock::new(|| {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let compiled = compile_dir(&dir).unwrap_or_else(|d| {
        let lines: Vec<String> = d.iter().map(ToString::to_string).collect();
        panic!("the default rules do not compile:\n{}", lines.join("\n"))
    });
    Arc::new(RuleSet::load(&compiled.bytes, BackendChoice::Auto).expect("the default rules load"))
});

fn engine(config: &str) -> Engine {
    let config = EngineConfig::parse(config).expect("valid config");
    Engine::with_rules(config, DEFAULT.clone()).expect("rule ids exist")
}

fn request() -> RequestContext {
    RequestContext::new(
        &RequestRecord {
            method: "POST".into(),
            uri: "/deser/object".into(),
            query: Default::default(),
            remote_addr: "10.0.0.1".into(),
            content_type: "application/x-java-serialized-object".into(),
            headers: Vec::new(),
        },
        ContextLimits::default(),
    )
}

/// The verdict's action and rule id; `check_class` and `explain_class` must agree.
fn judge(e: &Engine, name: &str) -> (Action, Option<String>) {
    let ctx = request();
    let sink = ClassSink {
        api: 0,
        name: name.as_bytes(),
    };
    let v = e.check_class(&ctx, &sink);
    let x = e.explain_class(&ctx, &sink);
    assert_eq!(
        v.action, x.verdict.action,
        "check and explain differ for {name}"
    );
    if let Some(event) = &v.event {
        assert_eq!(event.sink.kind, "class");
        assert_eq!(event.sink.api, "java.io.ObjectInputStream.resolveClass");
        assert_eq!(event.sink.value, name);
        assert_eq!(event.category, "deser");
        assert!(event.input.is_none(), "a class finding names no input");
    }
    (v.action, v.event.map(|ev| ev.rule_id))
}

/// (gadget class, its rule, a benign twin).
const TABLE: &[(&str, &str, &str)] = &[
    (
        "org.apache.commons.collections.functors.InvokerTransformer",
        "commons_collections",
        "org.apache.commons.collections.map.LazyMap",
    ),
    (
        "org.apache.commons.collections4.functors.ChainedTransformer",
        "commons_collections",
        "org.apache.commons.collections4.bag.HashBag",
    ),
    (
        "com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl",
        "templates_impl",
        "com.sun.org.apache.xalan.internal.xsltc.trax.TransformerImpl",
    ),
    (
        "org.apache.xalan.xsltc.trax.TemplatesImpl",
        "templates_impl",
        "org.apache.xalan.xsltc.trax.SAX2DOM",
    ),
    (
        "javax.management.BadAttributeValueExpException",
        "bad_attribute_value",
        "javax.management.Attribute",
    ),
    (
        "org.codehaus.groovy.runtime.ConvertedClosure",
        "groovy",
        "groovy.lang.Tuple2",
    ),
    (
        "org.codehaus.groovy.runtime.MethodClosure",
        "groovy",
        "org.codehaus.groovy.runtime.GStringImpl",
    ),
    (
        "org.springframework.core.SerializableTypeWrapper$MethodInvokeTypeProvider",
        "spring",
        "org.springframework.core.ResolvableType",
    ),
    (
        "org.springframework.beans.factory.ObjectFactory",
        "spring",
        "org.springframework.beans.factory.support.DefaultListableBeanFactory",
    ),
    (
        "com.mchange.v2.c3p0.impl.PoolBackedDataSourceBase",
        "c3p0",
        "com.mchange.v2.c3p0.ComboPooledDataSource",
    ),
    (
        "com.mchange.v2.c3p0.WrapperConnectionPoolDataSource",
        "c3p0",
        "com.mchange.v2.c3p0.DriverManagerDataSource",
    ),
    (
        "com.sun.syndication.feed.impl.ObjectBean",
        "rome",
        "com.sun.syndication.feed.synd.SyndContentImpl",
    ),
    (
        "com.rometools.rome.feed.impl.ToStringBean",
        "rome",
        "com.rometools.rome.feed.synd.SyndContentImpl",
    ),
    (
        "org.apache.commons.beanutils.BeanComparator",
        "beanutils",
        "org.apache.commons.beanutils.BasicDynaBean",
    ),
    (
        "org.hibernate.engine.spi.TypedValue",
        "hibernate",
        "org.hibernate.engine.spi.EntityKey",
    ),
    (
        "org.hibernate.tuple.component.AbstractComponentTuplizer",
        "hibernate",
        "org.hibernate.tuple.component.ComponentMetamodel",
    ),
    (
        "java.rmi.server.UnicastRemoteObject",
        "jrmp",
        "java.rmi.server.ObjID",
    ),
    (
        "sun.rmi.server.UnicastRef",
        "jrmp",
        "sun.rmi.server.MarshalInputStream",
    ),
    (
        "java.rmi.server.RemoteObjectInvocationHandler",
        "jrmp",
        "java.rmi.MarshalledObject",
    ),
    (
        "com.sun.rowset.JdbcRowSetImpl",
        "jdbc_rowset",
        "com.sun.rowset.CachedRowSetImpl",
    ),
    (
        "clojure.core$comp$fn__4727",
        "clojure",
        "clojure.lang.PersistentVector",
    ),
    (
        "org.python.core.PyFunction",
        "jython",
        "org.python.util.PythonInterpreter",
    ),
    ("bsh.XThis", "beanshell", "bsh.util.JConsole"),
    (
        "org.apache.commons.fileupload.disk.DiskFileItem",
        "file_upload",
        "org.apache.commons.fileupload.disk.DiskFileItemFactory",
    ),
    (
        "org.mozilla.javascript.NativeJavaObject",
        "rhino",
        "org.mozilla.javascript.ConsString",
    ),
    (
        "java.io.FileOutputStream",
        "jdk_constructors",
        "java.io.ByteArrayOutputStream",
    ),
    (
        "javax.script.ScriptEngineManager",
        "jdk_constructors",
        "javax.script.SimpleBindings",
    ),
    (
        "java.net.URLClassLoader",
        "jdk_constructors",
        "java.net.URI",
    ),
    (
        "org.apache.commons.io.output.LockableFileWriter",
        "commons_io",
        "org.apache.commons.io.output.ByteArrayOutputStream",
    ),
];

#[test]
fn every_gadget_is_blocked_by_its_rule_and_its_twin_allowed() {
    let e = engine("");
    for (gadget, rule, twin) in TABLE {
        assert_eq!(
            judge(&e, gadget),
            (Action::Block, Some(format!("deser.gadget.{rule}"))),
            "{gadget}"
        );
        assert_eq!(judge(&e, twin), (Action::Allow, None), "{twin}");
    }
}

#[test]
fn jdk_collections_and_application_classes_are_allowed() {
    let e = engine("");
    for benign in [
        "java.util.ArrayList",
        "java.util.HashMap",
        "java.util.PriorityQueue",
        "java.lang.Integer",
        "[Ljava.lang.String;",
        "[I",
        "com.example.dto.Order",
        "org.apache.commons.collections.keyvalue.TiedMapEntry",
    ] {
        assert_eq!(judge(&e, benign), (Action::Allow, None), "{benign}");
    }
}

#[test]
fn an_array_of_gadgets_is_a_gadget() {
    let e = engine("");
    let name = "[[Lorg.apache.commons.collections.functors.InvokerTransformer;";
    assert_eq!(
        judge(&e, name),
        (
            Action::Block,
            Some("deser.gadget.commons_collections".into())
        )
    );
    let ctx = request();
    let v = e.check_class(
        &ctx,
        &ClassSink {
            api: 0,
            name: name.as_bytes(),
        },
    );
    let span = v.event.expect("an event").sink.span.expect("a span");
    assert_eq!(
        &name[span.start..span.end],
        "org.apache.commons.collections.functors."
    );
}

#[test]
fn the_annotation_handler_only_monitors() {
    assert_eq!(
        judge(
            &engine(""),
            "sun.reflect.annotation.AnnotationInvocationHandler"
        ),
        (
            Action::Monitor,
            Some("deser.gadget.annotation_handler".into())
        )
    );
}

#[test]
fn per_rule_modes_and_the_global_mode_apply() {
    let gadget = "org.apache.commons.collections.functors.InvokerTransformer";
    let monitored = engine("rules.mode.deser.gadget.commons_collections=monitor");
    assert_eq!(judge(&monitored, gadget).0, Action::Monitor);
    let off = engine("rules.mode.deser.gadget.commons_collections=off");
    assert_eq!(judge(&off, gadget), (Action::Allow, None));
    assert_eq!(judge(&engine("mode=monitor"), gadget).0, Action::Monitor);
    let excluded =
        engine("exclusion.legacy.rules=deser.gadget.*\nexclusion.legacy.routes=/deser/**");
    assert_eq!(judge(&excluded, gadget), (Action::Allow, None));
}

#[test]
fn the_allow_list_refuses_what_it_does_not_name() {
    let e = engine("deser.allowed_classes=java.util.ArrayList,com.example.dto.**");
    for allowed in [
        "java.util.ArrayList",
        "com.example.dto.Order",
        "com.example.dto.line.Item$Tax",
        "java.lang.Long",
        "java.lang.Number",
        "[Lcom.example.dto.Order;",
        "[B",
    ] {
        assert_eq!(judge(&e, allowed), (Action::Allow, None), "{allowed}");
    }
    for refused in [
        "java.util.HashMap",
        "com.example.Other",
        "[Ljava.util.HashMap;",
    ] {
        assert_eq!(
            judge(&e, refused),
            (Action::Block, Some("deser.not_allowed".into())),
            "{refused}"
        );
    }
    // Outside the list and a gadget: the built-in finding wins the tie, the rule is listed.
    let ctx = request();
    let v = e.check_class(
        &ctx,
        &ClassSink {
            api: 0,
            name: b"com.sun.rowset.JdbcRowSetImpl",
        },
    );
    let event = v.event.expect("an event");
    assert_eq!(event.rule_id, "deser.not_allowed");
    assert_eq!(event.other_rules, ["deser.gadget.jdbc_rowset"]);
    let monitored =
        engine("deser.allowed_classes=java.util.ArrayList\nrules.mode.deser.not_allowed=monitor");
    assert_eq!(judge(&monitored, "java.util.HashMap").0, Action::Monitor);
}

#[test]
fn yaml_tags_name_their_api() {
    let v = engine("").check_class(
        &request(),
        &ClassSink {
            api: 2,
            name: b"java.io.FileOutputStream",
        },
    );
    let event = v.event.expect("an event");
    assert_eq!(
        event.sink.api,
        "org.yaml.snakeyaml.constructor.Constructor.getClassForNode"
    );
    assert_eq!(event.rule_id, "deser.gadget.jdk_constructors");
}

#[test]
fn proxy_interfaces_name_their_api() {
    let e = engine("");
    let v = e.check_class(
        &request(),
        &ClassSink {
            api: 1,
            name: b"org.springframework.beans.factory.ObjectFactory",
        },
    );
    let event = v.event.expect("an event");
    assert_eq!(
        event.sink.api,
        "java.io.ObjectInputStream.resolveProxyClass"
    );
    assert_eq!(event.rule_id, "deser.gadget.spring");
}

#[test]
fn xstream_and_jackson_name_their_api() {
    let e = engine("");
    for (api, name, sink_api, rule) in [
        (
            3,
            "org.apache.commons.collections.functors.ChainedTransformer",
            "com.thoughtworks.xstream.mapper.CachingMapper.realClass",
            "deser.gadget.commons_collections",
        ),
        (
            4,
            "org.apache.commons.io.output.LockableFileWriter",
            "com.fasterxml.jackson.databind.jsontype.impl.ClassNameIdResolver.typeFromId",
            "deser.gadget.commons_io",
        ),
    ] {
        let v = e.check_class(
            &request(),
            &ClassSink {
                api,
                name: name.as_bytes(),
            },
        );
        let event = v.event.expect("an event");
        assert_eq!(event.sink.api, sink_api);
        assert_eq!(event.rule_id, rule);
    }
}
