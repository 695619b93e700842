package io.durapay.worker.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.dropwizard.util.Duration;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GatewayFactoryTest {

  private static final String SECRET = "sk_test_factory_Secret_Never_Log";

  @RegisterExtension
  static final WireMockExtension gateway =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final ObjectMapper mapper = Jackson.newObjectMapper();
  private final Validator validator = Validators.newValidator();

  @Test
  void readsConfigurationWithDefaultTimeouts() throws Exception {
    GatewayFactory factory =
        mapper.readValue(
            "{\"baseUrl\":\"https://api.stripe.com\",\"secretKey\":\"" + SECRET + "\"}",
            GatewayFactory.class);

    assertThat(validator.validate(factory)).isEmpty();
    assertThat(factory.getSecretKey()).isEqualTo(SECRET);
    assertThat(factory.getConnectTimeout()).isEqualTo(Duration.seconds(2));
    assertThat(factory.getReadTimeout()).isEqualTo(Duration.seconds(10));
    assertThat(factory.getCallTimeout()).isEqualTo(Duration.seconds(15));
  }

  @Test
  void requiresAnHttpUrlAKeyAndPositiveTimeouts() {
    GatewayFactory factory = new GatewayFactory();
    factory.setBaseUrl("api.stripe.com");
    factory.setReadTimeout(Duration.seconds(0));

    assertThat(validator.validate(factory))
        .extracting(violation -> violation.getPropertyPath().toString())
        .containsExactlyInAnyOrder("baseUrl", "secretKey", "readTimeout");
  }

  @Test
  void neverShowsTheSecretKey() throws Exception {
    GatewayFactory factory = new GatewayFactory();
    factory.setBaseUrl("https://api.stripe.com");
    factory.setSecretKey(SECRET);

    assertThat(factory.toString()).contains("https://api.stripe.com").doesNotContain(SECRET);
    assertThat(mapper.writeValueAsString(factory)).contains("readTimeout").doesNotContain(SECRET);
    assertThat(factory.build().toString()).doesNotContain(SECRET);
  }

  @Test
  void theBuiltClientUsesTheConfiguredReadTimeout() {
    gateway.stubFor(post("/v1/payment_intents").willReturn(okJson("{}").withFixedDelay(8_000)));
    GatewayFactory factory = new GatewayFactory();
    factory.setBaseUrl(gateway.baseUrl());
    factory.setSecretKey(SECRET);
    factory.setReadTimeout(Duration.seconds(1));

    GatewayException e =
        catchThrowableOfType(
            GatewayException.class,
            () -> factory.build().createIntent("pay_1", 100, "eur", "pm_card_visa"));

    assertThat(e.code()).isEqualTo("timeout");
    // On a loaded machine the gateway may record the request only after the client gave up.
    await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(gateway.findAll(postRequestedFor(urlEqualTo("/v1/payment_intents"))))
            .singleElement()
            .satisfies(
                request ->
                    assertThat(request.getHeader("Authorization")).isEqualTo("Bearer " + SECRET)));
  }
}
