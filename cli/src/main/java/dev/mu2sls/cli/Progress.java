package dev.mu2sls.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr for long runs: redrawn in place on a terminal, one line per quarter
 * otherwise (CI logs), so stdout stays clean for the result lines.
 */
final class Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private final boolean terminal;
    private int lastQuarter = -1;

    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    static Progress stderr() {
        return new Progress(System.err, System.console() != null);
    }

    void update(String label, double fraction, long requests) {
        fraction = Math.max(0, Math.min(1, fraction));
        int filled = (int) Math.round(fraction * WIDTH);
        String line = String.format(
                Locale.ROOT,
                "%-12s [%s%s] %3d%%  %,d requests",
                label,
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
                Math.round(fraction * 100),
                requests);
        if (terminal) {
            out.print("\r" + line);
            out.flush();
        } else {
            int quarter = (int) (fraction * 4);
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                out.println(line);
            }
        }
    }

    void finish() {
        if (terminal) {
            out.println();
        }
        lastQuarter = -1;
    }
}
