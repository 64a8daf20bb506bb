package io.ckpt.harness.net;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The counters behind {@link LinkStats}: written by a proxy's thread, read by anyone. */
final class Counters {
  final AtomicLong toTarget = new AtomicLong();
  final AtomicLong fromTarget = new AtomicLong();
  final AtomicLong held = new AtomicLong();
  final AtomicLong accepted = new AtomicLong();
  final AtomicInteger open = new AtomicInteger();
  final AtomicLong reset = new AtomicLong();
  final AtomicLong connectFailures = new AtomicLong();
}
