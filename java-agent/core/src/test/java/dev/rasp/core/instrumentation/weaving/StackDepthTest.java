package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A return with values below the returned one (legal bytecode no Java compiler emits) is refused
 * by the weaver rather than woven into a class the JVM would reject; ordinary returns weave.
 */
class StackDepthTest {

    /** Exit advice that reads the return value. */
    public static final class ExitAdvice {
        private ExitAdvice() {
        }

        @Advice.OnMethodExit
        public static void exit(@Advice.Return Object returned) {
            String.valueOf(returned);
        }
    }

    /** {@code public static Object junk(Object o)}: pushes an int it leaves below the returned object. */
    private static byte[] targetWithJunk() {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        cw.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "dev/rasp/test/Junk", null, "java/lang/Object", null);
        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "junk", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitCode();
        mv.visitInsn(Opcodes.ICONST_1);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        mv = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "clean", "(Ljava/lang/Object;)Ljava/lang/Object;", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitInsn(Opcodes.ARETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private static AdviceClass exitAdvice() throws Exception {
        try (InputStream in = StackDepthTest.class.getClassLoader()
                .getResourceAsStream(ExitAdvice.class.getName().replace('.', '/') + ".class")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return AdviceClass.read(out.toByteArray(), ParameterBindings.none());
        }
    }

    private static Object call(byte[] classFile, String method, Object arg) throws Exception {
        ClassLoader loader = new ClassLoader(StackDepthTest.class.getClassLoader()) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                if (name.equals("dev.rasp.test.Junk")) {
                    return defineClass(name, classFile, 0, classFile.length);
                }
                throw new ClassNotFoundException(name);
            }
        };
        return loader.loadClass("dev.rasp.test.Junk").getMethod(method, Object.class).invoke(null, arg);
    }

    @Test
    void theUnwovenClassIsValid() throws Exception {
        assertEquals("x", call(targetWithJunk(), "junk", "x"));
    }

    @Test
    void aReturnWithValuesBelowItIsRefusedNotWovenInvalid() throws Exception {
        AdviceClass advice = exitAdvice();
        AdviceException refused = assertThrows(AdviceException.class, () -> AdviceWeaver.weave(targetWithJunk(),
                (name, descriptor) -> name.equals("junk") ? Collections.singletonList(advice) : null));
        assertTrue(refused.getMessage().contains("below the returned one"), refused.getMessage());
    }

    @Test
    void anOrdinaryReturnIsWoven() throws Exception {
        AdviceClass advice = exitAdvice();
        byte[] woven = AdviceWeaver.weave(targetWithJunk(),
                (name, descriptor) -> name.equals("clean") ? Collections.singletonList(advice) : null);
        assertNotNull(woven);
        assertEquals("y", call(woven, "clean", "y"));
    }
}
