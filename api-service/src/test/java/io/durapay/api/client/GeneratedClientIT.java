package io.durapay.api.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.durapay.api.merchants.NewMerchantCredentials;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.client.ApiClient;
import io.durapay.client.ApiException;
import io.durapay.client.api.EventsApi;
import io.durapay.client.api.PaymentsApi;
import io.durapay.client.api.WebhookEndpointApi;
import io.durapay.client.model.CreatePayment;
import io.durapay.client.model.Event;
import io.durapay.client.model.EventDelivery;
import io.durapay.client.model.Payment;
import io.durapay.client.model.PaymentList;
import io.durapay.client.model.PaymentStatus;
import io.durapay.store.WebhookDeliveryDao;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client no one here wrote: openapi-generator's Java client, generated at build time (see
 * api-service/pom.xml) from src/main/resources/openapi.yaml, the very file the app serves at
 * /v1/openapi.yaml, drives create → get → list → cancel → events against the running app on the
 * real dev server and PostgreSQL, and reads its errors. A merchant would generate it with the npm
 * CLI from the served document: that gives the same client, to the byte.
 */
class GeneratedClientIT {
  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.withTemporal();

  private static NewMerchantCredentials merchant;
  private static ApiClient client;

  @BeforeAll
  static void setUp() {
    API.acceptPublishes();
    merchant = API.onboarding().create("Generated Goods", "https://generated.example/hooks", null);
    client = new ApiClient();
    client.updateBaseUri("http://127.0.0.1:" + API.app().getLocalPort());
    client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + merchant.apiKey()));
  }

  @Test
  void createGetListCancelAndEventsThroughTheGeneratedClient() throws Exception {
    PaymentsApi payments = new PaymentsApi(client);

    Payment created = payments.createPayment(UUID.randomUUID().toString(), new CreatePayment()
        .amount(4200L).currency("eur").paymentMethod("pm_card_visa").description("made by a generated client")
        .metadata(Map.of("orderId", "1042")), null);
    Payment read = payments.getPayment(created.getId(), null);
    PaymentList listed = payments.listPayments(PaymentStatus.INITIATED, 10, null, null);
    Payment cancelled = payments.cancelPayment(created.getId(), null);
    // What a worker records when it sends the payment's webhook.
    String eventId = "evt_" + UUID.randomUUID().toString().replace("-", "");
    API.postgres().jdbi().onDemand(WebhookDeliveryDao.class).record(eventId, created.getId(), merchant.merchantId(),
        "payment.cancelled", 1, "https://generated.example/hooks", 204, "delivered", null);
    var events = new EventsApi(client).listEvents(null, null, null, 10, null, null);

    assertThat(created.getStatus()).isEqualTo(PaymentStatus.INITIATED);
    assertThat(created.getCurrency()).isEqualTo("EUR");
    assertThat(created.getMetadata()).containsEntry("orderId", "1042");
    assertThat(read.getId()).isEqualTo(created.getId());
    assertThat(read.getDescription()).isEqualTo("made by a generated client");
    assertThat(listed.getData()).extracting(Payment::getId).contains(created.getId());
    assertThat(cancelled.getId()).isEqualTo(created.getId());
    assertThat(events.getData()).extracting(Event::getId).containsExactly(eventId);
    assertThat(events.getData().get(0).getPaymentId()).isEqualTo(created.getId());
    assertThat(events.getData().get(0).getDelivery().getStatus()).isEqualTo(EventDelivery.StatusEnum.DELIVERED);
    assertThat(new WebhookEndpointApi(client).getWebhookEndpoint(null).getEnabled()).isTrue();
  }

  @Test
  void theNpmCliGeneratesTheSameClientFromTheServedDocument() throws Exception {
    Path out = Files.createDirectories(Paths.get("target", "npm-client"));
    Path document = out.resolve("openapi.yaml");
    HttpResponse<byte[]> served = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + API.app().getLocalPort() + "/v1/openapi.yaml")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(served.statusCode()).isEqualTo(200);
    Files.write(document, served.body());
    Path generated = out.resolve("client");
    Path log = out.resolve("generate.log");

    // The options of api-service/pom.xml's generator execution, in the CLI's words.
    Process generate = new ProcessBuilder("bash", "../ci/openapi-generator", "generate",
        "-i", document.toString(), "-o", generated.toString(), "-g", "java", "--library", "native",
        "--api-package", "io.durapay.client.api", "--model-package", "io.durapay.client.model",
        "--invoker-package", "io.durapay.client",
        "--global-property", "models=,apis=,supportingFiles=,apiTests=false,modelTests=false,apiDocs=false,modelDocs=false",
        "--additional-properties", "hideGenerationTimestamp=true,openApiNullable=false,useJakartaEe=true")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();

    assertThat(generate.waitFor(5, TimeUnit.MINUTES)).as("the generator finished").isTrue();
    assertThat(generate.exitValue()).as(Files.readString(log)).isZero();
    Map<String, String> byNpm = javaSources(generated.resolve("src/main/java"));
    Map<String, String> built = javaSources(Paths.get("target/generated-test-sources/merchant-client/src/main/java"));
    assertThat(byNpm.keySet()).contains("io/durapay/client/api/PaymentsApi.java")
        .containsExactlyInAnyOrderElementsOf(built.keySet());
    byNpm.forEach((file, source) -> assertThat(source).as(file).isEqualTo(built.get(file)));
  }

  private static Map<String, String> javaSources(Path root) throws IOException {
    Map<String, String> sources = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        sources.put(root.relativize(file).toString().replace('\\', '/'), Files.readString(file));
      }
    }
    return sources;
  }

  @Test
  void anErrorReachesTheClientAsTheDocumentedErrorWithItsCode() {
    PaymentsApi payments = new PaymentsApi(client);

    assertThatThrownBy(() -> payments.getPayment("pay_01JDQ3Z6V8K3M9W2X4Y5Z6A7B8", null))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.getCode()).isEqualTo(404);
          assertThat(e.getResponseBody()).contains("\"code\":\"resource_missing\"");
        });
  }
}
