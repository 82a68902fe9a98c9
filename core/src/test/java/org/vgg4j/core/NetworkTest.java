package org.vgg4j.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.layer.Conv2d;
import org.vgg4j.core.layer.Flatten;
import org.vgg4j.core.layer.Linear;
import org.vgg4j.core.layer.MaxPool2d;
import org.vgg4j.core.layer.Relu;
import org.vgg4j.core.layer.Sequential;
import org.vgg4j.core.testing.TestData;

class NetworkTest {

    @Test
    void infersEveryLeafShapeAndNamesParametersLikeAStateDict() {
        Network net = TestData.tinyVgg(0.5);
        assertThat(net.leaves(2)).extracting(n -> n.path() + n.outputShape()).containsExactly(
                "vgg_block_1.0[2, 4, 8, 8]", "vgg_block_1.1[2, 4, 8, 8]", "vgg_block_1.2[2, 4, 8, 8]",
                "vgg_block_1.3[2, 4, 8, 8]", "vgg_block_1.4[2, 4, 4, 4]", "vgg_block_2.0[2, 8, 4, 4]",
                "vgg_block_2.1[2, 8, 4, 4]", "vgg_block_2.2[2, 8, 2, 2]", "fc.0[2, 32]", "fc.1[2, 16]",
                "fc.2[2, 16]", "fc.3[2, 16]", "fc.4[2, 10]");
        assertThat(net.parameterSpecs()).extracting(p -> p.name() + p.shape()).containsExactly(
                "vgg_block_1.0.weight[4, 1, 3, 3]", "vgg_block_1.0.bias[4]", "vgg_block_1.2.weight[4, 4, 3, 3]",
                "vgg_block_1.2.bias[4]", "vgg_block_2.0.weight[8, 4, 3, 3]", "vgg_block_2.0.bias[8]",
                "fc.1.weight[16, 32]", "fc.1.bias[16]", "fc.4.weight[10, 16]", "fc.4.bias[10]");
        assertThat(net.numClasses()).isEqualTo(10);
        assertThat(net.hasActiveDropout()).isTrue();
        assertThat(TestData.tinyVgg(0).hasActiveDropout()).isFalse();
    }

    @Test
    void freezingByModulePrefixLeavesFrozenParametersOutOfTheTrainableOnes() {
        Network net = TestData.tinyVgg(0.5);
        Network frozen = net.withFrozen(List.of("fc.1", "vgg_block_1"));
        // state_dict order whatever the order of the prefixes; "fc.1" does not match "fc.10..." names
        assertThat(frozen.frozen()).containsExactly("vgg_block_1.0.weight", "vgg_block_1.0.bias",
                "vgg_block_1.2.weight", "vgg_block_1.2.bias", "fc.1.weight", "fc.1.bias");
        assertThat(frozen.trainableSpecs()).extracting(p -> p.name()).containsExactly("vgg_block_2.0.weight",
                "vgg_block_2.0.bias", "fc.4.weight", "fc.4.bias");
        assertThat(frozen.parameterSpecs()).isEqualTo(net.parameterSpecs());
        assertThat(frozen.parameterCount()).isEqualTo(net.parameterCount());
        assertThat(frozen.trainedParameterCount()).isEqualTo(8 * 4 * 9 + 8 + 10 * 16 + 10);
        assertThat(frozen.isFrozen("fc.1.bias")).isTrue();
        assertThat(frozen.isFrozen("fc.4.bias")).isFalse();
        assertThat(frozen.withFrozen(List.of())).isEqualTo(net);
        assertThat(net.withFrozen(List.of("fc.4.weight")).frozen()).containsExactly("fc.4.weight");
    }

