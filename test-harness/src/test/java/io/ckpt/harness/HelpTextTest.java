package io.ckpt.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.ckpt.server.cli.CkptCommand;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Every help text of the whole {@code ckpt} command tree (the harness's {@code bench} included)
 * formats: picocli passes descriptions through {@code String.format}, so a bare {@code %} makes
 * it print a warning on every start and fall back to the raw text.
 */
class HelpTextTest {
  private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

  @Test
  void everyDescriptionOfEveryCommandFormats() {
    CommandLine root = CkptCommand.commandLine(new CkptCommand(NOWHERE, NOWHERE, new ByteArrayInputStream(new byte[0]),
        k -> null));
    List<String> texts = new ArrayList<>();
    collect(root, texts);
    assertThat(root.getSubcommands()).containsKey("bench");
    assertThat(texts).anyMatch(t -> t.startsWith("Systems to measure")).anyMatch(t -> t.startsWith("Log at INFO"));
    for (String text : texts) {
      assertThatCode(() -> String.format(text)).as(text).doesNotThrowAnyException();
    }
  }

  /** The texts as written in the annotations, before picocli formats them, mixins included. */
  private static void collect(CommandLine command, List<String> texts) {
    collect(command.getCommandSpec(), texts);
    command.getSubcommands().values().forEach(sub -> collect(sub, texts));
  }

  private static void collect(CommandSpec spec, List<String> texts) {
    for (Class<?> c = spec.userObject().getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      Command cmd = c.getAnnotation(Command.class);
      if (cmd != null) {
        texts.addAll(List.of(cmd.description()));
        texts.addAll(List.of(cmd.header()));
        texts.addAll(List.of(cmd.footer()));
      }
      List<AnnotatedElement> members = new ArrayList<>(List.of(c.getDeclaredFields()));
      members.addAll(List.of(c.getDeclaredMethods()));
      for (AnnotatedElement member : members) {
        Option option = member.getAnnotation(Option.class);
        if (option != null) {
          texts.addAll(List.of(option.description()));
        }
        Parameters parameters = member.getAnnotation(Parameters.class);
        if (parameters != null) {
          texts.addAll(List.of(parameters.description()));
        }
      }
    }
    spec.mixins().values().forEach(mixin -> collect(mixin, texts));
  }
}
