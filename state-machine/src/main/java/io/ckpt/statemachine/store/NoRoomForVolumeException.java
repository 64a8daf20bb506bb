package io.ckpt.statemachine.store;

import java.io.IOException;

/**
 * A new chunk volume file could not be created (typically: the disk is full). Thrown before
 * the entry being applied changed anything, so applying it again later is safe.
 */
public final class NoRoomForVolumeException extends IOException {
  NoRoomForVolumeException(IOException cause) {
    super(cause.getMessage(), cause);
  }
}