    @Test
    void aPrefixThatMatchesNothingIsAnErrorNamingItAndTheModules() {
        Network net = TestData.tinyVgg(0.5);
        assertThatThrownBy(() -> net.withFrozen(List.of("fc.1", "features")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'features' matches no trainable parameter of network 'tiny-vgg' (its modules "
                        + "with parameters: vgg_block_1, vgg_block_2, fc)");
        assertThatThrownBy(() -> net.withFrozen(List.of("vgg_block"))).hasMessageStartingWith("'vgg_block' matches no");
        assertThatThrownBy(() -> new Network(net.name(), net.root(), net.sampleShape(), List.of("fc.9.weight")))
                .hasMessage("cannot freeze 'fc.9.weight': network 'tiny-vgg' has no trainable parameter of that name");
        // buffers are never frozen: they are not trained to begin with
        Network bn = TestData.batchNormNetwork();
        assertThatThrownBy(() -> bn.withFrozen(List.of("features.1.running_mean")))
                .hasMessageStartingWith("'features.1.running_mean' matches no trainable parameter");
    }

    @Test
    void layersThatDoNotFitAreRejectedWhenTheNetworkIsBuilt() {
        Sequential root = new Sequential(List.of(
                new Sequential.Child("features", Sequential.of(Conv2d.same3x3(1, 4), new Relu(), new MaxPool2d(2, 2))),
                new Sequential.Child("fc", Sequential.of(new Flatten(), new Linear(100, 10)))));
        assertThatThrownBy(() -> new Network("bad", root, Shape.of(1, 8, 8)))
                .isInstanceOf(ShapeMismatchException.class)
                .hasMessage("layer 'fc.1' expected input [N, 100] but got [1, 64]");
    }

    @Test
    void convolutionNamesTheLayerAndTheChannelsItExpects() {
        Conv2d conv = Conv2d.same3x3(3, 8);
        assertThatThrownBy(() -> conv.outputShape("block.0", Shape.of(1, 1, 8, 8)))
                .isInstanceOf(ShapeMismatchException.class)
                .hasMessageContaining("'block.0'").hasMessageContaining("[N, 3,").hasMessageContaining("[1, 1, 8, 8]");
        assertThat(new MaxPool2d(2, 2).outputShape("p", Shape.of(1, 1, 7, 7))).isEqualTo(Shape.of(1, 1, 3, 3));
        assertThatThrownBy(() -> new MaxPool2d(2, 2).outputShape("p", Shape.of(1, 1, 1, 1)))
                .isInstanceOf(ShapeMismatchException.class);
    }

    @Test
    void inputChecksRejectWrongBatches() {
        Network net = TestData.tinyVgg(0);
        assertThatThrownBy(() -> net.checkInput(Shape.of(0, 1, 8, 8))).isInstanceOf(ShapeMismatchException.class);
        assertThatThrownBy(() -> net.checkInput(Shape.of(2, 1, 8, 9)))
                .hasMessage("layer 'input' expected input [N >= 1, 1, 8, 8] but got [2, 1, 8, 9]");
        net.checkInput(Shape.of(3, 1, 8, 8));
    }

    @Test
    void duplicateOrDottedChildNamesAreRejected() {
        assertThatThrownBy(() -> new Sequential(List.of(new Sequential.Child("a", new Relu()),
                new Sequential.Child("a", new Relu())))).hasMessageContaining("duplicate child name 'a'");
        assertThatThrownBy(() -> new Sequential.Child("a.b", new Relu())).hasMessageContaining("no '.'");
    }

    @Test
    void tensorSlicesAndComparesByShape() {
        Tensor t = Tensor.of(Shape.of(3, 2), new float[] {1, 2, 3, 4, 5, 6});
        assertThat(t.slice(1, 3).toArray()).containsExactly(3, 4, 5, 6);
        assertThat(t.slice(1, 3).shape()).isEqualTo(Shape.of(2, 2));
        assertThatThrownBy(() -> t.maxAbsDiff(Tensor.zeros(Shape.of(6)))).hasMessageContaining("shapes differ");
        assertThat(t.maxAbsDiff(Tensor.zeros(Shape.of(3, 2)))).isEqualTo(6.0);
        assertThatThrownBy(() -> Tensor.of(Shape.of(2, 2), new float[3])).hasMessageContaining("needs 4 values");
    }

    @Test
    void devicesParse() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.cpu());
        assertThat(Device.parse("GPU")).isEqualTo(Device.gpu(0));
        assertThat(Device.parse("cuda:1")).isEqualTo(Device.gpu(1));
        assertThat(Device.parse("auto").toString()).isEqualTo("auto");
        assertThat(Device.gpu(2).toString()).isEqualTo("gpu:2");
        assertThatThrownBy(() -> Device.parse("tpu")).hasMessageContaining("use cpu, gpu, gpu:N or auto");
        assertThatThrownBy(() -> Device.parse("gpu:x")).hasMessageContaining("unknown device");
    }
}
