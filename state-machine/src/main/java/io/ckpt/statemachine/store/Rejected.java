package io.ckpt.statemachine.store;

import io.ckpt.client.internal.Rejections;
import io.ckpt.protocol.Status;

/** A write refused before it enters the log; the message carries the status for the client. */
public final class Rejected extends Exception {
  private final Status status;

  public Rejected(Status status, String reason) {
    super(Rejections.encode(status, reason));
    this.status = status;
  }

  public Status status() {
    return status;
  }
}
