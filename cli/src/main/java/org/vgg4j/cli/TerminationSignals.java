package org.vgg4j.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.function.IntConsumer;

/**
 * Lets a command handle SIGTERM and SIGINT itself before the JVM begins to shut down, through the JDK's
 * {@code sun.misc.Signal} (module {@code jdk.unsupported}, reached by reflection so the build stays free of
 * internal-API warnings).
 *
 * <p>Why not a shutdown hook: hooks run concurrently in no fixed order, and ONNX Runtime's Java API releases its
 * native environment in a hook of its own, so a server still draining requests in a hook of ours would call a released
 * engine (a SIGSEGV in {@code libonnxruntime.so}, seen here). Handled this way, the JVM's hooks run only after the
 * command has finished with its engines and exits.
 */
final class TerminationSignals {
    private TerminationSignals() {
    }

    /**
     * Calls {@code onSignal} with the exit code a signal means (143 for SIGTERM, 130 for SIGINT), on a thread of the
     * JVM's, instead of shutting the JVM down.
     *
     * @return whether the handlers could be installed; when not (another JVM, {@code -Xrs}, a signal ignored from the
     *         start), the JVM's own handling stays and callers should fall back to a shutdown hook
     */
    static boolean install(IntConsumer onSignal) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Method handle = signal.getMethod("handle", signal, handler);
            boolean any = false;
            for (String name : new String[] {"TERM", "INT"}) {
                int code = name.equals("TERM") ? 143 : Main.EXIT_INTERRUPTED;
                InvocationHandler call = (proxy, method, args) -> {
                    if (method.getName().equals("handle")) {
                        onSignal.accept(code);
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "vgg4j handler of SIG" + name;
                    };
                };
                Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, call);
                try {
                    handle.invoke(null, signal.getConstructor(String.class).newInstance(name), h);
                    any = true;
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // this signal is reserved or ignored here: the JVM's handling stays
                }
            }
            return any;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
