package org.vgg4j.core.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vgg4j.core.Network;
import org.vgg4j.core.param.ParameterMismatchException;
import org.vgg4j.core.param.Parameters;

/**
 * A snapshot of an optimizer's state, enough to resume training exactly: the number of steps taken and, per state slot
 * (e.g. {@code exp_avg}), one tensor per trainable parameter under the parameter's name (buffers have no optimizer
 * state).
 *
 * @param step  number of update steps taken so far
 * @param slots slot name to per-parameter tensors
 */
public record OptimizerState(long step, Map<String, Parameters> slots) {

    /**
     * Copies {@code slots} (checked only by {@link #conformTo}).
     *
     * @param step  number of update steps taken so far
     * @param slots slot name to per-parameter tensors; copied, and neither keys nor values may be null
     */
    public OptimizerState {
        slots = Map.copyOf(slots);
    }

    /**
     * The state before the first step.
     *
     * @return step 0 with no slots (slot tensors are created by the first step)
     */
    public static OptimizerState initial() {
        return new OptimizerState(0, Map.of());
    }

    /**
     * This state checked against {@code optimizer} on {@code network}: a non-negative step count, no slot the optimizer
     * does not have, and after the first step every slot it has, each with exactly one tensor per trainable
     * parameter; returns the checked slots in the network's order (none before the first step).
     *
     * @param optimizer the rule whose {@link OptimizerSpec#slotNames() slots} are expected
     * @param network   the network whose trainable parameters each slot must match
     * @return a state with the same step and the checked slots
     * @throws IllegalArgumentException   if the step count is negative
     * @throws ParameterMismatchException naming the slot and the tensor that do not fit
     */
    public OptimizerState conformTo(OptimizerSpec optimizer, Network network) {
        String name = optimizer.getClass().getSimpleName();
        List<String> expected = optimizer.slotNames();
        if (step < 0) {
            throw new IllegalArgumentException("optimizer state has a negative step count " + step);
        }
        List<String> foreign = slots.keySet().stream().filter(n -> !expected.contains(n)).sorted().toList();
        if (!foreign.isEmpty()) {
            throw new ParameterMismatchException("optimizer state slots " + foreign + " do not belong to " + name
                    + " (expected slots " + expected + "); was it saved by another optimizer?");
        }
        Map<String, Parameters> checked = new LinkedHashMap<>();
        if (step > 0) {
            for (String slot : expected) {
                Parameters p = slots.get(slot);
                if (p == null) {
                    throw new ParameterMismatchException("optimizer state after " + step + " steps lacks " + name
                            + "'s slot '" + slot + "'");
                }
                try {
                    checked.put(slot, p.conformToTrainable(network));
                } catch (ParameterMismatchException e) {
                    throw new ParameterMismatchException("optimizer state slot '" + slot + "': " + e.getMessage());
                }
            }
        }
        return new OptimizerState(step, checked);
    }
}
