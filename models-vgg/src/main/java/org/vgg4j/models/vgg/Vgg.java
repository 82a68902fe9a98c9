package org.vgg4j.models.vgg;

import java.util.ArrayList;
import java.util.List;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.layer.AdaptiveAvgPool2d;
import org.vgg4j.core.layer.BatchNorm2d;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Dropout;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Layer;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;

/**
 * Builds VGG networks, with or without batch norm after every convolution, in the d2l chapter's module structure
 * (children {@code vgg_block_1..5} and {@code fc}, so parameter names match the d2l PyTorch model's {@code state_dict})
 * or torchvision's ({@code features.N}, {@code avgpool}, {@code classifier.N}); see {@link VggLayout}.
 */
public final class Vgg {
    private Vgg() {
    }

    /**
     * The d2l chapter's VGG-11 exactly: 1x224x224 input, 10 classes, 4096 hidden units.
     *
     * @return the network, without weights
     */
    public static Network vgg11() {
        return build(VggConfig.d2l(VggVariant.VGG11));
    }

    /**
     * The d2l chapter's narrow VGG-11 (ratio 8): channels 8,16,32,32,64,64,64,64 and a 3136-512-512-10 head.
     *
     * @return the network, without weights
     */
    public static Network vgg11Narrow() {
        return build(VggConfig.d2l(VggVariant.VGG11).withRatio(8));
    }

    /**
     * The network described by {@code config}.
     *
     * @param config the variant, width ratio, input and head
     * @return the network, without weights
     */
    public static Network build(VggConfig config) {
        return config.layout() == VggLayout.TORCHVISION ? torchvision(config) : d2l(config);
    }

    /**
     * {@code torchvision.models.<config.modelName()>(num_classes=config.classes())}'s module structure (see
     * {@link VggLayout#TORCHVISION}), narrowed by the ratio.
     */
    private static Network torchvision(VggConfig config) {
        List<Layer> features = new ArrayList<>();
        int in = config.inChannels();
        for (VggVariant.Block block : config.variant().blocks()) {
            int out = block.channels() / config.ratio();
            for (int i = 0; i < block.convolutions(); i++) {
                features.add(Conv2d.same3x3(in, out));
                if (config.batchNorm()) {
                    features.add(new BatchNorm2d(out));
                }
                features.add(new Relu());
                in = out;
            }
            features.add(new MaxPool2d(2, 2));
        }
        int hidden = config.hiddenUnits() / config.ratio();
        Sequential classifier = Sequential.of(
                new Linear(in * 7 * 7, hidden), new Relu(), new Dropout(config.dropout()),
                new Linear(hidden, hidden), new Relu(), new Dropout(config.dropout()),
                new Linear(hidden, config.classes()));
        List<Sequential.Child> children = List.of(
                new Sequential.Child("features", Sequential.of(features)),
                new Sequential.Child("avgpool", new AdaptiveAvgPool2d(7, 7)),
                new Sequential.Child("flatten", new Flatten()),
                new Sequential.Child("classifier", classifier));
        return new Network(name(config), new Sequential(children),
                Shape.of(config.inChannels(), config.imageSize(), config.imageSize()));
    }

    private static String name(VggConfig config) {
        return config.modelName() + (config.ratio() == 1 ? "" : "-r" + config.ratio());
    }

    private static Network d2l(VggConfig config) {
        List<Sequential.Child> children = new ArrayList<>();
        int in = config.inChannels();
        int blockIndex = 1;
        for (VggVariant.Block block : config.variant().blocks()) {
            int out = block.channels() / config.ratio();
            List<Layer> layers = new ArrayList<>();
            for (int i = 0; i < block.convolutions(); i++) {
                layers.add(Conv2d.same3x3(in, out));
                if (config.batchNorm()) {
                    layers.add(new BatchNorm2d(out));
                }
                layers.add(new Relu());
                in = out;
            }
            layers.add(new MaxPool2d(2, 2));
            children.add(new Sequential.Child("vgg_block_" + blockIndex++, Sequential.of(layers)));
        }
        int spatial = config.imageSize() / 32;
        int hidden = config.hiddenUnits() / config.ratio();
        Sequential fc = Sequential.of(
                new Flatten(),
                new Linear(in * spatial * spatial, hidden), new Relu(), new Dropout(config.dropout()),
                new Linear(hidden, hidden), new Relu(), new Dropout(config.dropout()),
                new Linear(hidden, config.classes()));
        children.add(new Sequential.Child("fc", fc));
        return new Network(name(config), new Sequential(children),
                Shape.of(config.inChannels(), config.imageSize(), config.imageSize()));
    }
}
