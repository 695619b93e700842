package io.durapay.api.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dropwizard.testing.ConfigOverride;
import io.durapay.api.testing.ApiUnderTest;
import io.durapay.contracts.PaymentSearchAttributes;
import io.durapay.contracts.WorkflowIds;
import io.temporal.client.WorkflowExecutionMetadata;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every payment's workflow carries the merchant, amount and currency as search attributes from
 * its start, so that Temporal's visibility (the Web UI, {@code temporal workflow list --query})
 * finds a merchant's payments, and only them.
 */
class VisibilityIT {
  private static final String TASK_QUEUE = "visibility-it";

  @RegisterExtension
  static final ApiUnderTest API = ApiUnderTest.withTemporal(
      ConfigOverride.config("outbox.mode", "direct"),
      ConfigOverride.config("temporal.taskQueue", TASK_QUEUE));

  @Test
  void listAndCountByMerchantReturnExactlyThatMerchantsWorkflows() {
    var acme = API.onboarding().create("Acme", null, null);
    var globex = API.onboarding().create("Globex", null, null);
    List<String> acmePayments = IntStream.range(0, 12).mapToObj(i -> create(acme.apiKey(), 1000 + i)).toList();
    List<String> globexPayments = IntStream.range(0, 8).mapToObj(i -> create(globex.apiKey(), 2000 + i)).toList();

    String acmeQuery = "DurapayMerchantId='" + acme.merchantId() + "'";
    String globexQuery = "DurapayMerchantId='" + globex.merchantId() + "' AND ExecutionStatus='Running'";
    // Visibility is eventually consistent: wait for the count, then read the list.
    await().atMost(Duration.ofSeconds(30)).until(() ->
        API.temporal().client().countWorkflows(acmeQuery).getCount() == 12
            && API.temporal().client().countWorkflows(globexQuery).getCount() == 8);

    assertThat(workflowIds(acmeQuery)).containsExactlyInAnyOrderElementsOf(
        acmePayments.stream().map(WorkflowIds::forPayment).toList());
    assertThat(workflowIds(globexQuery)).containsExactlyInAnyOrderElementsOf(
        globexPayments.stream().map(WorkflowIds::forPayment).toList());
    WorkflowExecutionMetadata one = API.temporal().client()
        .listExecutions("WorkflowId='" + WorkflowIds.forPayment(acmePayments.get(3)) + "'").findFirst().orElseThrow();
    assertThat(one.getTypedSearchAttributes().get(PaymentSearchAttributes.MERCHANT_ID)).isEqualTo(acme.merchantId());
    assertThat(one.getTypedSearchAttributes().get(PaymentSearchAttributes.AMOUNT)).isEqualTo(1003L);
    assertThat(one.getTypedSearchAttributes().get(PaymentSearchAttributes.CURRENCY)).isEqualTo("EUR");
    assertThat(API.temporal().client().countWorkflows(
        "DurapayMerchantId='" + globex.merchantId() + "' AND DurapayAmount >= 2005").getCount()).isEqualTo(3);
  }

  private List<String> workflowIds(String query) {
    return API.temporal().client().listExecutions(query).map(w -> w.getExecution().getWorkflowId()).toList();
  }

  private String create(String apiKey, long amount) {
    return API.client().request("POST", "/v1/payments").bearer(apiKey)
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":" + amount + ",\"currency\":\"eur\",\"paymentMethod\":\"pm_card_visa\"}")
        .send().json().get("id").asText();
  }
}
