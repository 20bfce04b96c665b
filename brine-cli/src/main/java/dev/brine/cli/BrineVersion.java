package dev.brine.cli;

import picocli.CommandLine.IVersionProvider;

/**
 * The version {@code -V}/{@code --version} prints, for {@code brine} and each verb alike: every verb's help offers
 * the option (picocli's standard help options), and a verb without a version of its own printed nothing.
 */
final class BrineVersion implements IVersionProvider {
    /** The one place the version is written. */
    static final String VERSION = "brine 0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {VERSION};
    }
}
