package org.vgg4j.cli;

import java.util.Locale;

/**
 * Range checks of command-line values, done before a command reads or writes anything; each failure is a
 * {@link UsageException} that names the option, the accepted range and the value given, e.g.
 * {@code --lr must be > 0 and <= 10, got -0.001}.
 */
final class OptionChecks {
    private OptionChecks() {
    }

    /** {@code value} must lie in {@code [min, max]}. */
    static int inRange(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option + " must be from " + min + " to " + max + ", got " + value);
        }
        return value;
    }

    /** {@code value} must lie in {@code [min, max]}, with {@code what} describing the upper bound. */
    static int inRange(String option, int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new UsageException(option + " must be from " + min + " to " + max + " (" + what + "), got "
                    + value);
        }
        return value;
    }

    /** An optional limit: null (all) or >= 1. */
    static Integer limit(String option, Integer value) {
        if (value != null && value < 1) {
            throw new UsageException(option + " must be >= 1 (leave it out for all), got " + value);
        }
        return value;
    }

    /** An optional limit: null (all) or in {@code [1, max]}, {@code max} being the size of {@code what}. */
    static Integer limit(String option, Integer value, int max, String what) {
        if (value != null && (value < 1 || value > max)) {
            throw new UsageException(option + " must be from 1 to " + max + " (" + what + "; leave it out for all), "
                    + "got " + value);
        }
        return value;
    }

    /** {@code value} must be finite and lie in {@code (min, max]}. */
    static double aboveAtMost(String option, double value, double min, double max) {
        if (!(value > min && value <= max)) {
            throw new UsageException(option + " must be > " + num(min) + " and <= " + num(max) + ", got "
                    + num(value));
        }
        return value;
    }

    /** {@code value} must lie in {@code [min, max)}. */
    static double atLeastBelow(String option, double value, double min, double max) {
        if (!(value >= min && value < max)) {
            throw new UsageException(option + " must be >= " + num(min) + " and < " + num(max) + ", got "
                    + num(value));
        }
        return value;
    }

    /** {@code value} must lie in {@code [min, max]}. */
    static double within(String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new UsageException(option + " must be from " + num(min) + " to " + num(max) + ", got "
                    + num(value));
        }
        return value;
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    static String oneOf(String option, String value, String... choices) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(v)) {
                return c;
            }
        }
        String list = choices.length == 1 ? choices[0] : String.join(", ",
                java.util.Arrays.copyOf(choices, choices.length - 1)) + " or " + choices[choices.length - 1];
        throw new UsageException("unknown " + option + " '" + value + "': use " + list);
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
