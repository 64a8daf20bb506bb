package io.ckpt.harness.net;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Renders the modes of all links of a cluster as a short line for the fault timeline, derived
 * from the modes themselves (not from the operations that set them), for example
 * {@code partition [n1 n2 | n3 n4 n5]; delay n1->n3 200ms} or {@code none}.
 */
final class FaultDescription {
  private FaultDescription() {}

  static String describe(List<String> nodes, Function<Link, LinkMode> modes) {
    List<String> parts = new ArrayList<>();
    List<List<String>> sides = cleanPartition(nodes, modes);
    String bridge = null;
    if (sides == null) {
      for (String candidate : nodes) {
        if (untouched(candidate, nodes, modes)) {
          List<String> rest = new ArrayList<>(nodes);
          rest.remove(candidate);
          sides = cleanPartition(rest, modes);
          if (sides != null) {
            bridge = candidate;
            break;
          }
        }
      }
    }
    if (sides != null) {
      parts.add((bridge == null ? "partition " : "bridge " + bridge + " ") + render(sides));
    }
    List<String> blocks = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = 0; j < nodes.size(); j++) {
        if (i == j || acrossSides(sides, nodes.get(i), nodes.get(j))) {
          continue; // explained by the partition
        }
        Link link = new Link(nodes.get(i), nodes.get(j));
        boolean forward = modes.apply(link).isBlock();
        boolean back = modes.apply(link.reversed()).isBlock();
        if (forward && back && i < j) {
          blocks.add(link.from() + "<->" + link.to());
        } else if (forward && !back) {
          blocks.add(link.toString());
        }
      }
    }
    if (!blocks.isEmpty()) {
      parts.add("block " + String.join(" ", blocks));
    }
    for (int i = 0; i < nodes.size(); i++) {
      for (int j = 0; j < nodes.size(); j++) {
        if (i == j) {
          continue;
        }
        Link link = new Link(nodes.get(i), nodes.get(j));
        LinkMode mode = modes.apply(link);
        if (mode.kind() != LinkMode.Kind.DELAY) {
          continue;
        }
        boolean symmetric = mode.equals(modes.apply(link.reversed()));
        if (symmetric && i > j) {
          continue;
        }
        String name = symmetric ? link.from() + "<->" + link.to() : link.toString();
        String jitter = mode.jitterMs() == 0 ? "" : "±" + mode.jitterMs();
        parts.add("delay " + name + " " + mode.delayMs() + jitter + "ms");
      }
    }
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }

  /**
   * The groups of {@code nodes} connected by pairs not blocked both ways (so every link between
   * groups is blocked both ways) if there are two or more; otherwise null.
   */
  private static List<List<String>> cleanPartition(List<String> nodes,
      Function<Link, LinkMode> modes) {
    List<List<String>> sides = new ArrayList<>();
    for (String node : nodes) {
      if (sideOf(sides, node) >= 0) {
        continue;
      }
      List<String> side = new ArrayList<>(List.of(node));
      for (int k = 0; k < side.size(); k++) { // grow along links not cut both ways
        for (String other : nodes) {
          if (!side.contains(other) && !cut(side.get(k), other, modes)) {
            side.add(other);
          }
        }
      }
      side.sort((a, b) -> nodes.indexOf(a) - nodes.indexOf(b));
      sides.add(side);
    }
    return sides.size() < 2 ? null : sides;
  }

  private static boolean acrossSides(List<List<String>> sides, String a, String b) {
    if (sides == null) {
      return false;
    }
    int sideA = sideOf(sides, a);
    int sideB = sideOf(sides, b);
    return sideA >= 0 && sideB >= 0 && sideA != sideB;
  }

  private static boolean cut(String a, String b, Function<Link, LinkMode> modes) {
    return modes.apply(new Link(a, b)).isBlock() && modes.apply(new Link(b, a)).isBlock();
  }

  private static boolean untouched(String node, List<String> nodes, Function<Link, LinkMode> modes) {
    for (String other : nodes) {
      if (!other.equals(node) && (modes.apply(new Link(node, other)).isBlock()
          || modes.apply(new Link(other, node)).isBlock())) {
        return false;
      }
    }
    return true;
  }

  private static int sideOf(List<List<String>> sides, String node) {
    for (int i = 0; i < sides.size(); i++) {
      if (sides.get(i).contains(node)) {
        return i;
      }
    }
    return -1;
  }

  private static String render(List<List<String>> sides) {
    List<String> rendered = new ArrayList<>();
    for (List<String> side : sides) {
      rendered.add(String.join(" ", side));
    }
    return "[" + String.join(" | ", rendered) + "]";
  }
}
