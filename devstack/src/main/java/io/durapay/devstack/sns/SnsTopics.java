package io.durapay.devstack.sns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * Topics, their SQS subscriptions, and the fan-out of a Publish to them, following what SNS
 * delivers: the JSON notification envelope, or with raw delivery the bare message plus its
 * attributes as SQS message attributes.
 */
final class SnsTopics {
  private static final Logger LOG = LoggerFactory.getLogger(SnsTopics.class);
  private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  // SQS accepts at most 10 message attributes; SNS discards raw deliveries that would carry more.
  private static final int MAX_RAW_ATTRIBUTES = 10;

  private final SqsClient sqs;
  private final Supplier<String> endpoint;
  private final ObjectMapper mapper = new ObjectMapper();
  private final Map<String, List<SnsSubscription>> subscriptionsByTopic = new LinkedHashMap<>();

  SnsTopics(SqsClient sqs, Supplier<String> endpoint) {
    this.sqs = sqs;
    this.endpoint = endpoint;
  }

  /** Idempotent, as in SNS: the same name always gives the same ARN and keeps its subscriptions. */
  synchronized String createTopic(String name) {
    if (!TOPIC_NAME.matcher(name).matches()) {
      // FIFO topics (".fifo") are refused too: their ordering and deduplication are not emulated.
      throw SnsApiException.invalidParameter("Topic Name: must be 1-256 letters, digits, - or _");
    }
    String arn = "arn:aws:sns:" + SnsEmulator.REGION + ":" + SnsEmulator.ACCOUNT_ID + ":" + name;
    subscriptionsByTopic.putIfAbsent(arn, new ArrayList<>());
    return arn;
  }

  synchronized SnsSubscription subscribe(
      String topicArn, String protocol, String queueArn, Map<String, String> attributes) {
    List<SnsSubscription> subscriptions = existing(topicArn);
    if (!SnsSubscription.PROTOCOL.equals(protocol)) {
      throw SnsApiException.invalidParameter("Protocol: the emulator delivers only to sqs");
    }
    checkSupported(attributes);
    SnsSubscription requested =
        new SnsSubscription(
            topicArn + ":" + UUID.randomUUID(),
            topicArn,
            queueArn,
            queueUrl(queueArn),
            rawMessageDelivery(attributes),
            filterPolicy(attributes));
    for (SnsSubscription subscription : subscriptions) {
      if (subscription.endpoint().equals(queueArn)) {
        if (!subscription.sameSettingsAs(requested)) {
          throw SnsApiException.invalidParameter(
              "Attributes: Subscription already exists with different attributes");
        }
        return subscription;
      }
    }
    subscriptions.add(requested);
    LOG.info("SNS emulator: {} now delivers to {}", topicArn, queueArn);
    return requested;
  }

  synchronized void unsubscribe(String subscriptionArn) {
    for (List<SnsSubscription> subscriptions : subscriptionsByTopic.values()) {
      if (subscriptions.removeIf(s -> s.subscriptionArn().equals(subscriptionArn))) {
        return;
      }
    }
    throw SnsApiException.notFound("Subscription does not exist");
  }

  synchronized List<SnsSubscription> subscriptions(String topicArn) {
    return List.copyOf(existing(topicArn));
  }

  /**
   * Delivers to every matching subscription before returning the MessageId. A failed delivery is
   * logged and never reaches the publisher, as with SNS, whose Publish succeeds once it accepts.
   */
  String publish(
      String topicArn, String subject, String message, Map<String, SnsMessageAttribute> attributes) {
    String messageId = UUID.randomUUID().toString();
    Instant timestamp = Instant.now();
    for (SnsSubscription subscription : subscriptions(topicArn)) {
      if (!subscription.filterPolicy().matches(attributes)) {
        continue;
      }
      try {
        if (subscription.rawMessageDelivery()) {
          deliverRaw(subscription, messageId, message, attributes);
        } else {
          String envelope =
              envelope(subscription, messageId, subject, message, attributes, timestamp);
          sqs.sendMessage(r -> r.queueUrl(subscription.queueUrl()).messageBody(envelope));
        }
      } catch (SdkException e) {
        LOG.warn(
            "SNS emulator: message {} not delivered to {}",
            messageId,
            subscription.subscriptionArn(),
            e);
      }
    }
    return messageId;
  }

  private List<SnsSubscription> existing(String topicArn) {
    List<SnsSubscription> subscriptions = subscriptionsByTopic.get(topicArn);
    if (subscriptions == null) {
      throw SnsApiException.notFound("Topic does not exist");
    }
    return subscriptions;
  }

