package org.vgg4j.core;

/**
 * Text from outside vgg4j made fit for a one-line error message. {@link #quote} takes a library's message (Jackson's,
 * protobuf's, ONNX Runtime's): one line, at most {@value #MAX} characters, without Jackson's source-location tail and
 * without the word "unexpected", which vgg4j keeps for the one error it cannot explain (its command line prints
 * {@code error: unexpected ...} for a bug). {@link #literal} takes a string read from a file (a tensor, node or file
 * name): control characters escaped, so a name holding a newline or a terminal escape cannot break the line.
 */
public final class ErrorText {
    /** The longest quoted message kept. */
    public static final int MAX = 200;
    /** The longest literal kept. */
    public static final int MAX_LITERAL = 120;
    /** The longest error line {@link #oneLine} keeps. */
    public static final int MAX_LINE = 1000;

    private ErrorText() {
    }

    /**
     * A library's message as one short line; "null" if it is null.
     *
     * @param message the message, may be null
     * @return at most {@value #MAX} characters plus {@code ...}, whitespace runs collapsed, control characters escaped
     */
    public static String quote(String message) {
        String m = String.valueOf(message);
        int source = m.indexOf("\n at [Source:");
        if (source >= 0) {
            m = m.substring(0, source);
        }
        m = escape(m.replaceAll("\\s+", " ").strip(), Integer.MAX_VALUE)
                .replaceAll("\\bUnexpected\\b", "Invalid")
                .replaceAll("\\bunexpected\\b", "invalid")
                .replaceAll(" ?\\bunexpectedly\\b", "");
        return m.length() > MAX ? m.substring(0, MAX) + "..." : m;
    }

    /**
     * A string read from an untrusted file, for quoting in a message: control characters (line breaks, tabs,
     * terminal escapes, U+2028/U+2029) written as {@code \n}, {@code \t} or {@code \}{@code uXXXX}, and cut after
     * {@value #MAX_LITERAL} characters; "null" if it is null.
     *
     * @param s the string, may be null
     * @return the escaped string, followed by {@code ...} if it was cut
     */
    public static String literal(String s) {
        return escape(String.valueOf(s), MAX_LITERAL);
    }

    /**
     * A whole error message that quotes strings from a file, kept on one line: control characters escaped as in
     * {@link #literal}, cut after {@value #MAX_LINE} characters (a file can hold a name of any length).
     *
     * @param message the message, may be null
     * @return the escaped message, followed by {@code ...} if it was cut
     */
    public static String oneLine(String message) {
        return escape(String.valueOf(message), MAX_LINE);
    }

    private static String escape(String s, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (sb.length() >= max) {
                return sb.append("...").toString();
            }
            char c = s.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
