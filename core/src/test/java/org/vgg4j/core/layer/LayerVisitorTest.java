package org.vgg4j.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.testing.TestData;

/** Every layer record dispatches to its own visitor method, and knows its forward cost. */
class LayerVisitorTest {

    /** Names the method each layer reached. */
    private static final LayerVisitor<String> NAMES = new LayerVisitor<>() {
        @Override
        public String conv2d(Conv2d layer) {
            return "conv2d";
        }

        @Override
        public String relu(Relu layer) {
            return "relu";
        }

        @Override
        public String maxPool2d(MaxPool2d layer) {
            return "maxPool2d";
        }

        @Override
        public String flatten(Flatten layer) {
            return "flatten";
        }

        @Override
        public String linear(Linear layer) {
            return "linear";
        }

        @Override
        public String dropout(Dropout layer) {
            return "dropout";
        }

        @Override
        public String batchNorm2d(BatchNorm2d layer) {
            return "batchNorm2d";
        }

        @Override
        public String adaptiveAvgPool2d(AdaptiveAvgPool2d layer) {
            return "adaptiveAvgPool2d";
        }

        @Override
        public String avgPool2d(AvgPool2d layer) {
            return "avgPool2d";
        }

        @Override
        public String sequential(Sequential layer) {
            return "sequential";
        }
    };

    /** One instance of every kind of layer, in the order {@link Layer} permits them. */
    private static final List<Layer> ONE_OF_EACH = List.of(Conv2d.same3x3(1, 2), new Relu(), new MaxPool2d(2, 2),
            new Flatten(), new Linear(3, 4), new Dropout(0.5), new BatchNorm2d(2), new AdaptiveAvgPool2d(7, 7),
            new AvgPool2d(2, 2), Sequential.of(new Relu()));

    @Test
    void eachRecordReachesItsOwnMethod() {
        assertThat(ONE_OF_EACH).extracting(l -> l.accept(NAMES)).containsExactly("conv2d", "relu", "maxPool2d",
                "flatten", "linear", "dropout", "batchNorm2d", "adaptiveAvgPool2d", "avgPool2d", "sequential");
        // A new record must be added above (and to LayerVisitor, which the compiler enforces everywhere else).
        assertThat(Arrays.stream(Layer.class.getPermittedSubclasses()).map(Class::getSimpleName))
                .containsExactlyElementsOf(ONE_OF_EACH.stream().map(l -> l.getClass().getSimpleName()).toList());
    }

    @Test
    void aLeafVisitorRefusesAContainerByDefault() {
        LayerVisitor<String> leavesOnly = new LayerVisitor<>() {
            @Override
            public String conv2d(Conv2d layer) {
                return "c";
            }

            @Override
            public String relu(Relu layer) {
                return "r";
            }

            @Override
            public String maxPool2d(MaxPool2d layer) {
                return "m";
            }

            @Override
            public String flatten(Flatten layer) {
                return "f";
            }

            @Override
            public String linear(Linear layer) {
                return "l";
            }

            @Override
            public String dropout(Dropout layer) {
                return "d";
            }

            @Override
            public String batchNorm2d(BatchNorm2d layer) {
                return "b";
            }

            @Override
            public String adaptiveAvgPool2d(AdaptiveAvgPool2d layer) {
                return "a";
            }

            @Override
            public String avgPool2d(AvgPool2d layer) {
                return "v";
            }
        };
        Network net = TestData.tinyVgg(0.5);
        assertThat(net.leaves(1).stream().map(n -> n.layer().accept(leavesOnly)).reduce("", String::concat))
                .isEqualTo("crcrmcrmflrdl");
        assertThatThrownBy(() -> net.root().accept(leavesOnly)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leaf layers only").hasMessageContaining("[vgg_block_1, vgg_block_2, fc]");
    }

    @Test
    void forwardFlopsCountMatrixProductsAsTwoPerMultiplyAdd() {
        // conv 3x3, 2 -> 5 channels on 6x6 with padding 1: 2 * (2 * 9) * (5 * 6 * 6) per sample
        assertThat(Conv2d.same3x3(2, 5).forwardFlops(Shape.of(3, 2, 6, 6))).isEqualTo(3L * 2 * 18 * 180);
        assertThat(new Conv2d(1, 1, 3, 2, 0).forwardFlops(Shape.of(1, 1, 7, 7))).isEqualTo(2L * 9 * 9);
        assertThat(new Linear(7, 4).forwardFlops(Shape.of(2, 7))).isEqualTo(2L * 2 * 7 * 4);
        for (Layer free : List.of(new Relu(), new MaxPool2d(2, 2), new Flatten(), new Dropout(0.1), new BatchNorm2d(2),
                new AdaptiveAvgPool2d(3, 3), new AvgPool2d(2, 2))) {
            assertThat(free.forwardFlops(Shape.of(1, 2, 4, 4))).as(free.describe()).isZero();
        }
        Network tiny = TestData.tinyVgg(0);
        long byHand = 2L * (9 * 4 * 64) + 2L * (36 * 4 * 64) + 2L * (36 * 8 * 16) + 2L * 32 * 16 + 2L * 16 * 10;
        assertThat(tiny.root().forwardFlops(tiny.sampleShape().prepend(1))).isEqualTo(byHand);
        assertThat(tiny.root().forwardFlops(tiny.sampleShape().prepend(5))).isEqualTo(5 * byHand);
    }
}
