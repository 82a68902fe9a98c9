package org.vgg4j.core.optim;

/**
 * An immutable loss configuration; the loss of a batch is the mean over its samples.
 */
public sealed interface LossSpec permits SoftmaxCrossEntropy {
}
