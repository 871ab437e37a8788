package org.visionpangu4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

import java.io.PrintWriter;
import java.util.ServiceLoader;

/**
 * The {@code visionpangu} command. Subcommands live in this package, one class each, plus those other modules
 * provide ({@link CommandProvider}: {@code bench} from engine-bench). A failure prints one line
 * on stderr ({@code visionpangu: error: ...}) and exits non-zero: 1 for a failed run, 2 for a bad command line;
 * {@code --verbose} adds the stack trace.
 */
@Command(name = "visionpangu",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Pure-Java CPU inference for the VisionPangu vision-language model.",
        subcommands = {CaptionCommand.class, ChatCommand.class, ServeCommand.class, TokenizeCommand.class,
                InfoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // No subcommand: say what there is.
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs the command line with the given streams and returns the exit code (in-process, for tests). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(new Main());
        for (CommandProvider p : ServiceLoader.load(CommandProvider.class)) {
            cmd.addSubcommand(p.command());
        }
        if (!cmd.getSubcommands().containsKey("bench")) {
            cmd.addSubcommand(new BenchUnavailable());
        }
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, a) -> {
            err.println("visionpangu: " + oneLine(ex.getMessage()) + " (try '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            if (verbose(ex.getCommandLine())) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, command, parseResult) -> {
            err.println("visionpangu: error: " + describe(ex));
            if (verbose(cmd)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_FAILURE;
        });
        int code = cmd.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Whether --verbose appeared anywhere on the parsed command line. */
    private static boolean verbose(CommandLine cmd) {
        CommandLine root = cmd;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        for (ParseResult pr = root.getParseResult(); pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** The exception's message on one line; its class name where the message alone would not say much. */
    static String describe(Throwable ex) {
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        boolean ours = ex instanceof org.visionpangu4j.core.VisionPanguException
                || ex instanceof IllegalArgumentException
                || ex instanceof UnsupportedOperationException;
        return ours ? oneLine(msg) : ex.getClass().getSimpleName() + ": " + oneLine(msg);
    }

    static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"visionpangu " + (v == null ? "(development build)" : v)};
        }
    }
}
