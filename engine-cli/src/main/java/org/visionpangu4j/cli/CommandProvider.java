package org.visionpangu4j.cli;

/**
 * A subcommand another module adds to {@code visionpangu}, found with {@link java.util.ServiceLoader}: engine-bench
 * contributes {@code bench} this way, so the command line does not depend on the benchmarks. Implementations are
 * listed in {@code META-INF/services/org.visionpangu4j.cli.CommandProvider} and need a public no-argument
 * constructor.
 */
public interface CommandProvider {
    /** A new picocli command object ({@code @Command}-annotated), e.g. one implementing {@code Callable<Integer>}. */
    Object command();
}
