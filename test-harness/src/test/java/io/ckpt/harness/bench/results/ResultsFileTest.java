package io.ckpt.harness.bench.results;

import static org.assertj.core.api.Assertions.assertThat;

import io.ckpt.harness.bench.systems.Layout;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which results of a cell the report uses: every pass of the latest run that measured it. */
class ResultsFileTest {
  private static final Cell CKPT = new Cell("ckpt", Layout.PROCESSES, Workload.WRITE, 1024, 64);
  private static final Cell ETCD = new Cell("etcd", Layout.PROCESSES, Workload.WRITE, 1024, 64);

  private static CellResult result(Cell cell, String run, int pass, long ops) {
    return new CellResult(cell, run, pass, CellResult.Status.OK, null, "t", 20, ops, 0, null, ops * 1024, null, ops,
        null, null);
  }

  @Test
  void theLatestRunOfEveryCellWithAllItsPassesInPassOrder() {
    List<CellResult> lines = List.of(
        result(CKPT, "r1", 1, 100),
        result(ETCD, "r1", 1, 200),
        result(CKPT, "r2", 1, 300),
        result(CKPT, "r2", 3, 500),
        result(CKPT, "r2", 2, 400),
        // the same pass again (files concatenated twice): the later line counts
        result(CKPT, "r2", 2, 450));

    Map<Cell, List<CellResult>> latest = ResultsFile.latestRun(lines);

    assertThat(latest.keySet()).containsExactly(CKPT, ETCD);
    assertThat(latest.get(CKPT)).extracting(r -> r.run() + "/" + r.pass() + "=" + r.ops())
        .containsExactly("r2/1=300", "r2/2=450", "r2/3=500");
    assertThat(latest.get(ETCD)).extracting(r -> r.run() + "/" + r.pass() + "=" + r.ops())
        .containsExactly("r1/1=200");
  }

  @Test
  void aLaterSinglePassRunReplacesAllPassesOfAnEarlierOne() {
    List<CellResult> lines = List.of(result(CKPT, "r1", 1, 100), result(CKPT, "r1", 2, 200), result(CKPT, "r2", 1, 300));
    assertThat(ResultsFile.latestRun(lines).get(CKPT)).extracting(CellResult::ops).containsExactly(300L);
  }
}
