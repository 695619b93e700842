package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.devstack.gateway.GatewaySimulator;
import io.durapay.devstack.gateway.SimulatedCharge;
import io.durapay.devstack.gateway.SimulatedRefund;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The gateway fault matrix, through the whole running system (REST → outbox → SNS → SQS → bridge
 * → Temporal → worker-v1 → the gateway simulator): one payment per fault, all in flight at once.
 * Each must end in the status its fault calls for; the gateway must hold at most one charge for
 * it, confirmed under one of its own keys; a charge the payment does not keep must be refunded; and
 * every charge the gateway made must be recorded on its payment's row — nothing charged twice,
 * nothing charged without a record.
 *
 * <p>Faults counted per payment spoil its first two charge requests, so the charge's third and
 * last attempt gets through at the latest. The late answers come 10 s after the request, after the
 * workers' read timeout ({@link #TIMING}: shorter than the stack's own, which leaves room for
 * charges held in flight, and none is held here).
 */
class GatewayFaultMatrixIT {

  static final GatewayTiming TIMING =
      new GatewayTiming(Duration.ofSeconds(5), Duration.ofSeconds(7), Duration.ofSeconds(10));

  /** One row of the matrix: the card that plays the fault and what must come of it. */
  record Fault(String token, String fault, PaymentStatus expected, int charges, int refunds) {}

  static final List<Fault> MATRIX = List.of(
      new Fault("pm_card_visa", "none (control)", PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_chargeDeclined", "declined (control)", PaymentStatus.FAILED, 0, 0),
      new Fault("pm_card_flaky", "500 before the charge, twice", PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_reset", "connection reset before the charge, twice",
          PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_rateLimited", "429 with Retry-After: 1, twice",
          PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_dropped", "charged, then the connection closed without an answer, twice",
          PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_garbage", "charged, then a 200 with a truncated non-JSON body, twice",
          PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_timeout", "charged, the answer 10 s late (the client gave up at 5 s)",
          PaymentStatus.COMPLETED, 1, 0),
      new Fault("pm_card_error500", "a 500 the gateway keeps under the key, twice",
          PaymentStatus.COMPLETED, 1, 0),
      // Before intents were recorded before their confirm, this one failed and was refunded: the
      // retries could not confirm and the compensation found the charge by search. Now the retry
      // retrieves the intent by its recorded id and finds it charged.
      new Fault("pm_card_lateThenUnavailable",
          "charged, the answer 10 s late, then 503 to every charge request", PaymentStatus.COMPLETED, 1, 0));

  @Test
  void everyPaymentEndsAsItsFaultCallsForWithAtMostOneChargeAndEveryChargeRecorded()
      throws Exception {
    try (Stack stack =
        Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-faults-it")), TIMING)) {
      GatewaySimulator gateway = stack.gateway();
      PaymentDao payments = stack.jdbi().onDemand(PaymentDao.class);
      ApiClient api = new ApiClient(stack::apiUrl);

      Map<String, Fault> byPayment = new LinkedHashMap<>();
      for (Fault fault : MATRIX) {
        String id = api.createPayment(stack.demoMerchant().apiKey(), fault.token(), fault.token());
        byPayment.put(id, fault);
      }
      // Longest path: three attempts (5 s timeout, 1 s, 2 s backoff), then the search and refund.
      await().atMost(Duration.ofSeconds(75)).pollInterval(Duration.ofMillis(500)).until(() ->
          byPayment.keySet().stream()
              .allMatch(id -> payments.findById(id).orElseThrow().status().isFinal()));

      List<SimulatedCharge> charges = gateway.charges();
      List<SimulatedRefund> refunds = gateway.refunds();
      List<String> table = new ArrayList<>();
      SoftAssertions softly = new SoftAssertions();
      byPayment.forEach((id, fault) -> {
        Payment payment = payments.findById(id).orElseThrow();
        List<SimulatedCharge> charged =
            charges.stream().filter(c -> c.paymentId().equals(id)).toList();
        List<SimulatedRefund> refunded =
            refunds.stream().filter(r -> r.paymentId().equals(id)).toList();
        table.add(String.format("%-28s %-10s %-22s %-8d %-8d %-8d %s",
            fault.token(), payment.status().wireName(), payment.failureCode(), charged.size(),
            refunded.size(), gateway.chargeAttempts(id), payment.gatewayReference()));

        softly.assertThat(payment.status()).as("%s: status", fault.token())
            .isEqualTo(fault.expected());
        softly.assertThat(charged).as("%s: charges", fault.token()).hasSize(fault.charges());
        softly.assertThat(charged).as("%s: idempotency key", fault.token())
            .allSatisfy(c -> assertThat(c.idempotencyKey()).startsWith("confirm-" + id + "-"));
        softly.assertThat(refunded).as("%s: refunds", fault.token()).hasSize(fault.refunds());
        // A charge the payment does not keep is refunded; one it keeps never is.
        boolean kept = payment.status() == PaymentStatus.COMPLETED;
        softly.assertThat(refunded).as("%s: refunds of what it does not keep", fault.token())
            .extracting(SimulatedRefund::intentId)
            .containsExactlyInAnyOrderElementsOf(
                kept ? List.of() : charged.stream().map(SimulatedCharge::intentId).toList());
        // No charge without a record.
        if (!charged.isEmpty()) {
          softly.assertThat(payment.gatewayReference()).as("%s: recorded charge", fault.token())
              .isEqualTo(charged.get(0).intentId());
        }
      });
      // And nothing charged at all that no payment of the matrix accounts for.
      softly.assertThat(charges).extracting(SimulatedCharge::paymentId)
          .allMatch(byPayment::containsKey);
      System.out.println(String.format("%-28s %-10s %-22s %-8s %-8s %-8s %s",
          "token", "status", "failure code", "charges", "refunds", "requests", "gateway ref"));
      table.forEach(System.out::println);
      softly.assertAll();
    }
  }
}
