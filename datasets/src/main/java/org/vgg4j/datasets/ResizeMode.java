package org.vgg4j.datasets;

/**
 * How {@link Resizer} computes bilinear pixels. Both use PIL's bilinear filter with half-pixel centres (for upsampling
 * this is {@code torch.nn.functional.interpolate(mode="bilinear", align_corners=False)}; for downsampling the filter
 * widens to antialias, as PIL and torchvision's {@code antialias=True} do).
 */
public enum ResizeMode {
    /**
     * Exactly what d2l's pipeline feeds the network: torchvision's {@code Resize} on the PIL image (8-bit
     * fixed-point, horizontal pass then vertical pass, each rounded to 8 bits), then {@code ToTensor} (divide by
     * 255). The default.
     */
    PIL,
    /** The same filter in floating point without rounding to 8 bits (like torchvision's Resize on float tensors). */
    FLOAT
}
