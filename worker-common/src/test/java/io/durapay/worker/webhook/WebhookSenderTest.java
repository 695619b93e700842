package io.durapay.worker.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import io.durapay.worker.webhook.WebhookAttempt.Outcome;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSenderTest {

  @RegisterExtension
  static final WireMockExtension merchant =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String KEY = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String SECRET = "whsec_" + KEY;
  private static final String BODY = "{\"type\":\"payment.succeeded\",\"description\":\"café €5\"}";

  // The reference verifier accepts timestamps within five minutes of the real clock.
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  // WireMock listens on loopback, which the default guard refuses.
  private final WebhookSender sender = sender(new WebhookDestinationGuard(true, false), now);

  @Test
  void postsTheBodyWithExactHeadersSignedForTheReferenceVerifier() throws Exception {
    merchant.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt).isEqualTo(new WebhookAttempt(Outcome.DELIVERED, 200, null, null));
    LoggedRequest request = onlyRequest();
    assertThat(request.getHeader("webhook-id")).isEqualTo("evt_1");
    assertThat(request.getHeader("webhook-timestamp"))
        .isEqualTo(Long.toString(now.getEpochSecond()));
    assertThat(request.getHeader("webhook-signature")).startsWith("v1,");
    assertThat(request.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(request.getHeader("User-Agent")).isEqualTo("durapay-webhooks/1");
    assertThat(request.getBodyAsString()).isEqualTo(BODY);
    assertThatCode(() -> new Webhook(SECRET).verify(request.getBodyAsString(), headersOf(request)))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> new Webhook(SECRET).verify(BODY + " ", headersOf(request)))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void everyAttemptAtAnEventCarriesTheSameWebhookId() {
    merchant.stubFor(post("/hook").willReturn(aResponse().withStatus(503)));
    WebhookSender later = sender(new WebhookDestinationGuard(true, false), now.plusSeconds(30));

    sender.send(url("/hook"), SECRET, "evt_42", BODY);
    later.send(url("/hook"), SECRET, "evt_42", BODY);

    List<LoggedRequest> requests = merchant.findAll(postRequestedFor(urlEqualTo("/hook")));
    assertThat(requests)
        .extracting(r -> r.getHeader("webhook-id"))
        .containsExactly("evt_42", "evt_42");
    assertThat(requests)
        .extracting(r -> r.getHeader("webhook-timestamp"))
        .containsExactly(
            Long.toString(now.getEpochSecond()), Long.toString(now.getEpochSecond() + 30));
  }

  @ParameterizedTest(name = "HTTP {0} is {1}")
  @CsvSource({
    "200, DELIVERED",
    "204, DELIVERED",
    "410, GONE",
    "400, REJECTED",
    "401, REJECTED",
    "408, RETRYABLE",
    "429, RETRYABLE",
    "500, RETRYABLE",
    "503, RETRYABLE"
  })
  void statusDecidesTheOutcome(int status, Outcome outcome) {
    merchant.stubFor(
        post("/hook")
            .willReturn(aResponse().withStatus(status).withBody("stack trace at acme.internal")));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(outcome);
    assertThat(attempt.statusCode()).isEqualTo(status);
    assertThat(attempt.retryAfter()).isNull();
    assertThat(attempt.toString()).doesNotContain("acme.internal", KEY);
  }

  @ParameterizedTest
  @ValueSource(ints = {301, 302, 307, 308})
  void redirectIsRejectedAndItsTargetNeverRequested(int status) {
    merchant.stubFor(
        post("/hook")
            .willReturn(aResponse().withStatus(status).withHeader("Location", "/elsewhere")));
    merchant.stubFor(post("/elsewhere").willReturn(aResponse().withStatus(200)));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(attempt.statusCode()).isEqualTo(status);
    assertThat(attempt.error()).contains("redirects are not followed");
    merchant.verify(0, anyRequestedFor(urlEqualTo("/elsewhere")));
  }

  @Test
  void retryAfterInSecondsIsHonoured() {
    merchant.stubFor(
        post("/hook").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt)
        .isEqualTo(new WebhookAttempt(Outcome.RETRYABLE, 429, "HTTP 429", Duration.ofSeconds(3)));
  }

  @Test
  void retryAfterAsAnHttpDateIsHonoured() {
    String inTwoMinutes =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(120).atZone(ZoneOffset.UTC));
    merchant.stubFor(
        post("/hook")
            .willReturn(aResponse().withStatus(503).withHeader("Retry-After", inTwoMinutes)));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.retryAfter()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void connectionResetIsRetryable() {
    merchant.stubFor(
        post("/hook").willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(attempt.statusCode()).isNull();
    assertThat(attempt.error()).isNotBlank();
  }

  @Test
  void responseSlowerThanTheReadTimeoutIsRetryable() {
    merchant.stubFor(post("/hook").willReturn(aResponse().withStatus(200).withFixedDelay(8_000)));

    WebhookAttempt attempt = sender.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(attempt.statusCode()).isNull();
    assertThat(attempt.error()).startsWith("SocketTimeoutException");
  }

  @Test
  void anEndlessResponseBodyDoesNotHoldTheAttempt() {
    // Reading this body to the end takes five seconds, beyond the one-second call timeout.
    merchant.stubFor(
        post("/hook")
            .willReturn(
                aResponse()
                    .withStatus(200)
                    .withBody("x".repeat(100_000))
                    .withChunkedDribbleDelay(50, 5_000)));
    OkHttpClient client = new OkHttpClient.Builder().callTimeout(Duration.ofSeconds(1)).build();
    WebhookSender impatient =
        new WebhookSender(
            client, new WebhookDestinationGuard(true, false), Clock.fixed(now, ZoneOffset.UTC));

    WebhookAttempt attempt = impatient.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt).isEqualTo(new WebhookAttempt(Outcome.DELIVERED, 200, null, null));
  }

  @Test
  void loopbackIsRefusedBeforeConnectingByDefault() {
    WebhookSender guarded = sender(new WebhookDestinationGuard(false, false), now);

    WebhookAttempt attempt = guarded.send(url("/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(attempt.statusCode()).isNull();
    assertThat(attempt.error()).contains("loopback");
    merchant.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void connectsToTheAddressTheGuardResolved() {
    merchant.stubFor(post("/hook").willReturn(aResponse().withStatus(204)));
    Dns resolver = hostname -> List.of(InetAddress.getLoopbackAddress());
    WebhookSender viaGuard = sender(new WebhookDestinationGuard(true, false, resolver), now);

    WebhookAttempt attempt = viaGuard.send(url("merchant.test", "/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.DELIVERED);
  }

  @Test
  void nameThatRebindsToLoopbackAfterTheCheckIsRefusedAtConnect() throws Exception {
    InetAddress publicAddress = InetAddress.getByName("93.184.215.14");
    AtomicInteger lookups = new AtomicInteger();
    Dns rebinding =
        hostname ->
            List.of(
                lookups.incrementAndGet() == 1 ? publicAddress : InetAddress.getLoopbackAddress());
    WebhookSender guarded = sender(new WebhookDestinationGuard(false, false, rebinding), now);

    WebhookAttempt attempt = guarded.send(url("rebind.test", "/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(attempt.error()).contains("loopback");
    assertThat(lookups).hasValue(2);
    merchant.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void nameThatDoesNotResolveIsRetryableNotRefused() {
    Dns failing =
        hostname -> {
          throw new UnknownHostException(hostname + ": temporary failure in name resolution");
        };
    WebhookSender guarded = sender(new WebhookDestinationGuard(false, false, failing), now);

    WebhookAttempt attempt = guarded.send(url("flaky.test", "/hook"), SECRET, "evt_1", BODY);

    assertThat(attempt.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(attempt.error()).startsWith("UnknownHostException");
  }

  @Test
  void malformedSecretIsABugNotAnAttempt() {
    assertThatThrownBy(() -> sender.send(url("/hook"), "whsec_" + KEY + "!", "evt_1", BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(KEY));
    merchant.verify(0, anyRequestedFor(anyUrl()));
  }

  private static WebhookSender sender(WebhookDestinationGuard guard, Instant instant) {
    OkHttpClient client = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(2)).build();
    return new WebhookSender(client, guard, Clock.fixed(instant, ZoneOffset.UTC));
  }

  private static String url(String path) {
    return url("127.0.0.1", path);
  }

  private static String url(String host, String path) {
    return "http://" + host + ":" + merchant.getPort() + path;
  }

  private static LoggedRequest onlyRequest() {
    List<LoggedRequest> requests = merchant.findAll(postRequestedFor(anyUrl()));
    assertThat(requests).hasSize(1);
    return requests.get(0);
  }

  private static Map<String, List<String>> headersOf(LoggedRequest request) {
    return Map.of(
        "webhook-id", List.of(request.getHeader("webhook-id")),
        "webhook-timestamp", List.of(request.getHeader("webhook-timestamp")),
        "webhook-signature", List.of(request.getHeader("webhook-signature")));
  }
}
