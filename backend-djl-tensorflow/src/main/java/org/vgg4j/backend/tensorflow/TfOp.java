package org.vgg4j.backend.tensorflow;

import ai.djl.ndarray.NDArray;
import ai.djl.tensorflow.engine.TfNDArray;
import ai.djl.tensorflow.engine.TfNDManager;
import ai.djl.tensorflow.engine.VggTfAccess;
import java.nio.charset.StandardCharsets;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.tensorflow.internal.c_api.TFE_Executor;
import org.tensorflow.internal.c_api.TFE_Op;
import org.tensorflow.internal.c_api.TFE_TensorHandle;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;

/**
 * One eager TensorFlow kernel call, built and executed through the TensorFlow C API: inputs and attributes in, output
 * arrays owned by the given DJL manager out; the op itself is deleted after {@link #run(int)}.
 *
 * <p>Callers must have validated every shape before: a failing op leaves TensorFlow's eager context unusable for the
 * rest of the process. Not thread-safe.
 */
final class TfOp {
    private final TfNDManager manager;
    private final TF_Status status;
    private final TFE_Op op;
    private final String name;

    private TfOp(TfNDManager manager, TF_Status status, String name) {
        this.manager = manager;
        this.status = status;
        this.name = name;
        this.op = TFE_Op.newOp(manager.getEagerSession(), name, status);
        check();
    }

    /** Starts a call of kernel {@code name}; outputs will belong to {@code manager}. */
    static TfOp of(TfNDManager manager, TF_Status status, String name) {
        return new TfOp(manager, status, name);
    }

    TfOp input(NDArray array) {
        tensorflow.TFE_OpAddInput(op, ((TfNDArray) array).getHandle(), status);
        check();
        return this;
    }

    /** Adds a list-typed input (such as {@code _FusedConv2D}'s {@code args}). */
    TfOp inputList(NDArray... arrays) {
        try (PointerPointer<TFE_TensorHandle> list = new PointerPointer<>(arrays.length)) {
            for (int i = 0; i < arrays.length; i++) {
                list.put(i, ((TfNDArray) arrays[i]).getHandle());
            }
            tensorflow.TFE_OpAddInputList(op, list, arrays.length, status);
        }
        check();
        return this;
    }

    TfOp attr(String key, long value) {
        tensorflow.TFE_OpSetAttrInt(op, key, value);
        return this;
    }

    TfOp attr(String key, float value) {
        tensorflow.TFE_OpSetAttrFloat(op, key, value);
        return this;
    }

    TfOp attr(String key, boolean value) {
        tensorflow.TFE_OpSetAttrBool(op, key, (byte) (value ? 1 : 0));
        return this;
    }

    TfOp attr(String key, long... values) {
        tensorflow.TFE_OpSetAttrIntList(op, key, values, values.length);
        return this;
    }

    TfOp attr(String key, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        try (BytePointer p = new BytePointer(bytes)) {
            tensorflow.TFE_OpSetAttrString(op, key, p, bytes.length);
        }
        return this;
    }

    TfOp attr(String key, String... values) {
        BytePointer[] strings = new BytePointer[values.length];
        try (BytePointer keyPointer = new BytePointer(key);
                PointerPointer<BytePointer> ptrs = new PointerPointer<>(values.length);
                SizeTPointer lengths = new SizeTPointer(values.length)) {
            for (int i = 0; i < values.length; i++) {
                byte[] bytes = values[i].getBytes(StandardCharsets.UTF_8);
                strings[i] = new BytePointer(bytes);
                ptrs.put(i, strings[i]);
                lengths.put(i, bytes.length);
            }
            tensorflow.TFE_OpSetAttrStringList(op, keyPointer, ptrs, lengths, values.length);
        } finally {
            for (BytePointer s : strings) {
                if (s != null) {
                    s.close();
                }
            }
        }
        return this;
    }

    /** Sets a type attribute such as {@code T} or {@code Tidx} ({@code TF_DataType} code). */
    TfOp type(String key, int tfDataType) {
        tensorflow.TFE_OpSetAttrType(op, key, tfDataType);
        return this;
    }

    /** Executes the kernel and returns its {@code outputs} results, owned by the manager. */
    NDArray[] run(int outputs) {
        long start = OpProfile.ENABLED ? System.nanoTime() : 0;
        try (PointerPointer<TFE_TensorHandle> retvals = new PointerPointer<>(Math.max(1, outputs));
                IntPointer count = new IntPointer(1)) {
            count.put(outputs);
            tensorflow.TFE_Execute(op, retvals, count, status);
            check();
            int n = count.get();
            NDArray[] out = new NDArray[n];
            for (int i = 0; i < n; i++) {
                TFE_TensorHandle h = retvals.get(TFE_TensorHandle.class, i).withDeallocator();
                out[i] = VggTfAccess.wrap(manager, h);
            }
            if (OpProfile.ENABLED) {
                OpProfile.record(name, manager.getEagerSession(), start);
            }
            return out;
        } finally {
            op.close();
        }
    }

    /** Executes a kernel with exactly one output. */
    NDArray run() {
        return run(1)[0];
    }

    /**
     * A failed kernel leaves an error on the eager executor that cancels every later op; clearing it makes the context
     * usable again (a second line of defence: the backend validates shapes so that kernels should not fail).
     */
    private void clearExecutorError() {
        TFE_Executor executor = tensorflow.TFE_ContextGetExecutorForThread(manager.getEagerSession());
        try {
            tensorflow.TFE_ExecutorClearError(executor);
        } finally {
            tensorflow.TFE_DeleteExecutor(executor);
        }
    }

    private void check() {
        if (tensorflow.TF_GetCode(status) != tensorflow.TF_OK) {
            String message = tensorflow.TF_Message(status).getString();
            op.close();
            clearExecutorError();
            throw new TensorflowOpException("TensorFlow kernel " + name + " failed: " + message);
        }
    }
}
