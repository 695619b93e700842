package io.durapay.devstack.schedules;

import static org.assertj.core.api.Assertions.assertThat;

import io.durapay.contracts.ChargeResult;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.RefundResult;
import io.durapay.store.testing.PostgresExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Thirty seeded fault schedules over the gateway (the benchmark runs a thousand and more:
 * {@code bench/RESULTS.md}); {@code -Ddurapay.schedules.seed=…} repeats or explores a seed.
 */
class FaultScheduleIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @Test
  void everyPaymentEndsFinalAndItsCustomerChargedExactlyWhenItCompleted() throws Exception {
    long seed = Long.getLong("durapay.schedules.seed", 20261202L);

    FaultScheduleRun.Report report = FaultScheduleRun.run(POSTGRES.dataSource(), seed, 30, 30);

    assertThat(report.violations()).as(report.toString()).isEmpty();
    assertThat(report.payments()).isEqualTo(30);
    // The schedules reach the paths they are for: some complete, some fail, some are refunded.
    assertThat(report.outcomes()).containsKeys("completed", "declined");
  }

  /**
   * The negative control: the same kind of run with a compensation that refunds nothing (the
   * v1-era bug, and any like it) must be caught by the invariants.
   */
  @Test
  void aCompensationThatRefundsNothingIsCaught() throws Exception {
    FaultScheduleRun.Report report = FaultScheduleRun.run(POSTGRES.dataSource(), 7L, 20, 20,
        real -> new GatewayActivities() {
          @Override
          public ChargeResult processPaymentWithGateway(PaymentRequest request) {
            return real.processPaymentWithGateway(request);
          }

          @Override
          public RefundResult compensatePayment(PaymentRequest request) {
            return new RefundResult(null, false);
          }
        });

    assertThat(report.violations()).as(report.toString())
        .anyMatch(v -> v.startsWith("not completed but the customer is charged"));
  }
}
