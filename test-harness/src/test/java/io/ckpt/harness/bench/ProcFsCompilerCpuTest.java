package io.ckpt.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link ProcFs#compilerCpuNanos}: the JIT compiler threads' CPU time read from /proc. */
class ProcFsCompilerCpuTest {
  @BeforeAll
  static void linuxOnly() {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
  }

  @Test
  void thisJvmsCompilersHaveUsedCpuByNow() {
    // Loading JUnit and this class took thousands of compilations: well over one 10 ms tick.
    assertThat(ProcFs.compilerCpuNanos(ProcessHandle.current().pid())).isNotNull().isPositive();
  }

  @Test
  void aProcessWithoutCompilerThreadsHasUsedNone() throws Exception {
    Process sleep = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(ProcFs.compilerCpuNanos(sleep.pid())).isZero();
    } finally {
      sleep.destroyForcibly().waitFor();
    }
  }

  @Test
  void aProcessThatEndedCannotBeRead() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    long pid = p.pid();
    p.onExit().get(); // reaped: its /proc entry is gone
    assertThat(ProcFs.compilerCpuNanos(pid)).isNull();
  }
}
