//! `checkClass`: one class a deserializer is about to instantiate (docs/native-boundary.md,
//! "Deserialized classes").

use std::sync::atomic::Ordering;

use jni::objects::{JByteArray, JClass};
use jni::sys::{jint, jlong};
use jni::JNIEnv;
use rasp_engine::ClassSink;

use super::{guarded, record, slot};

pub(super) extern "system" fn check_class<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    name: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let name = env.convert_byte_array(&name).ok()?;
        let sink = ClassSink { api, name: &name };
        let verdict = rt.engine.load().check_class(&slot.context(), &sink);
        Some(record(rt, &slot, verdict))
    })
}
