package io.durapay.worker.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class WebhookSignerTest {

  // The test vector published with the Standard Webhooks libraries.
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  private static final String MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
  private static final long TIMESTAMP = 1614265330L;
  private static final String BODY = "{\"test\": 2432232314}";

  @Test
  void signsTheStandardWebhooksVector() throws Exception {
    String signature = WebhookSigner.sign(SECRET, MSG_ID, TIMESTAMP, BODY);

    assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void referenceImplementationVerifiesOurHeaders() throws Exception {
    // The reference refuses timestamps more than five minutes from its own clock.
    long now = Instant.now().getEpochSecond();
    String body = "{\"type\":\"payment.succeeded\",\"description\":\"café €5\"}";

    Map<String, List<String>> headers =
        headers(MSG_ID, now, WebhookSigner.sign(SECRET, MSG_ID, now, body));

    assertThatCode(() -> new Webhook(SECRET).verify(body, headers)).doesNotThrowAnyException();
  }

  @Test
  void referenceImplementationRejectsATamperedBody() throws Exception {
    long now = Instant.now().getEpochSecond();
    String body = "{\"amount\":1000}";

    Map<String, List<String>> headers =
        headers(MSG_ID, now, WebhookSigner.sign(SECRET, MSG_ID, now, body));

    assertThatThrownBy(() -> new Webhook(SECRET).verify("{\"amount\":9000}", headers))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @Test
  void referenceImplementationRejectsAnotherMerchantsSecret() throws Exception {
    long now = Instant.now().getEpochSecond();
    String other =
        "whsec_" + Base64.getEncoder().encodeToString("another key".getBytes(StandardCharsets.UTF_8));

    Map<String, List<String>> headers =
        headers(MSG_ID, now, WebhookSigner.sign(other, MSG_ID, now, BODY));

    assertThatThrownBy(() -> new Webhook(SECRET).verify(BODY, headers))
        .isInstanceOf(WebhookVerificationException.class);
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_",
        "whsec_MfKQ9r8G!KYqrTwjUPD8ILPZIo2LaLaSw",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw===",
        "WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
      })
  void malformedSecretIsRefusedWithoutRevealingIt(String secret) {
    assertThatThrownBy(() -> WebhookSigner.sign(secret, MSG_ID, TIMESTAMP, BODY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("MfKQ9r8G", "KYqr", "LaLaSw"));
  }

  private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
    return Map.of(
        "webhook-id", List.of(id),
        "webhook-timestamp", List.of(Long.toString(timestamp)),
        "webhook-signature", List.of(signature));
  }
}
