package io.durapay.worker.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.durapay.contracts.FailureTypes;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.PaymentStatus;
import io.durapay.contracts.RefundResult;
import io.durapay.contracts.StatusChange;
import io.durapay.store.Merchant;
import io.durapay.store.Payment;
import io.durapay.store.PaymentDao;
import io.durapay.store.testing.PostgresExtension;
import io.durapay.store.testing.TestMerchants;
import io.temporal.failure.ApplicationFailure;
import java.util.UUID;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Compensation of a payment whose row holds no intent id (charged before intents were recorded
 * before their confirm): the refund goes to the charge the gateway's search finds, read again by
 * its id, and that charge is written to the payment's row, so the database knows of every charge
 * the gateway made. (Payments charged since have their intent id on the row: MoneySafetyIT.)
 */
class GatewayActivitiesCompensationIT {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  @RegisterExtension
  static final WireMockExtension GATEWAY =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private PaymentDao payments;
  private GatewayActivitiesImpl activities;
  private PaymentRequest request;

  @BeforeEach
  void setUp() {
    payments = POSTGRES.jdbi().onDemand(PaymentDao.class);
    Merchant merchant = TestMerchants.create(POSTGRES.jdbi());
    String id = "pay_" + UUID.randomUUID().toString().replace("-", "");
    payments.create(new Payment(
        id, merchant.id(), 1999, "EUR", "pm_card_visa", null, "{}",
        PaymentStatus.INITIATED, null, null, null, "corr-" + id, null, null));
    payments.transition(new StatusChange(id, PaymentStatus.PROCESSING, "test", null, null, null, "run-1"));
    request = new PaymentRequest(id, merchant.id(), 1999, "EUR", "corr-" + id);
    GatewayClient gateway =
        new GatewayClient(new OkHttpClient(), GATEWAY.baseUrl(), "sk_test_compensation");
    activities = new GatewayActivitiesImpl(POSTGRES.jdbi(), gateway);
  }

