//! `checkEntity`: an entity the XML parser sets up while serving a request (docs/native-boundary.md).

use std::sync::atomic::Ordering;

use jni::objects::{JByteArray, JClass};
use jni::sys::{jint, jlong};
use jni::JNIEnv;
use rasp_engine::engine::{EntityEvent, EntitySink};

use super::{guarded, record, slot};

/// `event`: 0 resolve (an external entity or DTD the parser opens itself), 1 the parse passed
/// the expansion limit. A null array is an absent id or name.
// The JNI signature fixes the parameter list.
#[allow(clippy::too_many_arguments)]
pub(super) extern "system" fn check_entity<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    handle: jlong,
    api: jint,
    event: jint,
    name: JByteArray<'l>,
    system_id: JByteArray<'l>,
    public_id: JByteArray<'l>,
) -> jint {
    guarded(&mut env, -1, |env| {
        let (rt, slot) = slot(handle)?;
        rt.stats.checks.fetch_add(1, Ordering::Relaxed);
        let bytes = |array: &JByteArray<'l>| -> Option<Vec<u8>> {
            if array.is_null() {
                Some(Vec::new())
            } else {
                env.convert_byte_array(array).ok()
            }
        };
        let (name, system_id, public_id) = (bytes(&name)?, bytes(&system_id)?, bytes(&public_id)?);
        let sink = EntitySink {
            api,
            event: EntityEvent::from_code(event)?,
            name: &name,
            system_id: &system_id,
            public_id: &public_id,
        };
        let verdict = rt.engine.load().check_entity(&slot.context(), &sink);
        Some(record(rt, &slot, verdict))
    })
}
