package io.durapay.worker.testing;

import io.durapay.contracts.GatewayActivities;
import io.durapay.contracts.PaymentRecordActivities;
import io.durapay.contracts.RiskActivities;
import io.durapay.contracts.WebhookActivities;

/**
 * Every side effect of a payment in one type, for test doubles that script them together. Not an
 * activity interface of its own: Temporal registers the four it extends, under their own names.
 */
public interface AllPaymentActivities
    extends PaymentRecordActivities, RiskActivities, GatewayActivities, WebhookActivities {}
