package org.vgg4j.backend.pytorch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.vgg4j.core.Device;
import org.vgg4j.core.DeviceUnavailableException;
import org.vgg4j.core.Network;
import org.vgg4j.core.Shape;
import org.vgg4j.core.ShapeMismatchException;
import org.vgg4j.core.Tensor;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.optim.Adam;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.optim.Sgd;
import org.vgg4j.core.optim.TrainingSpec;
import org.vgg4j.core.param.Initializer;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.spi.Backend;
import org.vgg4j.core.spi.Session;
import org.vgg4j.core.spi.Trainer;
import org.vgg4j.core.testing.ReferenceForward;
import org.vgg4j.core.testing.TestData;

/** Bad input is a clear Java exception before libtorch sees it, and the session keeps working afterwards. */
class BadInputTest {
    private final Network net = TestData.tinyVgg(0);
    private final Parameters params = Parameters.initialize(net, Initializer.PYTORCH_DEFAULT, 2);
    private final Tensor good = TestData.images(Shape.of(3, 1, 8, 8), 3);
    private final int[] labels = {1, 2, 3};
    private Session session;
    private Trainer trainer;

    @BeforeEach
    void open() {
        session = PyTorchTesting.backend().open(net, params, Device.cpu());
        trainer = session.trainer(TrainingSpec.adam(1e-3, 0));
    }

    @AfterEach
    void close() {
        session.close();
    }

    /** A good prediction and a good step still work, and the logits are still right. */
    private void stillWorks() {
        assertThat(session.predict(good).maxAbsDiff(ReferenceForward.logitsTensor(net, session.parameters(), good)))
                .isLessThan(1e-5);
        assertThat(trainer.step(good, labels).loss()).isFinite();
    }

    @Test
    void wrongRankChannelsOrSizeNameTheLayerAndBothShapes() {
        for (Shape bad : new Shape[] {Shape.of(1, 8, 8), Shape.of(2, 3, 8, 8), Shape.of(2, 1, 16, 16),
                Shape.of(0, 1, 8, 8)}) {
            Tensor images = Tensor.zeros(bad);
            assertThatThrownBy(() -> session.predict(images)).isInstanceOf(ShapeMismatchException.class)
                    .hasMessageContaining("input").hasMessageContaining("[N >= 1, 1, 8, 8]")
                    .hasMessageContaining(bad.toString());
            int[] someLabels = new int[Math.max(1, bad.rank() == 4 ? bad.dim(0) : 1)];
            assertThatThrownBy(() -> trainer.step(images, someLabels)).isInstanceOf(ShapeMismatchException.class);
            assertThatThrownBy(() -> trainer.gradients(images, someLabels))
                    .isInstanceOf(ShapeMismatchException.class);
        }
        ShapeMismatchException e = (ShapeMismatchException) org.assertj.core.api.Assertions.catchThrowable(
                () -> session.predict(Tensor.zeros(Shape.of(2, 3, 8, 8))));
        assertThat(e.layer()).isEqualTo("input");
        assertThat(e.actual()).isEqualTo(Shape.of(2, 3, 8, 8));
        System.out.println("bad input message: " + e.getMessage());
        stillWorks();
    }

    @Test
    void badLabelsAreRejectedBeforeTheEngine() {
        assertThatThrownBy(() -> trainer.step(good, new int[] {1, 2})).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("3 images has 2 labels");
        assertThatThrownBy(() -> trainer.step(good, new int[] {1, 10, 3})).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("label 10 at position 1").hasMessageContaining("[0, 10)");
        assertThatThrownBy(() -> trainer.gradients(good, new int[] {-1, 0, 0})).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("label -1");
        assertThatThrownBy(() -> trainer.step(good, null)).isInstanceOf(Vgg4jException.class);
        stillWorks();
    }

