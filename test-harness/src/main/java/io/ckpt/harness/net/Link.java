package io.ckpt.harness.net;

/** A directed link: the connections node {@code from} opens to node {@code to}. */
public record Link(String from, String to) {
  public Link {
    if (from == null || to == null || from.equals(to)) {
      throw new IllegalArgumentException("a link joins two different nodes: " + from + "->" + to);
    }
  }

  public Link reversed() {
    return new Link(to, from);
  }

  @Override
  public String toString() {
    return from + "->" + to;
  }
}