  private void deliverRaw(
      SnsSubscription subscription,
      String messageId,
      String message,
      Map<String, SnsMessageAttribute> attributes) {
    if (attributes.size() > MAX_RAW_ATTRIBUTES) {
      LOG.warn(
          "SNS emulator: message {} discarded for {}: raw delivery carries at most {} attributes",
          messageId,
          subscription.subscriptionArn(),
          MAX_RAW_ATTRIBUTES);
      return;
    }
    Map<String, MessageAttributeValue> sqsAttributes = new LinkedHashMap<>();
    attributes.forEach((name, attribute) -> sqsAttributes.put(name, sqsAttribute(attribute)));
    sqs.sendMessage(
        r ->
            r.queueUrl(subscription.queueUrl())
                .messageBody(message)
                .messageAttributes(sqsAttributes));
  }

  private static MessageAttributeValue sqsAttribute(SnsMessageAttribute attribute) {
    if (attribute.dataType().equals("Binary")) {
      byte[] bytes = Base64.getDecoder().decode(attribute.value());
      return MessageAttributeValue.builder()
          .dataType("Binary")
          .binaryValue(SdkBytes.fromByteArrayUnsafe(bytes))
          .build();
    }
    // SQS has no String.Array type; SNS hands the array on as its JSON text in a String.
    String dataType = attribute.dataType().equals("String.Array") ? "String" : attribute.dataType();
    return MessageAttributeValue.builder().dataType(dataType).stringValue(attribute.value()).build();
  }

  /** The notification JSON that SNS writes into the queue, fields in SNS's own order. */
  private String envelope(
      SnsSubscription subscription,
      String messageId,
      String subject,
      String message,
      Map<String, SnsMessageAttribute> attributes,
      Instant timestamp) {
    ObjectNode json = mapper.createObjectNode();
    json.put("Type", "Notification");
    json.put("MessageId", messageId);
    json.put("TopicArn", subscription.topicArn());
    if (subject != null) {
      json.put("Subject", subject);
    }
    json.put("Message", message);
    json.put("Timestamp", TIMESTAMP.format(timestamp));
    // Nothing is signed: a consumer that verifies signatures must be switched off in development.
    json.put("SignatureVersion", "1");
    json.put("Signature", "EXAMPLE");
    json.put("SigningCertURL", endpoint.get() + "/SimpleNotificationService-emulator.pem");
    json.put(
        "UnsubscribeURL",
        endpoint.get() + "/?Action=Unsubscribe&SubscriptionArn=" + subscription.subscriptionArn());
    if (!attributes.isEmpty()) {
      ObjectNode messageAttributes = json.putObject("MessageAttributes");
      attributes.forEach(
          (name, attribute) ->
              messageAttributes
                  .putObject(name)
                  .put("Type", attribute.dataType())
                  .put("Value", attribute.value()));
    }
    try {
      return mapper.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("A tree of strings always serializes", e);
    }
  }

  private String queueUrl(String queueArn) {
    String[] arn = queueArn.split(":", -1);
    if (arn.length != 6 || !arn[0].equals("arn") || !arn[2].equals("sqs") || arn[5].isEmpty()) {
      throw SnsApiException.invalidParameter("SQS endpoint ARN");
    }
    try {
      return sqs.getQueueUrl(r -> r.queueName(arn[5])).queueUrl();
    } catch (QueueDoesNotExistException e) {
      // SNS would accept this and fail every delivery; failing now is kinder to a developer.
      throw SnsApiException.invalidParameter("SQS endpoint ARN: no queue named " + arn[5]);
    }
  }

  private static boolean rawMessageDelivery(Map<String, String> attributes) {
    String raw = attributes.getOrDefault("RawMessageDelivery", "false");
    if (!raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")) {
      throw SnsApiException.invalidParameter("RawMessageDelivery: must be true or false");
    }
    return raw.equalsIgnoreCase("true");
  }

  private static void checkSupported(Map<String, String> attributes) {
    for (String name : attributes.keySet()) {
      switch (name) {
        case "RawMessageDelivery", "FilterPolicy" -> {}
        case "FilterPolicyScope" -> {
          if (!attributes.get(name).equals("MessageAttributes")) {
            throw SnsApiException.invalidParameter(
                "FilterPolicyScope: the emulator filters on MessageAttributes only");
          }
        }
        // Refused rather than ignored, so no one relies on a redrive or delivery policy that
        // the emulator would not honour.
        default -> throw SnsApiException.invalidParameter(
            "Attributes: " + name + " is not supported by the emulator");
      }
    }
  }

  private SnsFilterPolicy filterPolicy(Map<String, String> attributes) {
    String policy = attributes.get("FilterPolicy");
    return policy == null || policy.isBlank()
        ? SnsFilterPolicy.NONE
        : SnsFilterPolicy.parse(policy, mapper);
  }
}