    @Test
    void missingExtraOrMisshapedParametersAreNamed() {
        Map<String, Tensor> missing = new LinkedHashMap<>(params.asMap());
        missing.remove("fc.4.bias");
        Map<String, Tensor> extra = new LinkedHashMap<>(params.asMap());
        extra.put("fc.9.weight", Tensor.zeros(Shape.of(2, 2)));
        Map<String, Tensor> misshaped = new LinkedHashMap<>(params.asMap());
        misshaped.put("vgg_block_2.0.weight", Tensor.zeros(Shape.of(8, 4, 5, 5)));
        Backend b = PyTorchTesting.backend();
        assertThatThrownBy(() -> b.open(net, Parameters.of(missing), Device.cpu()))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("missing tensor 'fc.4.bias'");
        assertThatThrownBy(() -> b.open(net, Parameters.of(extra), Device.cpu()))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("unexpected tensor 'fc.9.weight'");
        assertThatThrownBy(() -> session.loadParameters(Parameters.of(misshaped)))
                .isInstanceOf(ParameterMismatchException.class)
                .hasMessageContaining("'vgg_block_2.0.weight' has shape [8, 4, 5, 5], expected [8, 4, 3, 3]");
        // the failed load left the weights untouched
        assertThat(session.parameters().maxAbsDiff(params)).isZero();
        stillWorks();
    }

    @Test
    void aGpuOnThisCpuOnlyBuildIsAClearErrorAndAutoFallsBackToTheCpu() {
        Backend b = PyTorchTesting.backend();
        assertThatThrownBy(() -> b.open(net, params, Device.gpu()))
                .isInstanceOf(DeviceUnavailableException.class).hasMessageContaining("gpu:0")
                .hasMessageContaining("CPU build").hasMessageContaining("PYTORCH_LIBRARY_PATH");
        assertThatThrownBy(() -> b.open(net, params, Device.gpu(3)))
                .isInstanceOf(DeviceUnavailableException.class).hasMessageContaining("gpu:3");
        try (Session auto = b.open(net, params, Device.auto())) {
            assertThat(auto.device()).isEqualTo(Device.cpu());
            assertThat(auto.predict(good).maxAbsDiff(session.predict(good))).isZero();
        }
        stillWorks();
    }

    @Test
    void foreignOrMisshapedOptimizerStateIsRejected() {
        trainer.step(good, labels);
        OptimizerState adamState = trainer.optimizerState();
        Trainer sgd = session.trainer(new TrainingSpec(new Sgd(0.1, 0.9, 0), TrainingSpec.adam(1e-3, 0).loss(), 0));
        assertThatThrownBy(() -> sgd.restoreOptimizerState(adamState)).isInstanceOf(ParameterMismatchException.class)
                .hasMessageContaining("[exp_avg, exp_avg_sq]").hasMessageContaining("momentum_buffer");
        Map<String, Tensor> shortSlot = new LinkedHashMap<>(adamState.slots().get(Adam.EXP_AVG).asMap());
        shortSlot.remove("fc.1.weight");
        OptimizerState broken = new OptimizerState(1, Map.of(Adam.EXP_AVG, Parameters.of(shortSlot),
                Adam.EXP_AVG_SQ, adamState.slots().get(Adam.EXP_AVG_SQ)));
        assertThatThrownBy(() -> trainer.restoreOptimizerState(broken))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("exp_avg")
                .hasMessageContaining("fc.1.weight");
        assertThatThrownBy(() -> trainer.restoreOptimizerState(new OptimizerState(3, Map.of())))
                .isInstanceOf(ParameterMismatchException.class).hasMessageContaining("lacks");
        stillWorks();
    }

    @Test
    void aClosedSessionSaysSo() {
        Session s = PyTorchTesting.backend().open(net, params, Device.cpu());
        Trainer t = s.trainer(TrainingSpec.adam(1e-3, 0));
        s.close();
        s.close();
        assertThatThrownBy(() -> s.predict(good)).isInstanceOf(Vgg4jException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> t.step(good, labels)).isInstanceOf(Vgg4jException.class)
                .hasMessageContaining("closed");
        stillWorks();
    }
}
