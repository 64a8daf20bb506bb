package io.ckpt.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PeerAddressTest {
  @Test
  void parsesPeersWithAndWithoutStreamPorts() {
    List<PeerAddress> peers = PeerAddress.parseList("n1=127.0.0.1:9001/9101, n2=host-b:9002");
    assertThat(peers).containsExactly(new PeerAddress("n1", "127.0.0.1", 9001, 9101), new PeerAddress("n2", "host-b", 9002));
    assertThat(peers.get(0).streamAddress()).isEqualTo("127.0.0.1:9101");
    assertThat(peers.get(1).hasStreamPort()).isFalse();
    assertThat(PeerAddress.allTakeStreams(peers)).isFalse();
    assertThat(PeerAddress.allTakeStreams(peers.subList(0, 1))).isTrue();
    assertThat(PeerAddress.format(peers)).isEqualTo("n1=127.0.0.1:9001/9101,n2=host-b:9002");
    assertThat(PeerAddress.parseList(PeerAddress.format(peers))).isEqualTo(peers);
  }

  @Test
  void refusesBadStreamPorts() {
    assertThatThrownBy(() -> PeerAddress.parseList("n1=h:9001/")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("expected ID=HOST:PORT");
    assertThatThrownBy(() -> PeerAddress.parseList("n1=h:9001/x")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("bad stream port");
    assertThatThrownBy(() -> PeerAddress.parseList("n1=h:9001/0")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("bad stream port");
    assertThatThrownBy(() -> PeerAddress.parseList("n1=h:9001/70000")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("bad stream port");
    assertThatThrownBy(() -> PeerAddress.parseList("n1=h:9001/9001")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("same port");
    assertThatThrownBy(() -> PeerAddress.parseList("n1=h:9001/9002,n2=h:9002")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> new PeerAddress("n1", "h", 9001).streamAddress()).isInstanceOf(IllegalStateException.class);
  }
}
