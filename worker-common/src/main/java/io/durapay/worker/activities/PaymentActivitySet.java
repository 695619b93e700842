package io.durapay.worker.activities;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.RiskActivities;
import io.durapay.contracts.WebhookActivities;
import io.durapay.worker.gateway.GatewayActivitiesImpl;
import io.durapay.worker.gateway.GatewayClient;
import io.durapay.worker.risk.RiskActivitiesImpl;
import io.durapay.worker.risk.RiskRules;
import io.durapay.worker.webhook.WebhookActivitiesImpl;
import io.durapay.worker.webhook.WebhookSender;
import org.jdbi.v3.core.Jdbi;

/** The activities a payment worker registers: one implementation per side effect. */
public record PaymentActivitySet(
    PaymentRecordActivities records,
    RiskActivities risk,
    GatewayActivities gateway,
    WebhookActivities webhooks) {

  /**
   * The real ones, on the database and the gateway and webhook clients given.
   *
   * @param build the worker build running them ({@code v1}, {@code v2}); recorded on every payment
   *     it moves
   */
  public static PaymentActivitySet of(
      Jdbi jdbi, GatewayClient gateway, WebhookSender webhooks, ObjectMapper mapper, RiskRules risk,
      String build, GatewayActivitiesImpl.Waits waits) {
    return new PaymentActivitySet(
        new PaymentRecordActivitiesImpl(jdbi, build),
        new RiskActivitiesImpl(jdbi, risk),
        new GatewayActivitiesImpl(jdbi, gateway, waits),
        new WebhookActivitiesImpl(jdbi, webhooks, mapper));
  }

  /** The same set with another gateway side (a test's fault injected into the real one). */
  public PaymentActivitySet withGateway(GatewayActivities replacement) {
    return new PaymentActivitySet(records, risk, replacement, webhooks);
  }

  /** For {@code Worker.registerActivitiesImplementations}. */
  public Object[] implementations() {
    return new Object[] {records, risk, gateway, webhooks};
  }
}
