package io.durapay.api.merchants;

import io.durapay.api.admin.AdminTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.servlets.tasks.TaskServlet;
import io.durapay.api.auth.MerchantAuthenticator;
import io.durapay.store.MerchantDao;
import io.durapay.store.testing.PostgresExtension;
import jakarta.servlet.DispatcherType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MerchantTasksTest {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();

  private final MerchantDao merchants = POSTGRES.jdbi().onDemand(MerchantDao.class);
  private final MerchantOnboarding onboarding = new MerchantOnboarding(merchants);
  private final MerchantAuthenticator authenticator = new MerchantAuthenticator(merchants);
  private final CreateMerchantTask create = new CreateMerchantTask(onboarding);
  private final RotateMerchantCredentialsTask rotate =
      new RotateMerchantCredentialsTask(onboarding);

  @Test
  void createPrintsTheNewCredentialsOnce() {
    Result result =
        run(create, Map.of("name", List.of("Acme Books"), "maxAmount", List.of("50000")));

    String merchantId = result.value("merchantId");
    String apiKey = result.value("apiKey");
    String webhookSecret = result.value("webhookSecret");
    assertThat(result.status).isNull();
    assertThat(result.output).contains("shown only once");
    assertThat(result.output.split(Pattern.quote(apiKey), -1)).hasSize(2);
    assertThat(authenticator.authenticate(apiKey))
        .hasValueSatisfying(m -> assertThat(m.id()).isEqualTo(merchantId));
    assertThat(merchants.findById(merchantId).orElseThrow().webhookSecret())
        .isEqualTo(webhookSecret);
    assertThat(merchants.findById(merchantId).orElseThrow().maxAmount()).isEqualTo(50_000L);
  }

  @Test
  void createWithBadParametersAnswers400AndWritesNothing() {
    long before = POSTGRES.count("merchants");

    assertBadRequest(run(create, Map.of()), "error: name is required");
    assertBadRequest(run(create, Map.of("name", List.of(" "))), "error: name ");
    assertBadRequest(run(create, Map.of("name", List.of("A", "B"))), "error: name ");
    assertBadRequest(
        run(create, Map.of("name", List.of("Acme"), "webhookUrl", List.of("ftp://x"))),
        "error: webhookUrl ");
    assertBadRequest(
        run(create, Map.of("name", List.of("Acme"), "maxAmount", List.of("ten"))),
        "error: maxAmount ");
    assertBadRequest(
        run(create, Map.of("name", List.of("Acme"), "maxAmount", List.of("0"))),
        "error: maxAmount ");
    assertThat(POSTGRES.count("merchants")).isEqualTo(before);
  }

  @Test
  void rotateApiKeyPrintsANewKeyAndRetiresTheOldOne() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);

    Result result =
        run(
            rotate,
            Map.of("merchantId", List.of(credentials.merchantId()), "what", List.of("apiKey")));

    assertThat(result.status).isNull();
    assertThat(result.value("merchantId")).isEqualTo(credentials.merchantId());
    assertThat(result.output).contains("shown only once");
    assertThat(authenticator.authenticate(result.value("apiKey"))).isPresent();
    assertThat(authenticator.authenticate(credentials.apiKey())).isEmpty();
  }

  @Test
  void rotateWebhookSecretPrintsTheStoredSecret() {
    NewMerchantCredentials credentials = onboarding.create("Acme Books", null, null);

    Result result =
        run(
            rotate,
            Map.of(
                "merchantId", List.of(credentials.merchantId()),
                "what", List.of("webhookSecret")));

    assertThat(result.status).isNull();
    assertThat(result.value("webhookSecret"))
        .isNotEqualTo(credentials.webhookSecret())
        .isEqualTo(merchants.findById(credentials.merchantId()).orElseThrow().webhookSecret());
  }

  @Test
  void rotateWithBadParametersAnswers400() {
    String merchantId = onboarding.create("Acme Books", null, null).merchantId();

    assertBadRequest(run(rotate, Map.of("what", List.of("apiKey"))), "error: merchantId ");
    assertBadRequest(run(rotate, Map.of("merchantId", List.of(merchantId))), "error: what ");
    assertBadRequest(
        run(rotate, Map.of("merchantId", List.of(merchantId), "what", List.of("password"))),
        "error: what must be apiKey or webhookSecret");
    assertBadRequest(
        run(rotate, Map.of("merchantId", List.of("mer_nope"), "what", List.of("apiKey"))),
        "error: no merchant mer_nope");
  }

  @Test
  void withoutTheStatusFilterBadInputIsThrownForTaskServletToReport() {
    StringWriter output = new StringWriter();

    assertThatThrownBy(() -> create.execute(Map.of(), new PrintWriter(output)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name is required");
  }

  /** Through Dropwizard's own TaskServlet, the way the admin port serves the tasks. */
  @Test
  void overHttpBadInputIs400AndGoodInputIs200() throws Exception {
    TaskServlet tasks = new TaskServlet(new MetricRegistry());
    tasks.add(create);
    ServletContextHandler context = new ServletContextHandler();
    context.addServlet(new ServletHolder(tasks), "/tasks/*");
    context.addFilter(
        new FilterHolder(new AdminTask.StatusFilter()),
        "/tasks/*",
        EnumSet.of(DispatcherType.REQUEST));
    Server server = new Server(0);
    server.setHandler(context);
    server.start();
    try {
      int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
      HttpResponse<String> bad = post(port, "/tasks/create-merchant?maxAmount=ten");
      HttpResponse<String> good = post(port, "/tasks/create-merchant?name=Acme%20Books");

      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("error: name is required");
      assertThat(good.statusCode()).isEqualTo(200);
      assertThat(good.body()).contains("apiKey: dp_", "shown only once");
    } finally {
      server.stop();
    }
  }

  private static Result run(AdminTask task, Map<String, List<String>> parameters) {
    StringWriter output = new StringWriter();
    Integer[] status = {null};
    try (PrintWriter writer = new AdminTask.StatusWriter(output, code -> status[0] = code)) {
      task.execute(parameters, writer);
    }
    return new Result(status[0], output.toString());
  }

  private static void assertBadRequest(Result result, String errorLine) {
    assertThat(result.status).isEqualTo(400);
    assertThat(result.output).startsWith(errorLine).doesNotContain("dp_", "whsec_");
  }

  private static HttpResponse<String> post(int port, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** What a task printed, and the status it set (null when it left the default 200). */
  private record Result(Integer status, String output) {
    String value(String label) {
      Matcher matcher = Pattern.compile("(?m)^" + label + ": (\\S+)$").matcher(output);
      assertThat(matcher.find()).as("a %s line in %s", label, output).isTrue();
      return matcher.group(1);
    }
  }
}
