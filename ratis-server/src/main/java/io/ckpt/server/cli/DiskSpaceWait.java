package io.ckpt.server.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Before a node starts: waits while its data directory's filesystem has less free space than
 * the node's reserve, saying so once. A node started on a full disk would fail again at once,
 * and under a supervisor that restarts it, loop; this way it starts as soon as space returns.
 */
final class DiskSpaceWait {
  private DiskSpaceWait() {}

  static void untilFree(Path dataDir, long needed, PrintStream err, String what) throws InterruptedException {
    boolean told = false;
    while (true) {
      long free = freeBytes(dataDir);
      if (free >= needed) {
        if (told) {
          err.println("ckpt: " + what + ": disk space is back (" + mib(free) + " free); starting");
          err.flush();
        }
        return;
      }
      if (!told) {
        err.println("ckpt: " + what + " is waiting for disk space: " + mib(free) + " free in " + dataDir
            + ", it needs " + mib(needed) + " (ckpt.store.disk.reserve) to start");
        err.flush();
        told = true;
      }
      Thread.sleep(1000);
    }
  }

  private static long freeBytes(Path dir) {
    for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        try {
          return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
          return Long.MAX_VALUE; // cannot tell: let the start report what is wrong
        }
      }
    }
    return Long.MAX_VALUE;
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / 1048576.0);
  }
}
