package io.ckpt.statemachine;

import java.io.IOException;

/**
 * A node's files are damaged in a way it cannot repair by itself, so it refuses to start. The
 * message names the file, what is wrong and what the operator can do; it is meant to be
 * printed as it is.
 */
public class DamagedStorageException extends IOException {
  public DamagedStorageException(String message) {
    super(message);
  }

  public DamagedStorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The operator's way out when a node cannot rebuild itself from its own files. The other
   * nodes must hold every committed entry before this node forgets its log; and a leader keeps
   * sending a follower entries after the last one it acknowledged, so only a new leader (any
   * leader restart) copies the state to the emptied node.
   */
  public static String rebuildFromPeersAdvice(java.nio.file.Path dataDir) {
    return "to rebuild this node from its peers: check with 'ckpt status' that the other nodes are up and caught up"
        + " (applied index equal to commit index), move " + dataDir + " aside, start this node with an empty data"
        + " directory, then restart the current leader: the next leader copies the state to this node";
  }
}
