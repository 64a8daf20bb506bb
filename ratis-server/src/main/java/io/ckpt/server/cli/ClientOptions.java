package io.ckpt.server.cli;

import io.ckpt.client.CheckpointClient;
import io.ckpt.client.util.Durations;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every client command takes (a picocli mixin): {@code --peers} (or the
 * {@code CKPT_PEERS} environment variable), {@code --timeout}, {@code --json}, {@code --verbose}.
 */
public final class ClientOptions {
  /** The environment variable read when {@code --peers} is not given. */
  public static final String PEERS_ENV = "CKPT_PEERS";

  @Spec(Spec.Target.MIXEE) private CommandSpec mixee;

  @Option(names = "--peers", paramLabel = "ID=HOST:PORT,...",
      description = "The cluster's nodes (default: $" + PEERS_ENV + "); ID=HOST:PORT/STREAM_PORT for nodes with "
          + "a DataStream port.")
  private String peers;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "20s", converter = DurationConverter.class,
      description = "How long the command may take, retries included, e.g. 500ms, 20s (default: ${DEFAULT-VALUE}).")
  private Duration timeout;

  @Option(names = "--json", description = "Print one JSON object on stdout.")
  private boolean json;

  @Mixin private VerboseOption verbose;

  public boolean json() {
    return json;
  }

  public Duration timeout() {
    return timeout;
  }

  /** The peers spec from {@code --peers} or {@code $CKPT_PEERS}; a usage error when neither is set. */
  public String peers() {
    String p = peers != null ? peers : root().env(PEERS_ENV);
    if (p == null || p.isBlank()) {
      throw new ParameterException(mixee.commandLine(),
          "no peers given: use --peers ID=HOST:PORT,... or set " + PEERS_ENV);
    }
    return p;
  }

  /** A client for the given peers and timeout; the caller closes it. */
  public CheckpointClient connect() {
    if (!verbose.isVerbose()) {
      VerboseOption.muteRatis();
    }
    return CheckpointClient.builder().peers(peers()).timeout(timeout).build();
  }

  /** The top command, which holds the streams and environment. */
  public CkptCommand root() {
    return (CkptCommand) mixee.root().userObject();
  }

  /** Parses {@code --timeout} values with {@link Durations#parse}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration d;
      try {
        d = Durations.parse(value);
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
      if (d.isZero() || d.isNegative()) {
        throw new CommandLine.TypeConversionException("duration must be positive, got '" + value + "'");
      }
      return d;
    }
  }
}
