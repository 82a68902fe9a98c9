/**
 * The {@code tensorflow} backend: runs and trains any core {@link org.vgg4j.core.Network} on DJL's TensorFlow engine by
 * dispatching TensorFlow's own forward and gradient kernels eagerly (NHWC inside, NCHW at the SPI), with Adam or SGD
 * written as element-wise kernels following PyTorch's rules, and natives extracted offline from the Maven jar.
 */
package org.vgg4j.backend.tensorflow;