  @Test
  void aChargeFoundOnlyBySearchIsRecordedOnThePaymentAndRefunded() {
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).willReturn(okJson("""
        {"object":"search_result","has_more":false,"data":[{"id":"pi_lost","object":"payment_intent",
         "status":"succeeded","amount":1999,"currency":"eur","metadata":{"payment_id":"%s"}}]}
        """.formatted(request.paymentId()))));
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_lost")).willReturn(okJson("""
        {"id":"pi_lost","object":"payment_intent","status":"succeeded","amount":1999,"currency":"eur",
         "metadata":{"payment_id":"%s"}}
        """.formatted(request.paymentId()))));
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(
        "{\"id\":\"re_lost\",\"object\":\"refund\",\"status\":\"succeeded\",\"payment_intent\":\"pi_lost\"}")));

    RefundResult result = activities.compensatePayment(request);

    assertThat(result).isEqualTo(new RefundResult("re_lost", true));
    assertThat(payments.findById(request.paymentId()).orElseThrow().gatewayReference())
        .isEqualTo("pi_lost");
    GATEWAY.verify(1, postRequestedFor(urlPathEqualTo("/v1/refunds"))
        .withRequestBody(equalTo("payment_intent=pi_lost")));
  }

  /**
   * Nothing found by search (which lags): the intent is asked for under the payment's creation key
   * (the gateway replays the one made, or makes an unconfirmed one), recorded, and canceled, so
   * that nothing can charge afterwards; nothing is refunded.
   */
  @Test
  void nothingFoundBySearchIsLookedUpByItsKeyAndCanceled() {
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/search")).willReturn(okJson(
        "{\"object\":\"search_result\",\"has_more\":false,\"data\":[]}")));
    String open = """
        {"id":"pi_open","object":"payment_intent","status":"requires_confirmation","amount":1999,"currency":"eur",
         "metadata":{"payment_id":"%s"}}
        """.formatted(request.paymentId());
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/payment_intents"))
        .withHeader("Idempotency-Key", equalTo(request.paymentId())).willReturn(okJson(open)));
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_open")).willReturn(okJson(open)));
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/payment_intents/pi_open/cancel")).willReturn(okJson(
        open.replace("requires_confirmation", "canceled"))));

    RefundResult result = activities.compensatePayment(request);

    assertThat(result).isEqualTo(new RefundResult(null, false));
    assertThat(payments.findById(request.paymentId()).orElseThrow().gatewayReference()).isEqualTo("pi_open");
    GATEWAY.verify(1, postRequestedFor(urlPathEqualTo("/v1/payment_intents/pi_open/cancel")));
    GATEWAY.verify(0, postRequestedFor(urlPathEqualTo("/v1/refunds")));
  }

  /** Finding 8: a refund the gateway answers pending is not a refund yet: looked at again later. */
  @Test
  void aPendingRefundIsFollowedNotCountedAsRefunded() {
    chargedIntent("pi_pending");
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(
        "{\"id\":\"re_pending\",\"object\":\"refund\",\"status\":\"pending\",\"payment_intent\":\"pi_pending\"}")));
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/refunds/re_pending")).inScenario("refund")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(okJson("{\"id\":\"re_pending\",\"object\":\"refund\",\"status\":\"pending\"}"))
        .willSetStateTo("settled"));
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/refunds/re_pending")).inScenario("refund").whenScenarioStateIs("settled")
        .willReturn(okJson("{\"id\":\"re_pending\",\"object\":\"refund\",\"status\":\"succeeded\"}")));

    ApplicationFailure pending = catchThrowableOfType(
        ApplicationFailure.class, () -> activities.compensatePayment(request));
    RefundResult settled = activities.compensatePayment(request);

    assertThat(pending.isNonRetryable()).as("retried: " + pending.getOriginalMessage()).isFalse();
    assertThat(pending.getOriginalMessage()).contains("re_pending", "pending");
    assertThat(settled).isEqualTo(new RefundResult("re_pending", true));
  }

  /** Finding 8: a refund that ends failed is an alert (the workflow's refund_failed), never silence. */
  @Test
  void aFailedRefundIsNotRetriedAsIfItCouldSucceedAndNeverCountsAsRefunded() {
    chargedIntent("pi_refund_fails");
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(
        "{\"id\":\"re_failed\",\"object\":\"refund\",\"status\":\"failed\",\"payment_intent\":\"pi_refund_fails\"}")));

    ApplicationFailure failed = catchThrowableOfType(
        ApplicationFailure.class, () -> activities.compensatePayment(request));

    assertThat(failed.isNonRetryable()).isTrue();
    assertThat(failed.getType()).isEqualTo(FailureTypes.GATEWAY_REJECTED);
    assertThat(failed.getOriginalMessage()).contains("re_failed", "ended failed");
  }

  /** An intent that never succeeded is canceled, so that it can never charge later; nothing is refunded. */
  @Test
  void anIntentThatNeverSucceededIsCanceledNotRefunded() {
    payments.recordGatewayReference(request.paymentId(), "pi_unconfirmed");
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_unconfirmed")).willReturn(okJson(
        "{\"id\":\"pi_unconfirmed\",\"object\":\"payment_intent\",\"status\":\"requires_confirmation\","
            + "\"amount\":1999,\"currency\":\"eur\"}")));
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/payment_intents/pi_unconfirmed/cancel")).willReturn(okJson(
        "{\"id\":\"pi_unconfirmed\",\"object\":\"payment_intent\",\"status\":\"canceled\","
            + "\"amount\":1999,\"currency\":\"eur\"}")));

    assertThat(activities.compensatePayment(request)).isEqualTo(new RefundResult(null, false));
    GATEWAY.verify(1, postRequestedFor(urlPathEqualTo("/v1/payment_intents/pi_unconfirmed/cancel")));
    GATEWAY.verify(0, postRequestedFor(urlPathEqualTo("/v1/refunds")));
  }

  /**
   * A compensation that looks again and again (a refund pending for days) must not rewrite the
   * payment's row each time: the unknown-outcome resolver reads a row nothing moved as a payment
   * whose outcome is unsettled, and alerts on it. (Failed on the first version of this session's
   * compensation, which rewrote the intent id on every look.)
   */
  @Test
  void lookingAgainAtAPendingRefundLeavesThePaymentsRowAlone() {
    chargedIntent("pi_slow_refund");
    GATEWAY.stubFor(post(urlPathEqualTo("/v1/refunds")).willReturn(okJson(
        "{\"id\":\"re_slow\",\"object\":\"refund\",\"status\":\"pending\",\"payment_intent\":\"pi_slow_refund\"}")));
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/refunds/re_slow")).willReturn(okJson(
        "{\"id\":\"re_slow\",\"object\":\"refund\",\"status\":\"pending\"}")));
    POSTGRES.jdbi().useHandle(h -> h.execute(
        "UPDATE payments SET updated_at = now() - interval '1 hour' WHERE id = ?", request.paymentId()));
    java.time.Instant before = payments.findById(request.paymentId()).orElseThrow().updatedAt();

    catchThrowableOfType(ApplicationFailure.class, () -> activities.compensatePayment(request));

    assertThat(payments.findById(request.paymentId()).orElseThrow().updatedAt()).isEqualTo(before);
  }

  private void chargedIntent(String intentId) {
    payments.recordGatewayReference(request.paymentId(), intentId);
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/" + intentId)).willReturn(okJson(
        "{\"id\":\"" + intentId + "\",\"object\":\"payment_intent\",\"status\":\"succeeded\","
            + "\"amount\":1999,\"currency\":\"eur\"}")));
  }

  /**
   * Finding 7: the gateway refuses our key (HTTP 401: a bad or rotated key). That says nothing about
   * the money: the compensation must be tried again once the key is fixed, not end the payment in
   * refund_failed. Before the fix every in-flight payment did.
   */
  @Test
  void aRefusedKeyIsRetriedNotARefundFailure() {
    payments.recordGatewayReference(request.paymentId(), "pi_key_refused");
    GATEWAY.stubFor(get(urlPathEqualTo("/v1/payment_intents/pi_key_refused")).willReturn(aResponse()
        .withStatus(401).withHeader("Content-Type", "application/json")
        .withBody("{\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid API Key provided.\"}}")));

    ApplicationFailure refused = catchThrowableOfType(ApplicationFailure.class, () -> activities.compensatePayment(request));

    assertThat(refused.isNonRetryable()).as(refused.getOriginalMessage()).isFalse();
    assertThat(refused.getOriginalMessage()).contains("HTTP 401");
    assertThat(refused.getType()).as("the type v2 waits out").isEqualTo(FailureTypes.GATEWAY_KEY_REFUSED);
  }
}
