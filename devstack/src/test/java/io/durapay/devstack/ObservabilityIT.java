package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.PaymentDao;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The alert rules (ops/prometheus/alerts.yml) and the Grafana dashboard (ops/grafana/) hold: the
 * rules pass {@code promtool check rules}, and every metric a rule or a panel names is one that
 * durapay's processes really export, scraped from a running devstack's API and worker after a
 * payment went through.
 */
class ObservabilityIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path RULES = ROOT.resolve("ops/prometheus/alerts.yml");
  private static final Path DASHBOARD = ROOT.resolve("ops/grafana/durapay-dashboard.json");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Set<String> PROMQL_WORDS = Set.of("sum", "max", "min", "avg", "count", "rate", "increase",
      "by", "without", "bool", "and", "or", "unless", "offset", "on", "ignoring", "group_left", "group_right",
      "vector", "histogram_quantile", "topk", "e", "inf", "nan");

  @Test
  void theRulesParseWithPromtool() throws Exception {
    // ci/promtool prints the binary's path last (what it did before that, on a first run).
    List<String> provisioned = run(List.of("bash", ROOT.resolve("ci/promtool").toString())).lines().toList();
    String promtool = provisioned.get(provisioned.size() - 1).strip();
    String checked = run(List.of(promtool, "check", "rules", RULES.toString()));
    assertThat(checked).contains("SUCCESS");
  }

  @Test
  void everyMetricTheRulesAndTheDashboardNameIsExported() throws Exception {
    Set<String> named = new TreeSet<>();
    for (String expr : ruleExpressions()) {
      named.addAll(metricsIn(expr));
    }
    for (String expr : dashboardExpressions()) {
      named.addAll(metricsIn(expr));
    }
    assertThat(named).as("the rules and panels name metrics").hasSizeGreaterThan(8);

    try (Stack stack = Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-observability-it")))) {
      String paymentId = createPayment(stack);
      PaymentDao payments = stack.jdbi().onDemand(PaymentDao.class);
      await().atMost(Duration.ofSeconds(60))
          .until(() -> payments.findById(paymentId).orElseThrow().status() == PaymentStatus.COMPLETED);
      String worker = stack.description().entrySet().stream()
          .filter(e -> e.getKey().startsWith("worker v1")).map(e -> String.valueOf(e.getValue())).findFirst()
          .orElseThrow();
      // A workflow task failure, as a broken build makes one (here: a type no worker registers).
      // The SDK creates that counter at its first failure, so the alert's metric exists only then.
      WorkflowStub broken = stack.workflowClient().newUntypedWorkflowStub("NoSuchWorkflowType",
          WorkflowOptions.newBuilder().setWorkflowId("observability-" + UUID.randomUUID())
              .setTaskQueue(Builds.taskQueue("v1")).build());
      broken.start();
      try {
        // The SDK reports every 10 s: wait for the report that follows the activities and the failure.
        await().atMost(Duration.ofSeconds(40)).until(() -> exported(get(worker + "/prometheus")).containsAll(
            List.of("temporal_activity_schedule_to_start_latency_seconds_count",
                "temporal_workflow_task_execution_failed_total")));
      } finally {
        broken.terminate("observability test over");
      }

      Set<String> exported = new TreeSet<>(exported(get(stack.adminUrl() + "/prometheus")));
      exported.addAll(exported(get(worker + "/prometheus")));

      assertThat(exported).as("exported by the API and the worker").containsAll(named);
    }
  }

  /** Metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
  static Set<String> metricsIn(String expr) {
    String bare = expr.replaceAll("\"[^\"]*\"", "")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^]]*]", "")
        .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
    Set<String> names = new TreeSet<>();
    Matcher identifier = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(bare);
    while (identifier.find()) {
      String name = identifier.group();
      int end = identifier.end();
      boolean call = bare.substring(end).stripLeading().startsWith("(");
      if (!call && !PROMQL_WORDS.contains(name)) {
        names.add(name);
      }
    }
    return names;
  }

  private static List<String> ruleExpressions() throws IOException {
    JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
    List<String> expressions = new ArrayList<>();
    rules.path("groups").forEach(group -> group.path("rules").forEach(rule -> expressions.add(rule.path("expr").asText())));
    return expressions;
  }

  private static List<String> dashboardExpressions() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> expressions = new ArrayList<>();
    dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText())));
    return expressions;
  }

  private static Set<String> exported(String scrape) {
    Set<String> names = new TreeSet<>();
    scrape.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
        .forEach(line -> names.add(line.split("[{ ]", 2)[0]));
    return names;
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return response.body();
  }

  private static String createPayment(Stack stack) {
    ApiClient.Reply reply = new ApiClient(stack::apiUrl).request("POST", "/v1/payments")
        .bearer(stack.demoMerchant().apiKey())
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":500,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}")
        .send();
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asText();
  }

  private static String run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
    return output;
  }
}
