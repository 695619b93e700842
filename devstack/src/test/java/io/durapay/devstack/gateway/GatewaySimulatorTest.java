package io.durapay.devstack.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.durapay.devstack.gateway.GatewaySimulator.Settings;
import io.durapay.worker.gateway.GatewayCharge;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.gateway.GatewayIntent;
import io.durapay.worker.gateway.GatewayRefund;
import io.durapay.worker.gateway.GatewayRejectedException;
import io.durapay.worker.gateway.GatewayRetryableException;
import io.durapay.worker.gateway.PaymentDeclinedException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Drives the simulator with the workers' own GatewayClient, so both speak the same protocol. */
class GatewaySimulatorTest {

  private static final String SECRET = "sk_test_devstack";
  private static final Duration SLOW = Duration.ofSeconds(2);

  private GatewaySimulator simulator;
  private GatewayClient client;

  @BeforeEach
  void start() {
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO));
  }

  @AfterEach
  void stop() {
    simulator.stop();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pm_card_visa", "pm_card_mastercard", "pm_card_amex"})
  void aTestCardIsChargedOnce(String card) {
    GatewayCharge charge = charge(client, "pay_1", 1250, card);

    assertThat(charge).isEqualTo(new GatewayCharge("pi_pay_1", "succeeded", 1250, "eur"));
    assertThat(simulator.charges())
        .containsExactly(new SimulatedCharge("pay_1", "pi_pay_1", 1250, "eur", "confirm-pay_1-1"));
    assertThat(simulator.chargeAttempts("pay_1")).isEqualTo(1);
  }

  @Test
  void aRepeatedChargeGetsTheFirstIntentAndMovesNoMoreMoney() {
    GatewayCharge first = charge(client, "pay_1", 1250, "pm_card_visa");
    GatewayCharge again = charge(client, "pay_1", 1250, "pm_card_visa");

    assertThat(again).isEqualTo(first);
    assertThat(simulator.charges()).hasSize(1);
    assertThat(simulator.chargeAttempts("pay_1")).isEqualTo(2);
  }

  @Test
  void aHeldChargeWaitsUnchargedUntilItsPaymentIsReleasedAndThenChargesOnceForBothRequests()
      throws Exception {
    simulator.holdCharges();
    CompletableFuture<GatewayCharge> first =
        CompletableFuture.supplyAsync(() -> charge(client, "pay_1", 1250, "pm_card_visa"));
    CompletableFuture<GatewayCharge> retry =
        CompletableFuture.supplyAsync(() -> charge(client, "pay_1", 1250, "pm_card_visa"));
    CompletableFuture<GatewayCharge> other =
        CompletableFuture.supplyAsync(() -> charge(client, "pay_2", 500, "pm_card_visa"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> simulator.heldPayments().containsAll(List.of("pay_1", "pay_2")));
    assertThat(simulator.charges()).isEmpty();

    simulator.release(List.of("pay_1"));

    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(retry.get(10, TimeUnit.SECONDS));
    assertThat(simulator.charges()).extracting(SimulatedCharge::paymentId).containsExactly("pay_1");
    assertThat(simulator.heldPayments()).containsExactly("pay_2");
    assertThat(other).isNotDone();

    simulator.releaseAll();

    assertThat(other.get(10, TimeUnit.SECONDS).id()).isEqualTo("pi_pay_2");
    assertThat(simulator.heldPayments()).isEmpty();
    assertThat(charge(client, "pay_3", 100, "pm_card_visa").id()).isEqualTo("pi_pay_3");
  }

  @Test
  void reusingAKeyWithOtherParametersIsRejected() {
    charge(client, "pay_1", 1250, "pm_card_visa");

    GatewayRejectedException e =
        catchThrowableOfType(
            GatewayRejectedException.class,
            () -> charge(client, "pay_1", 9999, "pm_card_visa"));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.getMessage()).contains("idempotency_error");
    assertThat(simulator.charges()).extracting(SimulatedCharge::amount).containsExactly(1250L);
  }

  @ParameterizedTest(name = "{0} is declined with {1}")
  @CsvSource({
    "pm_card_chargeDeclined,    generic_decline",
    "pm_card_insufficientFunds, insufficient_funds"
  })
  void aDecliningCardIsDeclinedEveryTime(String card, String declineCode) {
    PaymentDeclinedException first =
        catchThrowableOfType(
            PaymentDeclinedException.class, () -> charge(client, "pay_1", 1250, card));
    PaymentDeclinedException again =
        catchThrowableOfType(
            PaymentDeclinedException.class, () -> charge(client, "pay_1", 1250, card));

    assertThat(first.code()).isEqualTo(declineCode);
    assertThat(again.code()).isEqualTo(declineCode);
    assertThat(simulator.charges()).isEmpty();
    assertThat(client.findByPaymentId("pay_1")).isEmpty();
  }

  @Test
  void aFlakyCardFailsTwiceThenSucceedsWithOneCharge() {
    for (int attempt = 1; attempt <= 2; attempt++) {
      GatewayRetryableException e =
          catchThrowableOfType(
              GatewayRetryableException.class,
              () -> charge(client, "pay_1", 1250, "pm_card_flaky"));
      assertThat(e.code()).isEqualTo("http_500");
    }

    GatewayCharge charge = charge(client, "pay_1", 1250, "pm_card_flaky");

    assertThat(charge.id()).isEqualTo("pi_pay_1");
    assertThat(simulator.chargeAttempts("pay_1")).isEqualTo(3);
    assertThat(simulator.charges()).hasSize(1);
  }

  @Test
  void flakyFailuresAreCountedPerPayment() {
    catchThrowableOfType(
        GatewayRetryableException.class,
        () -> charge(client, "pay_1", 1250, "pm_card_flaky"));

    GatewayRetryableException otherPayment =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(client, "pay_2", 1250, "pm_card_flaky"));

    assertThat(otherPayment.code()).isEqualTo("http_500");
  }

  @Test
  void aSlowCardTimesOutThenItsRetryGetsTheSameCharge() {
    OkHttpClient impatientHttp =
        new OkHttpClient.Builder().readTimeout(Duration.ofMillis(200)).build();
    GatewayClient impatient = new GatewayClient(impatientHttp, simulator.baseUrl(), SECRET);

    GatewayRetryableException timeout =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(impatient, "pay_1", 1250, "pm_card_slow"));
    // The first request is still being worked on, as Stripe says of a key in use.
    GatewayRetryableException inUse =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(client, "pay_1", 1250, "pm_card_slow"));
    GatewayCharge charge =
        await()
            .atMost(SLOW.multipliedBy(3))
            .pollInterval(Duration.ofMillis(100))
            .ignoreExceptionsInstanceOf(GatewayRetryableException.class)
            .until(() -> charge(client, "pay_1", 1250, "pm_card_slow"), Objects::nonNull);

    assertThat(timeout.code()).isEqualTo("timeout");
    assertThat(inUse.code()).isEqualTo("idempotency_key_in_use");
    assertThat(charge.id()).isEqualTo("pi_pay_1");
    assertThat(simulator.charges()).hasSize(1);
  }

  @Test
  void aResetCardResetsTheConnectionTwiceAndChargesNothingUntilItGetsThrough() {
    for (int attempt = 1; attempt <= 2; attempt++) {
      GatewayRetryableException e =
          catchThrowableOfType(
              GatewayRetryableException.class,
              () -> charge(client, "pay_1", 1250, "pm_card_reset"));
      assertThat(e.code()).isEqualTo("io_error");
      assertThat(simulator.charges()).isEmpty();
    }

    assertThat(charge(client, "pay_1", 1250, "pm_card_reset").id()).isEqualTo("pi_pay_1");
    assertThat(simulator.charges()).hasSize(1);
  }

  @Test
  void aRateLimitedCardAsksTheCallerToWaitTwiceThenCharges() {
    for (int attempt = 1; attempt <= 2; attempt++) {
      GatewayRetryableException e =
          catchThrowableOfType(
              GatewayRetryableException.class,
              () -> charge(client, "pay_1", 1250, "pm_card_rateLimited"));
      assertThat(e.code()).isEqualTo("rate_limit");
      assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
    }

    assertThat(charge(client, "pay_1", 1250, "pm_card_rateLimited").id())
        .isEqualTo("pi_pay_1");
    assertThat(simulator.charges()).hasSize(1);
  }

  @ParameterizedTest(name = "{0}: the charge is made, its answer fails with {1}, a retry replays it")
  @CsvSource({"pm_card_dropped, io_error", "pm_card_garbage, malformed_response"})
  void aSpoiledAnswerStillChargedOnceAndTheRetryGetsThatCharge(String card, String failure) {
    for (int attempt = 1; attempt <= 2; attempt++) {
      GatewayRetryableException e =
          catchThrowableOfType(
              GatewayRetryableException.class, () -> charge(client, "pay_1", 1250, card));
      assertThat(e.code()).isEqualTo(failure);
      assertThat(simulator.charges()).extracting(SimulatedCharge::intentId).containsExactly("pi_pay_1");
    }

    GatewayCharge charge = charge(client, "pay_1", 1250, card);

    assertThat(charge).isEqualTo(new GatewayCharge("pi_pay_1", "succeeded", 1250, "eur"));
    assertThat(simulator.charges()).hasSize(1);
    assertThat(simulator.chargeAttempts("pay_1")).isEqualTo(3);
  }

  @Test
  void aLateAnswerTimesTheCallerOutButTheRetryGetsTheChargeAtOnce() {
    simulator.stop();
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO, Duration.ofSeconds(2)));
    GatewayClient impatient = impatient(Duration.ofMillis(300));

    GatewayRetryableException timeout =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(impatient, "pay_1", 1250, "pm_card_timeout"));
    // Charged at the first request: unlike a slow card, the key is not in use any more.
    GatewayCharge charge = charge(impatient, "pay_1", 1250, "pm_card_timeout");

    assertThat(timeout.code()).isEqualTo("timeout");
    assertThat(charge.id()).isEqualTo("pi_pay_1");
    assertThat(simulator.charges()).hasSize(1);
  }

  @Test
  void aLateAnswerThenAnOutageLeavesTheChargeToBeFoundByItsIntentIdNotBySearch() {
    simulator.stop();
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO, Duration.ofSeconds(2)));
    GatewayClient impatient = impatient(Duration.ofMillis(300));

    GatewayRetryableException timeout =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(impatient, "pay_1", 1250, "pm_card_lateThenUnavailable"));
    GatewayRetryableException retry =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(impatient, "pay_1", 1250, "pm_card_lateThenUnavailable"));

    assertThat(timeout.code()).isEqualTo("timeout");
    assertThat(retry.code()).isEqualTo("http_503");
    assertThat(simulator.charges()).hasSize(1);
    assertThat(client.retrieve("pi_pay_1").succeeded()).isTrue();
    // Search lags fresh charges by up to a minute, as Stripe's does.
    assertThat(client.findByPaymentId("pay_1")).isEmpty();
  }

  @Test
  void everyAnswerTakesAtLeastTheBaseLatency() {
    Duration latency = Duration.ofMillis(300);
    simulator.stop();
    startWith(new Settings(0, SECRET, 2, SLOW, latency));

    long started = System.nanoTime();
    charge(client, "pay_1", 1250, "pm_card_visa");

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(latency);
  }

  @Test
  void anUnknownPaymentMethodIsRejected() {
    GatewayRejectedException e =
        catchThrowableOfType(
            GatewayRejectedException.class,
            () -> charge(client, "pay_1", 1250, "pm_unknown"));

    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("resource_missing");
  }

  @Test
  void aRepeatedRefundGetsTheFirstRefundAndRefundsOnce() {
    charge(client, "pay_1", 1250, "pm_card_visa");

    GatewayRefund first = client.refund("pay_1", "pi_pay_1");
    GatewayRefund again = client.refund("pay_1", "pi_pay_1");

    assertThat(first).isEqualTo(new GatewayRefund("re_pay_1", "succeeded"));
    assertThat(again).isEqualTo(first);
    assertThat(simulator.refunds())
        .containsExactly(
            new SimulatedRefund("re_pay_1", "pi_pay_1", "pay_1", 1250, "eur", "refund-pay_1"));
  }

  @Test
  void refundingARefundedIntentUnderAnotherKeyIsAlreadyDone() {
    charge(client, "pay_1", 1250, "pm_card_visa");
    client.refund("pay_1", "pi_pay_1");

    // A new key is a new request, which the gateway answers with charge_already_refunded; the
    // client counts that as refunded, and says so with a refund that has no id of its own.
    GatewayRefund again = client.refund("pay_1-retry", "pi_pay_1");

    assertThat(again).isEqualTo(new GatewayRefund(null, "succeeded"));
    assertThat(simulator.refunds()).hasSize(1);
  }

  @Test
  void refundingAnUnknownIntentIsRejected() {
    GatewayRejectedException e =
        catchThrowableOfType(
            GatewayRejectedException.class, () -> client.refund("pay_1", "pi_nothing"));

    assertThat(e.status()).isEqualTo(404);
    assertThat(e.code()).isEqualTo("resource_missing");
    assertThat(simulator.refunds()).isEmpty();
  }

  @Test
  void searchFindsTheSucceededIntentOfAPaymentOnlyOnceTheSearchLagHasPassed() {
    simulator.stop();
    MovableClock clock = new MovableClock();
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO), clock);
    charge(client, "it's", 1250, "pm_card_visa");

    assertThat(client.findByPaymentId("it's")).as("within the lag").isEmpty();
    clock.advance(GatewaySimulator.DEFAULT_SEARCH_LAG);

    assertThat(client.findByPaymentId("it's"))
        .contains(new GatewayCharge("pi_it's", "succeeded", 1250, "eur"));
    assertThat(client.findByPaymentId("pay_never_charged")).isEmpty();
  }

  @Test
  void aRequestWithoutAPinnedStripeVersionIsRefused() throws Exception {
    try (okhttp3.Response response = new OkHttpClient().newCall(new okhttp3.Request.Builder()
            .url(simulator.baseUrl() + "/v1/payment_intents/pi_x")
            .header("Authorization", "Bearer " + SECRET).get().build()).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).contains("api_version_invalid", "Stripe-Version");
    }
  }

  @Test
  void aServerSideConfirmOfAnIntentThatAllowsRedirectsNeedsAReturnUrl() throws Exception {
    okhttp3.FormBody form = new okhttp3.FormBody.Builder()
        .add("amount", "1250").add("currency", "eur").add("payment_method", "pm_card_visa")
        .add("confirm", "true").add("metadata[payment_id]", "pay_1").build();
    try (okhttp3.Response response = new OkHttpClient().newCall(new okhttp3.Request.Builder()
            .url(simulator.baseUrl() + "/v1/payment_intents")
            .header("Authorization", "Bearer " + SECRET)
            .header("Stripe-Version", GatewayClient.STRIPE_VERSION).post(form).build()).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).contains("return_url", "allow_redirects");
    }
    assertThat(simulator.charges()).isEmpty();
  }

  @Test
  void a500TheGatewayKeepsUnderItsKeyIsReplayedToThatKeyAndANewAttemptsKeyCharges() {
    GatewayIntent intent = client.createIntent("pay_1", 1250, "eur", "pm_card_error500");
    GatewayRetryableException first =
        catchThrowableOfType(GatewayRetryableException.class, () -> client.confirm("pay_1", intent.id(), 1));
    GatewayRetryableException sameKey =
        catchThrowableOfType(GatewayRetryableException.class, () -> client.confirm("pay_1", intent.id(), 1));

    assertThat(first.code()).isEqualTo("http_500");
    assertThat(sameKey.code()).as("the kept 500, replayed").isEqualTo("http_500");
    assertThat(client.retrieve(intent.id()).status()).isEqualTo("requires_confirmation");
    // Counted per payment: the third charge request gets through.
    assertThat(client.confirm("pay_1", intent.id(), 2).id()).isEqualTo("pi_pay_1");
    assertThat(simulator.charges()).hasSize(1);
  }

  @Test
  void aCanceledIntentCanNeverChargeAndASucceededOneCannotBeCanceled() {
    GatewayIntent intent = client.createIntent("pay_1", 1250, "eur", "pm_card_visa");
    assertThat(client.cancel("pay_1", intent.id()).canceled()).isTrue();

    GatewayRejectedException confirm =
        catchThrowableOfType(GatewayRejectedException.class, () -> client.confirm("pay_1", intent.id(), 1));
    assertThat(confirm.code()).isEqualTo("payment_intent_unexpected_state");
    assertThat(simulator.charges()).isEmpty();

    charge(client, "pay_2", 500, "pm_card_visa");
    GatewayRejectedException cancel =
        catchThrowableOfType(GatewayRejectedException.class, () -> client.cancel("pay_2", "pi_pay_2"));
    assertThat(cancel.code()).isEqualTo("payment_intent_unexpected_state");
  }

  @Test
  void anIntentSucceedsOnceWhateverTheKeysOfItsConfirms() {
    GatewayCharge charge = charge(client, "pay_1", 1250, "pm_card_visa", 1);

    GatewayRejectedException again =
        catchThrowableOfType(GatewayRejectedException.class, () -> client.confirm("pay_1", charge.id(), 2));

    assertThat(again.code()).isEqualTo("payment_intent_unexpected_state");
    assertThat(simulator.charges()).hasSize(1);
  }

  @Test
  void aWrongKeyIsRefusedAndChargesNothing() {
    GatewayClient intruder = new GatewayClient(new OkHttpClient(), simulator.baseUrl(), "sk_other");

    GatewayRetryableException e =
        catchThrowableOfType(
            GatewayRetryableException.class,
            () -> charge(intruder, "pay_1", 1250, "pm_card_visa"));

    assertThat(e.code()).isEqualTo("authentication_refused");
    assertThat(e.getMessage()).contains("HTTP 401", "authentication_error");
    assertThat(intruder.keyHealth().refusedNow()).isTrue();
    assertThat(simulator.charges()).isEmpty();
    assertThat(simulator.chargeAttempts("pay_1")).isZero();
  }

  /** Stripe forgets a key after 24 hours: the same request is then a new one, and charges again. */
  @Test
  void aKeyIsForgottenAfter24HoursAndTheSameCreateAndConfirmThenChargesAgain() throws Exception {
    simulator.stop();
    MovableClock clock = new MovableClock();
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO), clock);
    okhttp3.FormBody form = new okhttp3.FormBody.Builder()
        .add("amount", "1250").add("currency", "eur").add("payment_method", "pm_card_visa")
        .add("payment_method_types[]", "card").add("confirm", "true").add("metadata[payment_id]", "pay_1").build();

    String first = createAndConfirm(form, "pay_1");
    clock.advance(Duration.ofHours(23));
    assertThat(createAndConfirm(form, "pay_1")).as("a replay within 24 h").isEqualTo(first);
    assertThat(simulator.charges()).hasSize(1);
    clock.advance(Duration.ofHours(1));

    assertThat(createAndConfirm(form, "pay_1")).as("after 24 h, a new intent").isNotEqualTo(first);
    assertThat(simulator.charges()).as("the customer charged twice").hasSize(2);
  }

  @Test
  void anAsynchronousIntentIsProcessingUntilItSettlesAndOnlyThenCharges() {
    simulator.stop();
    MovableClock clock = new MovableClock();
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO), clock);
    GatewayIntent intent = client.createIntent("pay_1", 1250, "eur", "pm_card_processing");
    GatewayIntent declining = client.createIntent("pay_2", 700, "eur", "pm_card_processingDeclined");

    assertThat(client.confirmIntent("pay_1", intent.id(), 1).status()).isEqualTo("processing");
    assertThat(client.confirmIntent("pay_2", declining.id(), 1).status()).isEqualTo("processing");
    assertThat(simulator.charges()).isEmpty();
    assertThat(catchThrowableOfType(GatewayRejectedException.class, () -> client.cancel("pay_1", intent.id())).code())
        .as("a processing card payment cannot be canceled").isEqualTo("payment_intent_unexpected_state");
    clock.advance(GatewaySimulator.DEFAULT_SETTLE_DELAY);

    assertThat(client.retrieve(intent.id()).status()).isEqualTo("succeeded");
    GatewayIntent declined = client.retrieve(declining.id());
    assertThat(declined.status()).isEqualTo("requires_payment_method");
    assertThat(declined.declineCode()).isEqualTo("generic_decline");
    assertThat(simulator.charges()).extracting(SimulatedCharge::paymentId).containsExactly("pay_1");
  }

  @Test
  void aCardThatNeedsAuthenticationWaitsForACustomerAndChargesNothing() {
    GatewayIntent intent = client.createIntent("pay_1", 1250, "eur", "pm_card_authenticationRequired");

    assertThat(client.confirmIntent("pay_1", intent.id(), 1).status()).isEqualTo("requires_action");
    assertThat(client.cancel("pay_1", intent.id()).canceled()).isTrue();
    assertThat(simulator.charges()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"pm_card_refundPending, succeeded, 1", "pm_card_refundFail, failed, 0"})
  void aRefundCanStayPendingAndThenSucceedOrFail(String card, String finalStatus, int refundsMade) {
    simulator.stop();
    MovableClock clock = new MovableClock();
    startWith(new Settings(0, SECRET, 2, SLOW, Duration.ZERO), clock);
    GatewayCharge charge = charge(client, "pay_1", 1250, card);

    GatewayRefund refund = client.refund("pay_1", charge.id());
    assertThat(refund.status()).isEqualTo("pending");
    assertThat(client.retrieveRefund(refund.id()).status()).isEqualTo("pending");
    assertThat(simulator.refunds()).as("money not back yet").isEmpty();
    clock.advance(GatewaySimulator.DEFAULT_SETTLE_DELAY);

    assertThat(client.retrieveRefund(refund.id()).status()).isEqualTo(finalStatus);
    assertThat(simulator.refunds()).hasSize(refundsMade);
    assertThat(client.refund("pay_1", charge.id()).status()).as("the same key replays the refund").isEqualTo("pending");
  }

  private String createAndConfirm(okhttp3.FormBody form, String key) throws Exception {
    try (okhttp3.Response response = new OkHttpClient().newCall(new okhttp3.Request.Builder()
            .url(simulator.baseUrl() + "/v1/payment_intents")
            .header("Authorization", "Bearer " + SECRET).header("Idempotency-Key", key)
            .header("Stripe-Version", GatewayClient.STRIPE_VERSION).post(form).build()).execute()) {
      assertThat(response.code()).isEqualTo(200);
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body().string()).path("id").asText();
    }
  }

  private GatewayClient impatient(Duration readTimeout) {
    return new GatewayClient(
        new OkHttpClient.Builder().readTimeout(readTimeout).build(), simulator.baseUrl(), SECRET);
  }

  private void startWith(Settings settings) {
    startWith(settings, java.time.Clock.systemUTC());
  }

  private void startWith(Settings settings, java.time.Clock clock) {
    simulator = new GatewaySimulator(settings, clock);
    simulator.start();
    // No silent retry on a broken connection: each fault must reach the caller to be counted.
    client = new GatewayClient(
        new OkHttpClient.Builder().retryOnConnectionFailure(false).build(), simulator.baseUrl(), SECRET);
  }

  /** The workers' two steps: the intent created (nothing charged), then confirmed (this attempt's key). */
  private static GatewayCharge charge(GatewayClient via, String paymentId, long amount, String card) {
    return charge(via, paymentId, amount, card, 1);
  }

  private static GatewayCharge charge(GatewayClient via, String paymentId, long amount, String card, int attempt) {
    GatewayIntent intent = via.createIntent(paymentId, amount, "eur", card);
    return via.confirm(paymentId, intent.id(), attempt);
  }

  /** A clock the test moves; it starts at the real time. */
  static final class MovableClock extends java.time.Clock {
    private volatile java.time.Instant now = java.time.Instant.now();

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }
}
