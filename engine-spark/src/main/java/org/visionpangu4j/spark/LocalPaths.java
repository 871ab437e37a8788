package org.visionpangu4j.spark;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Path strings as Spark jobs carry them: plain, {@code file:} URIs, or Hadoop's unescaped {@code file:/a b}. */
final class LocalPaths {
    private LocalPaths() {
    }

    /**
     * The local path {@code value} names: {@code /a/b.jpg}, {@code file:/a/b%20c.jpg}, {@code file:///a/b.jpg}, or
     * the unescaped {@code file:/a/b c.jpg} that Hadoop paths print (binaryFile's {@code path} column). A value
     * with another scheme ({@code hdfs://}, {@code s3a://}) is refused with {@code advice} appended.
     */
    static Path parse(String value, String advice) {
        if (value.startsWith("file:")) {
            try {
                return Path.of(URI.create(value));
            } catch (IllegalArgumentException notAUri) {
                return of(value.substring("file:".length()));
            }
        }
        int scheme = value.indexOf("://");
        if (scheme > 0) {
            throw new IllegalArgumentException("'" + value + "' is on a remote file system ("
                    + value.substring(0, scheme) + "): " + advice);
        }
        return of(value);
    }

    private static Path of(String s) {
        try {
            return Path.of(s);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("'" + s + "' is not a valid path: " + e.getMessage(), e);
        }
    }
}
