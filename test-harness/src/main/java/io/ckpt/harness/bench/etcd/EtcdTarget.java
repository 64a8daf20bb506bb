package io.ckpt.harness.bench.etcd;

import io.ckpt.harness.bench.systems.BenchTarget;
import io.ckpt.harness.bench.systems.Layout;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd as a {@link BenchTarget}: a new 3-member cluster of etcd processes with etcd's defaults
 * (fsync on), driven through one shared jetcd {@link Client} over all three members. Writes are
 * puts; linearizable reads are etcd's default gets; stale reads are serializable gets sent to a
 * follower through a second client; a takeover bumps an owner epoch with a compare-and-swap
 * transaction, then reads the value linearizably.
 */
public final class EtcdTarget implements BenchTarget {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdTarget.class);
  private static final String VALUE_PREFIX = "v/";
  private static final String OWNER_PREFIX = "o/";
  /** What etcd answers once its NOSPACE alarm is raised. */
  private static final String NO_SPACE = "database space exceeded";
  private static final GetOption SERIALIZABLE = GetOption.builder().withSerializable(true).build();

  private final EtcdCluster cluster;
  private final Client client;
  private final EtcdMember follower;
  private final Client followerClient;
  private final KV kv;
  private final KV followerKv;
  private final EtcdFencing fencing;

  private EtcdTarget(EtcdCluster cluster, Client client, EtcdMember follower, Client followerClient) {
    this.cluster = cluster;
    this.client = client;
    this.follower = follower;
    this.followerClient = followerClient;
    this.kv = client.getKVClient();
    this.followerKv = followerClient.getKVClient();
    this.fencing = new EtcdFencing(kv);
  }

  /**
   * Starts a 3-member etcd cluster with its data and logs under {@code dir} and connects to it.
   * Only {@link Layout#PROCESSES}: etcd is a separate program and cannot run inside the JVM.
   */
  public static EtcdTarget start(Layout layout, Path dir) {
    return start(layout, dir, List.of());
  }

  /** As {@link #start(Layout, Path)}, with {@code extraFlags} given to every member. */
  static EtcdTarget start(Layout layout, Path dir, List<String> extraFlags) {
    if (layout != Layout.PROCESSES) {
      throw new IllegalArgumentException("etcd cannot run in layout " + layout
          + ": it is a separate program, so its members always run as 3 processes (Layout.PROCESSES)");
    }
    EtcdCluster cluster = EtcdCluster.start(EtcdBinary.locate(), dir, 3, Duration.ofSeconds(60), extraFlags);
    Client client = null;
    try {
      client = Client.builder().endpoints(cluster.clientEndpoints()).build();
      EtcdMember follower = findFollower(client, cluster);
      Client followerClient = Client.builder().endpoints(follower.clientUrl()).build();
      LOG.info("etcd stale reads go to follower {}", follower);
      return new EtcdTarget(cluster, client, follower, followerClient);
    } catch (Exception e) {
      if (client != null) {
        client.close();
      }
      cluster.close();
      if (e instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("cannot connect to etcd: " + e.getMessage(), e);
    }
  }

  /** A member that is not the leader, by each member's own status. */
  private static EtcdMember findFollower(Client client, EtcdCluster cluster) throws Exception {
    for (EtcdMember m : cluster.members()) {
      StatusResponse status = Await.result(client.getMaintenanceClient().statusMember(m.clientUrl()),
          "status of " + m.name());
      if (status.getLeader() != 0 && status.getLeader() != status.getHeader().getMemberId()) {
        return m;
      }
    }
    throw new IllegalStateException("no etcd member reports itself a follower of a leader: " + cluster.members());
  }

  @Override
  public String system() {
    return "etcd";
  }

  @Override
  public String description() {
    return "etcd " + cluster.binary().version() + ", " + cluster.members().size()
        + " processes, fsync on, via jetcd";
  }

  @Override
  public long maxValueBytes() {
    return EtcdRequestLimit.MAX_VALUE_BYTES;
  }

  @Override
  public boolean supports(Operation op) {
    return true;
  }

  @Override
  public void write(String key, byte[] value) throws Exception {
    EtcdRequestLimit.check(key, value);
    try {
      Await.result(kv.put(valueKey(key), ByteSequence.from(value)), "put of " + key);
    } catch (Exception e) {
      if (String.valueOf(e.getMessage()).contains(NO_SPACE)) {
        throw new IllegalStateException("etcd refuses writes: its backend reached --quota-backend-bytes "
            + "(2 GiB by default; etcd keeps every revision until compacted, so every byte written counts): "
            + "start a fresh cluster or write less per run (" + e.getMessage() + ")", e);
      }
      throw e;
    }
  }

  @Override
  public byte[] read(String key, boolean stale) throws Exception {
    EtcdRequestLimit.checkKey(key);
    GetResponse response = stale
        ? Await.result(followerKv.get(valueKey(key), SERIALIZABLE), "serializable get of " + key)
        : Await.result(kv.get(valueKey(key)), "get of " + key);
    if (response.getKvs().isEmpty()) {
      throw new NoSuchElementException("etcd has no value for key '" + key + "'"
          + (stale ? " on follower " + follower.name() : ""));
    }
    return response.getKvs().get(0).getValue().getBytes();
  }

  @Override
  public long takeover(String key) throws Exception {
    EtcdRequestLimit.checkKey(key);
    fencing.bumpEpoch(ownerKey(key));
    byte[] local = read(key, false);
    return local.length;
  }

  /** The owner epoch of {@code key}: 0 before its first takeover, then one more per takeover. */
  public long ownerEpoch(String key) throws Exception {
    EtcdRequestLimit.checkKey(key);
    return fencing.epoch(ownerKey(key));
  }

  /** The member that serves stale reads. */
  public EtcdMember staleReadMember() {
    return follower;
  }

  public EtcdCluster cluster() {
    return cluster;
  }

  @Override
  public List<ProcessHandle> nodeProcesses() {
    return cluster.processes();
  }

  @Override
  public boolean nodesInThisJvm() {
    return false;
  }

  /** Closes both clients and stops the members. */
  @Override
  public void close() {
    try {
      followerClient.close();
      client.close();
    } finally {
      cluster.close();
    }
  }

  private static ByteSequence valueKey(String key) {
    return ByteSequence.from(VALUE_PREFIX + key, StandardCharsets.UTF_8);
  }

  private static ByteSequence ownerKey(String key) {
    return ByteSequence.from(OWNER_PREFIX + key, StandardCharsets.UTF_8);
  }
}
