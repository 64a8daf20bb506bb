package io.ckpt.server.cli;

import io.ckpt.client.util.Sizes;
import picocli.CommandLine;

/** Parses size options such as {@code --max-size 64MiB} with {@link Sizes#parse}. */
final class SizeConverter implements CommandLine.ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    try {
      return Sizes.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
