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
import java.util.Optional;
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
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Topics, their SQS subscriptions, and the fan-out of a Publish to them, following what SNS
 * delivers: the JSON notification envelope, or with raw delivery the bare message plus its
 * attributes as SQS message attributes.
 *
 * <p>Long because it holds SNS's subscribe checks (attributes, filter policy, queue lookup) and
 * both delivery shapes, the JSON envelope and raw delivery with SQS attributes, for Publish and
 * PublishBatch alike; they stay in one class because subscribing and fan-out share the one
 * subscriptions map and its lock.
 */
final class SnsTopics {
  private static final Logger LOG = LoggerFactory.getLogger(SnsTopics.class);
  private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  // SQS accepts at most 10 message attributes; SNS discards raw deliveries that would carry more.
  private static final int MAX_RAW_ATTRIBUTES = 10;
  private static final int MAX_SQS_BATCH = 10;

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

  /** Fails with NotFound unless the topic exists. */
  synchronized void requireTopic(String topicArn) {
    existing(topicArn);
  }

  private synchronized List<SnsSubscription> subscriptions(String topicArn) {
    return List.copyOf(existing(topicArn));
  }

  /** One message to publish, with the MessageId it is given. */
  record Message(
      String messageId, String subject, String body, Map<String, SnsMessageAttribute> attributes) {}

  /**
   * Delivers to every matching subscription before returning the MessageId. A failed delivery is
   * logged and never reaches the publisher, as with SNS, whose Publish succeeds once it accepts.
   */
  String publish(
      String topicArn, String subject, String message, Map<String, SnsMessageAttribute> attributes) {
    String messageId = UUID.randomUUID().toString();
    publish(topicArn, List.of(new Message(messageId, subject, message, attributes)));
    return messageId;
  }

  /**
   * Delivers {@code messages} to every subscription whose filter matches them, with one SQS
   * SendMessageBatch call per subscription and ten messages, as PublishBatch fans out.
   */
  void publish(String topicArn, List<Message> messages) {
    Instant timestamp = Instant.now();
    for (SnsSubscription subscription : subscriptions(topicArn)) {
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (Message message : messages) {
        if (subscription.filterPolicy().matches(message.attributes())) {
          entry(subscription, message, timestamp).ifPresent(entries::add);
        }
      }
      for (int from = 0; from < entries.size(); from += MAX_SQS_BATCH) {
        send(subscription, entries.subList(from, Math.min(entries.size(), from + MAX_SQS_BATCH)));
      }
    }
  }

  private void send(SnsSubscription subscription, List<SendMessageBatchRequestEntry> entries) {
    try {
      SendMessageBatchResponse response =
          sqs.sendMessageBatch(r -> r.queueUrl(subscription.queueUrl()).entries(entries));
      response.failed().forEach(failure -> LOG.warn(
          "SNS emulator: message {} not delivered to {}: {} {}",
          failure.id(), subscription.subscriptionArn(), failure.code(), failure.message()));
    } catch (SdkException e) {
      LOG.warn(
          "SNS emulator: {} messages not delivered to {}",
          entries.size(),
          subscription.subscriptionArn(),
          e);
    }
  }

  /** The SQS message SNS would deliver to {@code subscription}; empty when it would discard it. */
  private Optional<SendMessageBatchRequestEntry> entry(
      SnsSubscription subscription, Message message, Instant timestamp) {
    SendMessageBatchRequestEntry.Builder entry =
        SendMessageBatchRequestEntry.builder().id(message.messageId());
    if (!subscription.rawMessageDelivery()) {
      return Optional.of(entry.messageBody(envelope(subscription, message, timestamp)).build());
    }
    if (message.attributes().size() > MAX_RAW_ATTRIBUTES) {
      LOG.warn(
          "SNS emulator: message {} discarded for {}: raw delivery carries at most {} attributes",
          message.messageId(),
          subscription.subscriptionArn(),
          MAX_RAW_ATTRIBUTES);
      return Optional.empty();
    }
    Map<String, MessageAttributeValue> sqsAttributes = new LinkedHashMap<>();
    message.attributes().forEach((name, attribute) -> sqsAttributes.put(name, sqsAttribute(attribute)));
    return Optional.of(entry.messageBody(message.body()).messageAttributes(sqsAttributes).build());
  }

  private List<SnsSubscription> existing(String topicArn) {
    List<SnsSubscription> subscriptions = subscriptionsByTopic.get(topicArn);
    if (subscriptions == null) {
      throw SnsApiException.notFound("Topic does not exist");
    }
    return subscriptions;
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
  private String envelope(SnsSubscription subscription, Message message, Instant timestamp) {
    String subject = message.subject();
    Map<String, SnsMessageAttribute> attributes = message.attributes();
    ObjectNode json = mapper.createObjectNode();
    json.put("Type", "Notification");
    json.put("MessageId", message.messageId());
    json.put("TopicArn", subscription.topicArn());
    if (subject != null) {
      json.put("Subject", subject);
    }
    json.put("Message", message.body());
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
