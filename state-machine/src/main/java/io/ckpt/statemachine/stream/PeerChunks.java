package io.ckpt.statemachine.stream;

import io.ckpt.protocol.StreamChunkQuery;
import java.io.IOException;

/**
 * Where a node asks its peers for bytes of a stream it lacks: {@link RaftPeerChunks} over the
 * peers' Ratis ports; tests stage peers that refuse, fail or send wrong bytes.
 */
@FunctionalInterface
public interface PeerChunks {
  /**
   * One attempt at one chunk from one peer.
   *
   * @return the bytes the peer sent, unchecked
   * @throws IOException saying why this peer cannot send them now
   */
  byte[] read(String peer, StreamChunkQuery query) throws IOException;
}
