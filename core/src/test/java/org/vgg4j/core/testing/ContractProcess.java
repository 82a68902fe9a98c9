package org.vgg4j.core.testing;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The child process of {@link BackendContract}'s cross-process determinism case: instantiates the contract subclass
 * named by its first argument, runs the determinism workload with the seed of its second, and prints the losses'
 * bits on one line starting with {@value #PREFIX}.
 */
public final class ContractProcess {
    /** Start of the result line. */
    static final String PREFIX = "losses ";

    private ContractProcess() {
    }

    public static void main(String[] args) throws Exception {
        var constructor = Class.forName(args[0]).getDeclaredConstructor();
        constructor.setAccessible(true);
        BackendContract contract = (BackendContract) constructor.newInstance();
        System.out.println(PREFIX + bits(BackendContract.determinismLosses(contract.backend(), Long.parseLong(args[1]))));
    }

    /** The raw bits of {@code values}, hexadecimal, comma-separated. */
    static String bits(double[] values) {
        return Arrays.stream(values).mapToObj(v -> Long.toHexString(Double.doubleToRawLongBits(v)))
                .collect(Collectors.joining(","));
    }
}
