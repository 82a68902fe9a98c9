/**
 * The {@code pytorch} backend: compiles any core {@link org.vgg4j.core.Network} to libtorch operations through DJL's
 * PyTorch engine, runs inference in eval mode and trains with libtorch's autograd, Adam or SGD with PyTorch's update
 * rules, and per-step native memory scopes.
 */
package org.vgg4j.backend.pytorch;
