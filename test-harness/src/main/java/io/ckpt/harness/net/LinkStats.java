package io.ckpt.harness.net;

/**
 * Counters of one {@link LinkProxy} since it started, for the fault timeline. "To target" is the
 * byte direction from the connecting node to the target node; "from target" is the replies.
 *
 * @param bytesToTarget bytes written to the target
 * @param bytesFromTarget bytes written back to the connecting side
 * @param heldBytes bytes read but not yet forwarded (blocked, delayed or waiting for the reader)
 * @param connectionsAccepted connections accepted on the listen address
 * @param connectionsOpen connections currently open
 * @param connectionsReset connections aborted by {@link LinkProxy#reset()}
 * @param connectFailures connections dropped because the target refused or failed the connect
 */
public record LinkStats(
    long bytesToTarget,
    long bytesFromTarget,
    long heldBytes,
    long connectionsAccepted,
    int connectionsOpen,
    long connectionsReset,
    long connectFailures) {
  /** The counters of two proxies together (the ports of one link). */
  public LinkStats plus(LinkStats o) {
    return new LinkStats(bytesToTarget + o.bytesToTarget, bytesFromTarget + o.bytesFromTarget, heldBytes + o.heldBytes,
        connectionsAccepted + o.connectionsAccepted, connectionsOpen + o.connectionsOpen,
        connectionsReset + o.connectionsReset, connectFailures + o.connectFailures);
  }
}
