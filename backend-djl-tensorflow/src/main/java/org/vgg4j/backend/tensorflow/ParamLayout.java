package org.vgg4j.backend.tensorflow;

import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;

/**
 * How one parameter is stored inside the backend: its {@code state_dict} name and NCHW/OIHW shape, the engine shape,
 * and the permutation between the two (convolution weights are kept HWIO, the first linear weight after a flatten
 * keeps its columns in NHWC order). Conversions happen only when parameters cross the SPI.
 *
 * @param name        the {@code state_dict} name
 * @param coreShape   the shape every backend exchanges
 * @param engineShape the shape TensorFlow holds
 * @param kind        which permutation applies
 * @param chw         for {@link Kind#FC_AFTER_FLATTEN}: the flattened activation's channels, height, width
 */
record ParamLayout(String name, Shape coreShape, Shape engineShape, Kind kind, int[] chw) {

    /** The permutation between the core and the engine layout. */
    enum Kind { PLAIN, CONV_HWIO, FC_AFTER_FLATTEN }

    static ParamLayout plain(String name, Shape shape) {
        return new ParamLayout(name, shape, shape, Kind.PLAIN, null);
    }

    static ParamLayout conv(String name, Shape oihw) {
        return new ParamLayout(name, oihw, Shape.of(oihw.dim(2), oihw.dim(3), oihw.dim(1), oihw.dim(0)),
                Kind.CONV_HWIO, null);
    }

    static ParamLayout fcAfterFlatten(String name, Shape shape, int c, int h, int w) {
        if (c == 1 || h * w == 1) {
            return plain(name, shape);
        }
        return new ParamLayout(name, shape, shape, Kind.FC_AFTER_FLATTEN, new int[] {c, h, w});
    }

    /** Core-layout values to engine-layout values. */
    float[] toEngine(Tensor t) {
        float[] v = t.toArray();
        if (kind == Kind.CONV_HWIO) {
            return Layouts.oihwToHwio(v, coreShape.dim(0), coreShape.dim(1), coreShape.dim(2), coreShape.dim(3));
        }
        if (kind == Kind.FC_AFTER_FLATTEN) {
            return Layouts.nchwColumnsToNhwc(v, coreShape.dim(0), chw[0], chw[1], chw[2]);
        }
        return v;
    }

    /** Engine-layout values to a core-layout tensor. */
    Tensor toCore(float[] v) {
        if (kind == Kind.CONV_HWIO) {
            v = Layouts.hwioToOihw(v, coreShape.dim(0), coreShape.dim(1), coreShape.dim(2), coreShape.dim(3));
        } else if (kind == Kind.FC_AFTER_FLATTEN) {
            v = Layouts.nhwcColumnsToNchw(v, coreShape.dim(0), chw[0], chw[1], chw[2]);
        }
        return Tensor.wrap(coreShape, v);
    }
}
