package org.vgg4j.models.vgg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vgg4j.core.LayerNode;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Linear;

class VggTest {

    @Test
    void vgg11ShapeTableMatchesTheD2lChapter() {
        List<String> table = Vgg.vgg11().shapeTable(1).stream()
                .map(n -> n.path() + " " + n.outputShape()).toList();
        assertThat(table).containsExactly(
                "vgg_block_1 [1, 64, 112, 112]",
                "vgg_block_2 [1, 128, 56, 56]",
                "vgg_block_3 [1, 256, 28, 28]",
                "vgg_block_4 [1, 512, 14, 14]",
                "vgg_block_5 [1, 512, 7, 7]",
                "fc [1, 10]");
    }

    @Test
    void narrowVgg11HasTheChaptersChannelsAndHead() {
        Network net = Vgg.vgg11Narrow();
        List<Integer> convChannels = net.leaves(1).stream().map(LayerNode::layer)
                .filter(l -> l instanceof Conv2d).map(l -> ((Conv2d) l).outChannels()).toList();
        assertThat(convChannels).containsExactly(8, 16, 32, 32, 64, 64, 64, 64);
        List<String> linears = net.leaves(1).stream().map(LayerNode::layer).filter(l -> l instanceof Linear)
                .map(l -> ((Linear) l).inFeatures() + "->" + ((Linear) l).outFeatures()).toList();
        assertThat(linears).containsExactly("3136->512", "512->512", "512->10");
    }

    @Test
    void narrowVgg11ParameterNamesAndCountsFollowTheD2lStateDict() {
        Network net = Vgg.vgg11Narrow();
        String names = net.parameterSpecs().stream().map(p -> p.name() + p.shape())
                .collect(Collectors.joining(" "));
        assertThat(names).startsWith("vgg_block_1.0.weight[8, 1, 3, 3] vgg_block_1.0.bias[8] "
                + "vgg_block_2.0.weight[16, 8, 3, 3]");
        assertThat(names).contains("vgg_block_3.2.weight[32, 32, 3, 3]", "fc.1.weight[512, 3136]",
                "fc.4.weight[512, 512]", "fc.7.weight[10, 512]", "fc.7.bias[10]");
        // Conv: 80+1168+4640+9248+18496+36928+36928+36928; FC: 1606144+262656+5130.
        assertThat(net.parameterCount()).isEqualTo(80 + 1168 + 4640 + 9248 + 18496 + 36928 + 36928 + 36928
                + 1606144 + 262656 + 5130);
    }

    @Test
    void fullVgg11HasTheKnownParameterCount() {
        // torchvision's vgg11 has 132,863,336 parameters with 3 input channels, 1000 classes.
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG11).withInChannels(3).withClasses(1000));
        assertThat(net.parameterCount()).isEqualTo(132_863_336L);
    }

    @ParameterizedTest
    @EnumSource(VggVariant.class)
    void everyVariantHasTheTorchvisionParameterCount(VggVariant variant) {
        long expected = switch (variant) {
            case VGG11 -> 132_863_336L;
            case VGG13 -> 133_047_848L;
            case VGG16 -> 138_357_544L;
            case VGG19 -> 143_667_240L;
        };
        Network net = Vgg.build(VggConfig.d2l(variant).withInChannels(3).withClasses(1000));
        assertThat(net.parameterCount()).isEqualTo(expected);
        assertThat(net.parameterSpecs().stream().filter(p -> p.name().endsWith(".weight")).count())
                .isEqualTo(variant.blocks().stream().mapToInt(VggVariant.Block::convolutions).sum() + 3);
    }

    @Test
    void inputSizeMustBeAMultipleOf32() {
        assertThatThrownBy(() -> VggConfig.d2l(VggVariant.VGG11).withImageSize(100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 32").hasMessageContaining("100").hasMessageContaining("try 96");
    }

    @Test
    void theTorchvisionLayoutTakesAnyInputSizeFrom32() {
        VggConfig tv = VggConfig.d2l(VggVariant.VGG11).withRatio(8).withLayout(VggLayout.TORCHVISION);
        // As torch: 100 -> 50 -> 25 -> 12 -> 6 -> 3 (floor), then the adaptive pool to 7x7.
        Network net = Vgg.build(tv.withImageSize(100));
        assertThat(net.outputShape(Shape.of(2, 1, 100, 100))).isEqualTo(Shape.of(2, 10));
        assertThat(net.shapeTable(2).get(0).outputShape()).isEqualTo(Shape.of(2, 64, 3, 3));
        assertThatThrownBy(() -> tv.withImageSize(31)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 32").hasMessageContaining("31");
    }

    @Test
    void wrongInputIsReportedWithLayerAndShapes() {
        Network net = Vgg.vgg11Narrow();
        assertThatThrownBy(() -> net.outputShape(Shape.of(2, 3, 224, 224)))
                .isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("'input'").hasMessageContaining("[N >= 1, 1, 224, 224]")
                .hasMessageContaining("[2, 3, 224, 224]");
        assertThatThrownBy(() -> net.outputShape(Shape.of(1, 224, 224)))
                .isInstanceOf(ShapeMismatchException.class).hasMessageContaining("[1, 224, 224]");
        assertThat(net.outputShape(Shape.of(5, 1, 224, 224))).isEqualTo(Shape.of(5, 10));
    }

    @Test
    void smallerInputsShrinkOnlyTheFirstLinearLayer() {
        Network net = Vgg.build(VggConfig.d2l(VggVariant.VGG16).withRatio(8).withImageSize(32));
        assertThat(net.shapeTable(2).get(4).outputShape()).isEqualTo(Shape.of(2, 64, 1, 1));
        assertThat(net.parameterSpecs().stream().filter(p -> p.name().equals("fc.1.weight")).findFirst()
                .orElseThrow().shape()).isEqualTo(Shape.of(512, 64));
    }

    @Test
    void pytorchStyleDescriptionPrintsTheModuleTree() {
        String text = Vgg.vgg11Narrow().describePytorch();
        assertThat(text).startsWith("Sequential(\n  (vgg_block_1): Sequential(\n"
                + "    (0): Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))\n    (1): ReLU()\n"
                + "    (2): MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)\n  )\n");
        assertThat(text).contains("  (fc): Sequential(\n    (0): Flatten(start_dim=1, end_dim=-1)\n"
                + "    (1): Linear(in_features=3136, out_features=512, bias=True)\n    (2): ReLU()\n"
                + "    (3): Dropout(p=0.5, inplace=False)\n");
        assertThat(text).endsWith("    (7): Linear(in_features=512, out_features=10, bias=True)\n  )\n)");
    }

    @Test
    void variantNamesParseLeniently() {
        assertThat(VggVariant.byName("VGG-16")).isEqualTo(VggVariant.VGG16);
        assertThat(VggVariant.byName("19")).isEqualTo(VggVariant.VGG19);
        assertThatThrownBy(() -> VggVariant.byName("resnet")).hasMessageContaining("vgg11, vgg13, vgg16 or vgg19");
    }
}
