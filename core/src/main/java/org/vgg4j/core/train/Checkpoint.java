package org.vgg4j.core.train;

import java.util.List;
import java.util.Objects;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;

/**
 * Everything needed to resume a run exactly or to use its model: configuration, backend, position, metric history,
 * parameters and optimizer state.
 *
 * @param config     the run's typed configuration (model, data, optimizer, training loop)
 * @param backend    the backend that trained it
 * @param position   where a resumed run starts
 * @param history    metrics of the completed epochs
 * @param parameters the weights, named like PyTorch's {@code state_dict}
 * @param optimizer  the optimizer's state
 */
public record Checkpoint(RunConfig config, String backend, TrainingPosition position, List<EpochMetrics> history,
        Parameters parameters, OptimizerState optimizer) {

    /**
     * Checks that there is a configuration and copies the history.
     *
     * @param config     the run's typed configuration, not null
     * @param backend    the backend that trained it
     * @param position   where a resumed run starts
     * @param history    metrics of the completed epochs; copied
     * @param parameters the weights, named like PyTorch's {@code state_dict}
     * @param optimizer  the optimizer's state
     * @throws NullPointerException if {@code config} or {@code history} is null
     */
    public Checkpoint {
        Objects.requireNonNull(config, "config");
        history = List.copyOf(history);
    }
}
