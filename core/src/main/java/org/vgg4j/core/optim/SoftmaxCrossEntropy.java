package org.vgg4j.core.optim;

/**
 * Mean softmax cross-entropy between logits and integer class labels (PyTorch's {@code nn.CrossEntropyLoss()}).
 */
public record SoftmaxCrossEntropy() implements LossSpec {
}
