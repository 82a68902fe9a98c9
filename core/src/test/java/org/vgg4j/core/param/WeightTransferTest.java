package org.vgg4j.core.param;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.testing.TestData;

/** Fine-tuning's starting weights: by name and shape from the source, the head replaced, mismatches named. */
class WeightTransferTest {
    private final Network net = TestData.tinyVgg(0);
    private final Parameters source = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 1);
    private final Parameters fresh = Parameters.initialize(net, Initializer.TORCHVISION_VGG, 2);

    @Test
    void everyTensorOfTheSameNameAndShapeIsLoadedAndAReplacedHeadIsFresh() {
        assertThat(WeightTransfer.headNames(net)).containsExactly("fc.4.weight", "fc.4.bias");
        WeightTransfer t = WeightTransfer.combine(net, fresh, source, Set.copyOf(WeightTransfer.headNames(net)));
        assertThat(t.fresh()).containsExactly("fc.4.weight", "fc.4.bias");
        assertThat(t.loaded()).hasSize(8).doesNotContain("fc.4.weight");
        assertThat(t.unused()).isEmpty();
        for (String name : t.loaded()) {
            assertThat(t.parameters().get(name).maxAbsDiff(source.get(name))).as(name).isZero();
        }
        assertThat(t.parameters().get("fc.4.weight").maxAbsDiff(fresh.get("fc.4.weight"))).isZero();
        assertThat(t.parameters().names()).containsExactlyElementsOf(fresh.names());
        // nothing replaced: everything from the source
        assertThat(WeightTransfer.combine(net, fresh, source, Set.of()).parameters().maxAbsDiff(source)).isZero();
    }

    @Test
    void aHeadOfAnotherShapeIsFreshButAnyOtherMisshapedTensorIsNamed() {
        Network five = withHead(5);
        Parameters fiveFresh = Parameters.initialize(five, Initializer.TORCHVISION_VGG, 3);
        WeightTransfer t = WeightTransfer.combine(five, fiveFresh, source, Set.of());
        assertThat(t.fresh()).containsExactly("fc.4.weight", "fc.4.bias");
        assertThat(t.loaded()).hasSize(8);

        Map<String, Tensor> bad = new LinkedHashMap<>(source.asMap());
        bad.put("vgg_block_2.0.weight", Tensor.zeros(Shape.of(8, 4, 1, 1)));
        bad.put("extra.weight", Tensor.zeros(Shape.of(2)));
        assertThatThrownBy(() -> WeightTransfer.combine(net, fresh, Parameters.of(bad), Set.of()))
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessage("its tensors do not fit network 'tiny-vgg': tensor 'vgg_block_2.0.weight' has shape "
                        + "[8, 4, 1, 1], expected [8, 4, 3, 3]");
        bad.remove("vgg_block_2.0.weight");
        WeightTransfer partial = WeightTransfer.combine(net, fresh, Parameters.of(bad), Set.of());
        assertThat(partial.fresh()).containsExactly("vgg_block_2.0.weight");
        assertThat(partial.unused()).containsExactly("extra.weight");
    }

    @Test
    void aSourceWithNothingInCommonIsRefused() {
        Parameters other = Parameters.of(Map.of("features.0.weight", Tensor.zeros(Shape.of(4, 1, 3, 3))));
        assertThatThrownBy(() -> WeightTransfer.combine(net, fresh, other, Set.of()))
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessageStartingWith("none of its 1 tensors fits network 'tiny-vgg' by name and shape (it has "
                        + "features.0.weight; the network has vgg_block_1.0.weight, vgg_block_1.0.bias, ");
    }

    private static Network withHead(int classes) {
        Sequential block1 = Sequential.of(Conv2d.same3x3(1, 4), new Relu(), Conv2d.same3x3(4, 4), new Relu(),
                new MaxPool2d(2, 2));
        Sequential block2 = Sequential.of(Conv2d.same3x3(4, 8), new Relu(), new MaxPool2d(2, 2));
        Sequential fc = Sequential.of(new Flatten(), new Linear(32, 16), new Relu(),
                new org.vgg4j.core.layer.Dropout(0), new Linear(16, classes));
        return new Network("tiny-vgg", new Sequential(List.of(new Sequential.Child("vgg_block_1", block1),
                new Sequential.Child("vgg_block_2", block2), new Sequential.Child("fc", fc))), Shape.of(1, 8, 8));
    }
}
