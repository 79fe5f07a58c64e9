//! `checkJndi`: one JNDI name operation (docs/native-boundary.md), inside a request or, with
//! an empty context, outside one.

use std::sync::atomic::Ordering;

use jni::objects::{JByteArray, JClass};
use jni::sys::{jint, jlong};
use jni::JNIEnv;
use rasp_engine::JndiSink;

use super::{guarded, read_bytes, record, slot};

pub(super) extern "system" fn check_jndi<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    name: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let name = read_bytes(env, &name, -1)?;
        let verdict = rt
            .engine
            .load()
            .check_jndi(&slot.context(), &JndiSink { api, name: &name });
        Some(record(rt, &slot, verdict))
    })
}
