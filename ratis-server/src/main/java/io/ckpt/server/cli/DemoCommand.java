package io.ckpt.server.cli;

import io.ckpt.server.cli.demo.DemoRun;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ckpt demo}: the failover scenario of {@link DemoRun} on an embedded cluster. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Checkpoint an application's state to an embedded 3-node cluster, kill the leader,"
        + " and recover the state on another node.")
final class DemoCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;
  @Mixin private VerboseOption verbose;

  @Override
  public Integer call() throws Exception {
    CkptCommand root = (CkptCommand) spec.root().userObject();
    if (!verbose.isVerbose()) {
      VerboseOption.muteRatis();
    }
    if (!new DemoRun(root.out(), root.err()).run()) {
      throw Errors.usage("the recovered state differs from the last acknowledged one");
    }
    return Errors.OK;
  }
}
