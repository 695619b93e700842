package io.durapay.bench;

import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import java.util.ArrayList;
import java.util.List;

/** SQS events as Lambda hands them to the bridge, carrying raw-delivery payment.initiated bodies. */
final class SqsBatches {
  private SqsBatches() {}

  static SQSEvent batch(String runId, int first, int size) {
    List<SQSEvent.SQSMessage> messages = new ArrayList<>(size);
    for (int i = first; i < first + size; i++) {
      SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
      message.setMessageId("msg-" + runId + "-" + i);
      message.setBody(body("pay_" + runId + "_" + i));
      messages.add(message);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(messages);
    return event;
  }

  static String body(String paymentId) {
    return """
        {"id":"evt_%s","type":"payment.initiated","occurredAt":"2026-11-26T10:15:30.123Z",\
        "correlationId":"bench","data":{"paymentId":"%s","merchantId":"mer_bench","amount":4999,\
        "currency":"EUR","status":"initiated","failureCode":null,"failureMessage":null,\
        "gatewayReference":null}}""".formatted(paymentId, paymentId);
  }
}
