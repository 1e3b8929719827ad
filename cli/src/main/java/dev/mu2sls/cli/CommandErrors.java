package dev.mu2sls.cli;

import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * How a command that failed says so: one line, {@code mu2sls <command>: <what went wrong>}, and
 * exit code 1; the stack trace only with {@code --verbose}, as it helps a developer of mu2sls, not
 * its user.
 */
final class CommandErrors implements CommandLine.IExecutionExceptionHandler {
    static final String VERBOSE = "--verbose";

    @Override
    public int handleExecutionException(Exception failure, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        err.println(command.getCommandSpec().qualifiedName() + ": " + describe(failure));
        if (verbose(parsed)) {
            failure.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult level = parsed; level != null; level = level.subcommand()) {
            if (level.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }

    /** What went wrong, in words: the innermost message worth reading, never "null". */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException) {
                return "connection refused: nothing answers there (is the application up? start it with ./mu2sls up <app>)";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer in time: " + t.getMessage();
            }
        }
        String message = failure.getMessage();
        if (message == null || message.isBlank() || message.equals("null")) {
            return failure.getCause() != null
                    ? describe(failure.getCause())
                    : failure.getClass().getSimpleName();
        }
        return message;
    }
}
