package io.durapay.devstack.sns;

/**
 * An SQS subscription. {@code endpoint} is the queue ARN as the subscriber gave it; {@code queueUrl}
 * is resolved once at Subscribe, so every delivery is a single SendMessage.
 */
record SnsSubscription(
    String subscriptionArn,
    String topicArn,
    String endpoint,
    String queueUrl,
    boolean rawMessageDelivery,
    SnsFilterPolicy filterPolicy) {

  static final String PROTOCOL = "sqs";

  /** SNS treats a repeated Subscribe as the same subscription only if its attributes agree. */
  boolean sameSettingsAs(SnsSubscription other) {
    return rawMessageDelivery == other.rawMessageDelivery && filterPolicy.equals(other.filterPolicy);
  }
}
