package dev.mu2sls.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * An application's declared name and version ({@link dev.mu2sls.Application}), as the annotation
 * processor writes them to {@link #RESOURCE} and the platforms read them back. Both sides validate:
 * a jar is outside input.
 *
 * @param name the stable name, which names the store table
 * @param version this build's version
 */
public record ApplicationIdentity(String name, String version) {
    /** Where a jar holds its declaration. */
    public static final String RESOURCE = "META-INF/mu2sls/application.properties";

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9._+-]{1,40}");

    /**
     * @throws IllegalArgumentException naming the rule a name or version breaks
     */
    public ApplicationIdentity {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("application name '" + name
                    + "' must be 1 to 40 lower-case letters, digits and dashes, starting with a letter");
        }
        requireValidVersion(version);
    }

    /**
     * {@code version}, if it is a valid application version (what engines record with requests).
     *
     * @throws IllegalArgumentException naming the rule it breaks
     */
    public static String requireValidVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("application version '" + version
                    + "' must be 1 to 40 letters, digits, dots, dashes, underscores or plus signs");
        }
        return version;
    }

    /**
     * Reads a declaration written by {@link #write}.
     *
     * @throws IllegalArgumentException if it lacks a name or version, or either is invalid
     */
    public static ApplicationIdentity read(InputStream in) {
        Properties properties = new Properties();
        try {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        return new ApplicationIdentity(properties.getProperty("name"), properties.getProperty("version"));
    }

    /** Writes this declaration as {@link #read} reads it. */
    public void write(Writer out) throws IOException {
        out.write("# written by mu2sls-processor from @Application\nname=" + name + "\nversion=" + version + "\n");
    }
}
