package io.ckpt.server.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ckpt} command line: the top command and its subcommands. {@link #main} runs it
 * against the process's streams and exits with the command's exit code (see {@link Errors});
 * tests use {@link #run} with their own streams.
 */
@Command(name = "ckpt", mixinStandardHelpOptions = true, versionProvider = CkptCommand.Version.class,
    description = "A Raft-replicated checkpoint store.",
    subcommands = {DemoCommand.class, LocalClusterCommand.class, ServerCommand.class, PutCommand.class,
        GetCommand.class, LoadCommand.class, InfoCommand.class, LsCommand.class, RmCommand.class,
        WatchCommand.class, StatusCommand.class, RegisterCommand.class, AcquireCommand.class})
public final class CkptCommand implements Callable<Integer> {
  private final PrintStream out;
  private final PrintStream err;
  private final InputStream in;
  private final Function<String, String> env;
  @Spec private CommandSpec spec;

  /** A command bound to the given streams and environment (a lookup from variable to value). */
  public CkptCommand(PrintStream out, PrintStream err, InputStream in, Function<String, String> env) {
    this.out = out;
    this.err = err;
    this.in = in;
    this.env = env;
  }

  public static void main(String[] args) {
    VerboseOption.quietJavaUtilLogging();
    int code = run(new CkptCommand(System.out, System.err, System.in, System::getenv), args);
    System.out.flush();
    System.exit(code);
  }

  /** Parses and runs {@code args}; returns the exit code. Never throws. */
  public static int run(CkptCommand root, String... args) {
    CommandLine cl = commandLine(root);
    Errors errors = new Errors();
    cl.setOut(new PrintWriter(root.out, true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(root.err, true, StandardCharsets.UTF_8))
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
    try {
      return cl.execute(args);
    } finally {
      root.out.flush();
      root.err.flush();
    }
  }

  /** The command tree: {@code root} with every {@link CkptSubcommand} found on the class path. */
  public static CommandLine commandLine(CkptCommand root) {
    CommandLine cl = new CommandLine(root);
    for (CkptSubcommand extra : ServiceLoader.load(CkptSubcommand.class)) {
      cl.addSubcommand(extra);
    }
    return cl;
  }

  /** Raw standard output: bytes and text. */
  public PrintStream out() {
    return out;
  }

  public PrintStream err() {
    return err;
  }

  public InputStream in() {
    return in;
  }

  /** An environment variable, or null. */
  public String env(String name) {
    return env.apply(name);
  }

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "missing command: one of " + String.join(", ", spec.subcommands().keySet()));
  }

  /** {@code ckpt --version}: the jar's implementation version, or {@code dev}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CkptCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ckpt " + (v == null ? "dev" : v)};
    }
  }
}
