/**
 * Seeded data augmentation for training images: small immutable {@link org.vgg4j.datasets.transform.Transform}
 * records ({@link org.vgg4j.datasets.transform.RandomCrop}, {@link org.vgg4j.datasets.transform.RandomResizedCrop},
 * {@link org.vgg4j.datasets.transform.RandomHorizontalFlip}, {@link org.vgg4j.datasets.transform.Normalize}) chained
 * by an {@link org.vgg4j.datasets.transform.Augmentation}, whose random choices for a sample depend only on (seed,
 * epoch, sample index) through {@link org.vgg4j.datasets.transform.SampleRandom}, so a resumed run and any loader
 * thread see the same pixels.
 */
package org.vgg4j.datasets.transform;
