package io.durapay.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.common.WorkflowExecutionHistory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Smoke run of the replay benchmark on a handful of histories: it runs and yields a ratio. Not timed. */
class ReplayBenchTest {

  @Test
  void replaysAFewHistoriesAndComputesAPositiveRatio() throws Exception {
    WorkflowExecutionHistory history =
        HistoryFolder.read(Path.of("../worker-v2/src/test/resources/histories/v1/success.json"));

    ReplayBench.Rates rates = ReplayBench.rates(history, 5, 2);

    assertThat(rates.gate()).isPositive();
    assertThat(rates.sdk()).isPositive();
    assertThat(rates.ratio()).isPositive().isFinite();
  }
}
