package dev.mu2sls.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state-dir}: where a running {@code mu2sls up} keeps its state, for the commands that talk to it. */
final class UpStateDirectory {
    @Option(names = "--state-dir", description = "the state directory of up (default: ~/.mu2sls)")
    Path given;

    /** The directory given, or up's default. */
    Path path() {
        return orDefault(given);
    }

    /** {@code given}, or up's default ({@code ~/.mu2sls}) when null. */
    static Path orDefault(Path given) {
        return given != null ? given : Path.of(System.getProperty("user.home"), ".mu2sls");
    }
}
