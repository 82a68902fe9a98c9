package org.vgg4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.vgg4j.core.Vgg4jException;
import org.vgg4j.core.config.RunConfig;
import org.vgg4j.core.param.FiniteValues;
import org.vgg4j.core.param.Parameters;
import org.vgg4j.core.param.SafeTensors;
import org.vgg4j.core.train.CheckpointStore;

/**
 * What {@code train --init-from} starts from: a vgg4j checkpoint (a run directory, a checkpoint's {@code .json}, or
 * its weights {@code .safetensors}, as {@code --resume} takes them), or a bare {@code state_dict} saved as safetensors
 * (as {@code predict --state-dict} takes it: a {@code .safetensors} file without a checkpoint manifest beside it).
 *
 * @param weights  the weights file, absolute and normalised
 * @param sha256   its SHA-256 (for a checkpoint, the one its manifest records and {@link #tensors()} verifies)
 * @param manifest the checkpoint's manifest, or null for a bare state dict
 * @param config   the checkpoint's run configuration, or null for a bare state dict
 */
record InitFromSource(Path weights, String sha256, Path manifest, RunConfig config) {

    /**
     * Finds the weights {@code path} designates and reads what is cheap to read: a checkpoint's manifest (not its
     * tensors), or a state dict's checksum.
     *
     * @throws Vgg4jException naming {@code --init-from} and the path if it does not exist or holds no checkpoint, or
     *                        if the manifest is not a valid checkpoint manifest
     */
    static InitFromSource locate(Path path) {
        if (!Files.exists(path)) {
            throw new Vgg4jException("--init-from " + path + " does not exist");
        }
        Path json = null;
        if (Files.isDirectory(path) || path.getFileName().toString().endsWith(".json")) {
            json = CheckpointStore.resolveManifest(path);
        } else {
            Path sibling = CheckpointStore.resolveManifest(path);
            if (!sibling.equals(path) && Files.isRegularFile(sibling)) {
                json = sibling;
            }
        }
        if (json == null) {
            Path file = path.toAbsolutePath().normalize();
            return new InitFromSource(file, CheckpointStore.sha256(file), null, null);
        }
        CheckpointStore.Manifest m = CheckpointStore.readManifest(json);
        Path weights = json.toAbsolutePath().normalize().getParent().resolve(m.parametersFile());
        return new InitFromSource(weights, m.parametersSha256(), json.toAbsolutePath().normalize(), m.config());
    }

    /** Whether this is a vgg4j checkpoint (with a run configuration), not a bare state dict. */
    boolean isCheckpoint() {
        return config != null;
    }

    /**
     * Every tensor of the source, checked: a checkpoint's checksums verified, every value finite.
     *
     * @throws Vgg4jException naming the file if it is corrupt, malformed or holds a NaN or infinity
     */
    Parameters tensors() {
        if (isCheckpoint()) {
            return CheckpointStore.load(manifest).parameters();
        }
        return FiniteValues.require(SafeTensors.read(weights).tensors(), "--init-from state dict " + weights);
    }

    /** One line saying what the source is, for the run's output. */
    String describe() {
        return isCheckpoint() ? "checkpoint " + manifest : "state dict " + weights;
    }
}
