//! Which class a class loader has loaded under a name, for the Java pre-filter.
//!
//! The pre-filter walks the super types of the classes being loaded, and a super type its loader
//! has loaded already is described from its `Class` instead of read from its jar
//! (`dev.rasp.core.instrumentation.LoadedClasses`). The JVM's record is
//! `ClassLoader.findLoadedClass`, which is protected: from Java it takes deep reflection on
//! `java.lang`, which on JDK 9 to 15 prints the JVM's "illegal reflective access" warning however
//! the package was opened (`java.lang` is one of the packages `--illegal-access=permit` opens, and
//! its logger warns on those whatever else opened them). A JNI call is not subject to the language's
//! access checks, so the agent asks here: nothing is opened, nothing is printed, on every JDK.

use std::sync::OnceLock;

use jni::objects::{JClass, JMethodID, JObject, JString};
use jni::signature::ReturnType;
use jni::sys::{jclass, jvalue};
use jni::{JNIEnv, NativeMethod};

use crate::contain::contained;

/// The natives of `NativeEngine` this module implements.
pub fn methods() -> Vec<NativeMethod> {
    vec![NativeMethod {
        name: "loadedClass".into(),
        sig: "(Ljava/lang/ClassLoader;Ljava/lang/String;)Ljava/lang/Class;".into(),
        fn_ptr: loaded_class as *mut std::ffi::c_void,
    }]
}

/// `Class<?> loadedClass(ClassLoader loader, String binaryName)`: the class `loader` has loaded
/// under that name, as `findLoadedClass` answers (the JVM recorded the loader as its defining or
/// initiating loader), or null when it has not, for a null argument, or on any failure (the Java
/// side then reads the class file, as for a type not loaded).
extern "system" fn loaded_class<'l>(
    mut env: JNIEnv<'l>,
    _class: JClass<'l>,
    loader: JObject<'l>,
    name: JString<'l>,
) -> jclass {
    let found = contained(&mut env, |env| -> Option<jclass> {
        if loader.is_null() || name.is_null() {
            return None;
        }
        let method = find_loaded_class(env)?;
        let args = [jvalue { l: name.as_raw() }];
        // SAFETY: `method` is `java.lang.ClassLoader.findLoadedClass(String)`, `loader` is a
        // non-null `ClassLoader` (the native's Java signature admits nothing else), and the one
        // argument is a `String`, as the method takes; it returns an object (a `Class` or null).
        let value =
            unsafe { env.call_method_unchecked(&loader, method, ReturnType::Object, &args) }
                .ok()?;
        Some(value.l().ok()?.into_raw())
    });
    found.unwrap_or(std::ptr::null_mut())
}

/// `ClassLoader.findLoadedClass`'s id, looked up once: `java.lang.ClassLoader` is never unloaded,
/// so the id stays valid for the life of the JVM.
fn find_loaded_class(env: &mut JNIEnv<'_>) -> Option<JMethodID> {
    static METHOD: OnceLock<JMethodID> = OnceLock::new();
    if let Some(method) = METHOD.get() {
        return Some(*method);
    }
    let method = env
        .get_method_id(
            "java/lang/ClassLoader",
            "findLoadedClass",
            "(Ljava/lang/String;)Ljava/lang/Class;",
        )
        .ok()?;
    Some(*METHOD.get_or_init(|| method))
}
