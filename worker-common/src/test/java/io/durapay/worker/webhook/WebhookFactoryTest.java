package io.durapay.worker.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import io.durapay.worker.webhook.WebhookAttempt.Outcome;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WebhookFactoryTest {

  @RegisterExtension
  static final WireMockExtension merchant =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private final ObjectMapper mapper = Jackson.newObjectMapper();
  private final Validator validator = Validators.newValidator();

  @Test
  void defaultsAreShortTimeoutsAndNoInternalDestinations() throws Exception {
    WebhookFactory factory = mapper.readValue("{}", WebhookFactory.class);

    assertThat(validator.validate(factory)).isEmpty();
    assertThat(factory.getConnectTimeout()).isEqualTo(Duration.seconds(2));
    assertThat(factory.getReadTimeout()).isEqualTo(Duration.seconds(5));
    assertThat(factory.getCallTimeout()).isEqualTo(Duration.seconds(10));
    assertThat(factory.isAllowLoopback()).isFalse();
    assertThat(factory.isAllowPrivate()).isFalse();
  }

  @Test
  void readsEverySettingAndRequiresPositiveTimeouts() throws Exception {
    WebhookFactory factory =
        mapper.readValue(
            "{\"connectTimeout\":\"0s\",\"readTimeout\":\"300ms\",\"callTimeout\":\"1s\","
                + "\"allowLoopback\":true,\"allowPrivate\":true}",
            WebhookFactory.class);

    assertThat(factory.getReadTimeout()).isEqualTo(Duration.milliseconds(300));
    assertThat(factory.getCallTimeout()).isEqualTo(Duration.seconds(1));
    assertThat(factory.isAllowLoopback()).isTrue();
    assertThat(factory.isAllowPrivate()).isTrue();
    assertThat(validator.validate(factory))
        .extracting(violation -> violation.getPropertyPath().toString())
        .containsExactly("connectTimeout");
  }

  @Test
  void theBuiltSenderRefusesLoopbackByDefault() {
    merchant.stubFor(post("/hook").willReturn(aResponse().withStatus(200)));

    WebhookAttempt attempt = new WebhookFactory().build().send(url(), SECRET, "evt_1", "{}");

    assertThat(attempt.outcome()).isEqualTo(Outcome.REFUSED);
    merchant.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void theBuiltSenderUsesTheConfiguredReadTimeout() {
    merchant.stubFor(post("/hook").willReturn(aResponse().withStatus(200).withFixedDelay(8_000)));
    WebhookFactory factory = new WebhookFactory();
    factory.setAllowLoopback(true);
    factory.setReadTimeout(Duration.seconds(1));

    WebhookAttempt attempt = factory.build().send(url(), SECRET, "evt_1", "{}");

    assertThat(attempt.outcome()).isEqualTo(Outcome.RETRYABLE);
    assertThat(attempt.error()).startsWith("SocketTimeoutException");
    // The request reached the endpoint (so it was the read that timed out, not the connect). On a
    // loaded machine the endpoint may record it only after the sender has given up: wait for it.
    await().atMost(java.time.Duration.ofSeconds(10))
        .untilAsserted(() -> merchant.verify(1, anyRequestedFor(anyUrl())));
  }

  private static String url() {
    return "http://127.0.0.1:" + merchant.getPort() + "/hook";
  }
}
