package org.vgg4j.core.train;

import java.util.List;
import java.util.Map;
import org.vgg4j.core.optim.OptimizerState;
import org.vgg4j.core.param.Parameters;

/**
 * Everything needed to resume a run exactly or to use its model: configuration, backend, position, metric history,
 * parameters and optimizer state.
 *
 * @param config     how to rebuild the network and the run (model, ratio, image size, ...), as strings
 * @param backend    the backend that trained it
 * @param position   where a resumed run starts
 * @param history    metrics of the completed epochs
 * @param parameters the weights, named like PyTorch's {@code state_dict}
 * @param optimizer  the optimizer's state
 */
public record Checkpoint(Map<String, String> config, String backend, TrainingPosition position,
        List<EpochMetrics> history, Parameters parameters, OptimizerState optimizer) {

    public Checkpoint {
        config = Map.copyOf(config);
        history = List.copyOf(history);
    }
}
