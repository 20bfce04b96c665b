package dev.brine.cli;

/**
 * ANSI colour, only when the output is an interactive terminal and {@code NO_COLOR} is not set:
 * pipes, files and tests always get plain text.
 */
final class Colors {
    private static final boolean ON = System.console() != null && System.getenv("NO_COLOR") == null
            && !"dumb".equals(System.getenv("TERM"));

    private Colors() {
    }

    static String red(String s) {
        return ON ? "\u001b[31m" + s + "\u001b[0m" : s;
    }

    static String green(String s) {
        return ON ? "\u001b[32m" + s + "\u001b[0m" : s;
    }

    static String bold(String s) {
        return ON ? "\u001b[1m" + s + "\u001b[0m" : s;
    }
}
