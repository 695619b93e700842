package io.durapay.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.durapay.contracts.PaymentRequest;
import io.durapay.contracts.WorkflowStarter;
import io.temporal.api.common.v1.Payloads;
import org.crac.Context;
import org.crac.Resource;

/**
 * SnapStart's runtime hook: before Lambda snapshots the initialized function, one made-up
 * {@code payment.initiated} message runs through everything a start does except the call to
 * Temporal (decoding the SNS envelope, the workflow's options and search attributes, serializing
 * its input), so the first invocation after a restore does not load and compile those classes.
 * No workflow is started and no connection opened: a snapshot must hold no socket, and the made-up
 * payment must never reach a worker.
 */
final class SnapStartPriming implements Resource {
  /** An SNS-enveloped event, as the queue delivers it; its payment exists nowhere. */
  static final String SAMPLE_BODY = sampleBody();

  private final EventDecoder decoder;
  private final WorkflowStarter starter;

  SnapStartPriming(EventDecoder decoder, WorkflowStarter starter) {
    this.decoder = decoder;
    this.starter = starter;
  }

  /** Runs the sample through the start path; returns the workflow input it would send. */
  Payloads prime() throws RejectedMessageException {
    return starter.prepare(PaymentRequest.from(decoder.decode(SAMPLE_BODY)));
  }

  private static String sampleBody() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode event = json.createObjectNode()
        .put("id", "evt_snapstart_priming")
        .put("type", "payment.initiated")
        .put("occurredAt", "2026-01-01T00:00:00Z")
        .put("correlationId", "snapstart-priming");
    event.putObject("data")
        .put("paymentId", "pay_snapstart_priming")
        .put("merchantId", "mer_snapstart_priming")
        .put("amount", 100)
        .put("currency", "EUR");
    return json.createObjectNode()
        .put("Type", "Notification")
        .put("MessageId", "snapstart-priming")
        .put("Message", event.toString())
        .toString();
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) throws RejectedMessageException {
    prime();
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to renew: the Temporal connection opens on the first start, after the restore.
  }
}
