package io.durapay.devstack.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.NotFoundException;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;
import software.amazon.awssdk.services.sns.model.PublishBatchResultEntry;
import software.amazon.awssdk.services.sns.model.SnsException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Drives the emulator only through the AWS SDK's SnsClient, and reads what arrives in ElasticMQ
 * through the SqsClient, so both sides see what they would see against AWS.
 */
class SnsEmulatorTest {
  private static final Duration DELIVERY_DEADLINE = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StaticCredentialsProvider DUMMY_CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy"));

  private static SQSRestServer elasticMq;
  private static SqsClient sqs;
  private static SnsEmulator emulator;
  private static SnsClient sns;

  @BeforeAll
  static void start() throws IOException {
    int sqsPort = freePort();
    elasticMq =
        SQSRestServerBuilder.withPort(sqsPort)
            .withInterface("127.0.0.1")
            .withServerAddress(new NodeAddress("http", "127.0.0.1", sqsPort, ""))
            .withAWSRegion("us-east-1")
            .start();
    elasticMq.waitUntilStarted();
    sqs =
        SqsClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + sqsPort))
            .region(Region.US_EAST_1)
            .credentialsProvider(DUMMY_CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
    emulator = new SnsEmulator(0, sqs).start();
    sns =
        SnsClient.builder()
            .endpointOverride(URI.create(emulator.endpoint()))
            .region(Region.US_EAST_1)
            .credentialsProvider(DUMMY_CREDENTIALS)
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterAll
  static void stop() {
    sns.close();
    emulator.stop();
    sqs.close();
    elasticMq.stopAndWait();
  }

  @Test
  void createTopicIsIdempotent() {
    String first = sns.createTopic(r -> r.name("payment-events")).topicArn();
    String second = sns.createTopic(r -> r.name("payment-events")).topicArn();

    assertThat(first).isEqualTo("arn:aws:sns:us-east-1:000000000000:payment-events");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void publishDeliversTheEnvelopeOrTheRawMessageAsEachSubscriptionAsks() throws IOException {
    String topicArn = sns.createTopic(r -> r.name(unique("fan-out"))).topicArn();
    String envelopeQueue = createQueue("envelope");
    String rawQueue = createQueue("raw");
    subscribe(topicArn, envelopeQueue, Map.of("RawMessageDelivery", "false"));
    subscribe(topicArn, rawQueue, Map.of("RawMessageDelivery", "true"));
    String message = "{\"paymentId\":\"p-1\",\"amount\":1250}";

    String messageId =
        sns.publish(
                r ->
                    r.topicArn(topicArn)
                        .subject("payment")
                        .message(message)
                        .messageAttributes(
                            Map.of(
                                "eventType", snsString("payment.initiated"),
                                "correlationId", snsString("c-1"))))
            .messageId();

    JsonNode envelope = JSON.readTree(receiveOne(envelopeQueue).body());
    assertThat(envelope.get("Type").asText()).isEqualTo("Notification");
    assertThat(envelope.get("MessageId").asText()).isEqualTo(messageId);
    assertThat(envelope.get("TopicArn").asText()).isEqualTo(topicArn);
    assertThat(envelope.get("Subject").asText()).isEqualTo("payment");
    assertThat(envelope.get("Message").asText()).isEqualTo(message);
    assertThat(envelope.get("Timestamp").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
    assertThat(envelope.get("SignatureVersion").asText()).isEqualTo("1");
    assertThat(envelope.get("UnsubscribeURL").asText()).startsWith(emulator.endpoint());
    JsonNode attributes = envelope.get("MessageAttributes");
    assertThat(attributes.get("eventType").get("Type").asText()).isEqualTo("String");
    assertThat(attributes.get("eventType").get("Value").asText()).isEqualTo("payment.initiated");
    assertThat(attributes.get("correlationId").get("Value").asText()).isEqualTo("c-1");

    Message raw = receiveOne(rawQueue);
    assertThat(raw.body()).isEqualTo(message);
    assertThat(raw.messageAttributes()).containsOnlyKeys("eventType", "correlationId");
    assertThat(raw.messageAttributes().get("eventType").dataType()).isEqualTo("String");
    assertThat(raw.messageAttributes().get("eventType").stringValue())
        .isEqualTo("payment.initiated");
    assertThat(raw.messageAttributes().get("correlationId").stringValue()).isEqualTo("c-1");
  }

  @Test
  void filterPolicyDeliversOnlyMatchingEvents() {
    String topicArn = sns.createTopic(r -> r.name(unique("filtered"))).topicArn();
    String queue = createQueue("initiated-only");
    subscribe(
        topicArn,
        queue,
        Map.of(
            "RawMessageDelivery", "true",
            "FilterPolicy", "{\"eventType\":[\"payment.initiated\"]}"));

    publish(topicArn, "completed", Map.of("eventType", snsString("payment.completed")));
    publish(topicArn, "no attributes", Map.of());
    publish(topicArn, "initiated", Map.of("eventType", snsString("payment.initiated")));

    // Deliveries keep publish order, so once "initiated" is in, anything filtered wrongly
    // would already be in the queue ahead of it.
    List<String> received = new ArrayList<>();
    await()
        .atMost(DELIVERY_DEADLINE)
        .until(
            () -> {
              receive(queue).forEach(m -> received.add(m.body()));
              return received.contains("initiated");
            });
    assertThat(received).containsExactly("initiated");
    assertThat(queueDepth(queue)).isZero();
  }

  @Test
  void publishBatchDeliversEachEntryAndAnswersEntryByEntry() {
    String topicArn = sns.createTopic(r -> r.name(unique("batched"))).topicArn();
    String queue = createQueue("batched");
    subscribe(topicArn, queue, Map.of("RawMessageDelivery", "true"));
    Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> typed =
        Map.of("eventType", snsString("payment.initiated"));
    // An attribute with a type but no value: SNS refuses that entry, not the batch.
    Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> broken =
        Map.of("eventType",
            software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder()
                .dataType("String").build());

    PublishBatchResponse response =
        sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(
            entry("a", "first", typed), entry("b", "second", typed),
            entry("c", "broken", broken), entry("d", "fourth", typed)));

    assertThat(response.successful()).extracting(PublishBatchResultEntry::id)
        .containsExactly("a", "b", "d");
    assertThat(response.successful()).allSatisfy(e -> assertThat(e.messageId()).isNotBlank());
    assertThat(response.failed()).singleElement().satisfies(failed -> {
      assertThat(failed.id()).isEqualTo("c");
      assertThat(failed.code()).isEqualTo("InvalidParameter");
      assertThat(failed.senderFault()).isTrue();
    });
    List<Message> received = new ArrayList<>();
    await().atMost(DELIVERY_DEADLINE).until(() -> {
      received.addAll(receive(queue));
      return received.size() >= 3;
    });
    // One SendMessageBatch per subscription; like SNS, no order is promised within it.
    assertThat(received).extracting(Message::body).containsExactlyInAnyOrder("first", "second", "fourth");
    assertThat(received).allSatisfy(m -> assertThat(
        m.messageAttributes().get("eventType").stringValue()).isEqualTo("payment.initiated"));
    assertThat(queueDepth(queue)).isZero();
  }

  @Test
  void aBatchOfTheWrongShapeIsRefusedAsAWholeAndDeliversNothing() {
    String topicArn = sns.createTopic(r -> r.name(unique("bad-batch"))).topicArn();
    String queue = createQueue("bad-batch");
    subscribe(topicArn, queue, Map.of("RawMessageDelivery", "true"));
    List<PublishBatchRequestEntry> eleven = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      eleven.add(entry("e" + i, "m" + i, Map.of()));
    }

    assertThat(batchErrorCode(topicArn, eleven)).isEqualTo("TooManyEntriesInBatchRequest");
    assertThat(batchErrorCode(topicArn, List.of(entry("x", "1", Map.of()), entry("x", "2", Map.of()))))
        .isEqualTo("BatchEntryIdsNotDistinct");
    assertThat(batchErrorCode(topicArn, List.of(entry("not ok!", "1", Map.of()))))
        .isEqualTo("InvalidBatchEntryId");
    String half = "x".repeat(130 * 1024);
    assertThat(batchErrorCode(topicArn, List.of(entry("a", half, Map.of()), entry("b", half, Map.of()))))
        .isEqualTo("BatchRequestTooLong");
    assertThat(queueDepth(queue)).isZero();
  }

  private static String batchErrorCode(String topicArn, List<PublishBatchRequestEntry> entries) {
    SnsException e = catchThrowableOfType(SnsException.class,
        () -> sns.publishBatch(r -> r.topicArn(topicArn).publishBatchRequestEntries(entries)));
    assertThat(e.statusCode()).isEqualTo(400);
    return e.awsErrorDetails().errorCode();
  }

  private static PublishBatchRequestEntry entry(String id, String message,
      Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> attributes) {
    return PublishBatchRequestEntry.builder().id(id).message(message)
        .messageAttributes(attributes).build();
  }

  @Test
  void publishToAnUnknownTopicIsNotFound() {
    assertThatThrownBy(
            () ->
                sns.publish(
                    r -> r.topicArn("arn:aws:sns:us-east-1:000000000000:no-such").message("x")))
        .isInstanceOfSatisfying(
            NotFoundException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(404);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("NotFound");
            });
  }

  @Test
  void subscribingAQueueThatDoesNotExistIsRefused() {
    String topicArn = sns.createTopic(r -> r.name(unique("no-queue"))).topicArn();

    assertThatThrownBy(
            () ->
                sns.subscribe(
                    r ->
                        r.topicArn(topicArn)
                            .protocol("sqs")
                            .endpoint("arn:aws:sqs:us-east-1:000000000000:" + unique("missing"))))
        .isInstanceOf(InvalidParameterException.class);
  }

  @Test
  void anActionItDoesNotEmulateIsInvalidAction() {
    assertThatThrownBy(() -> sns.listTopics())
        .isInstanceOfSatisfying(
            SnsException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidAction");
            });
  }

  @Test
  void stopFreesThePort() throws IOException {
    SnsEmulator second = new SnsEmulator(0, sqs).start();
    int port = second.port();

    second.stop();

    try (ServerSocket rebound = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThat(rebound.getLocalPort()).isEqualTo(port);
    }
  }

  private static String subscribe(String topicArn, String queueUrl, Map<String, String> attrs) {
    return sns.subscribe(
            r ->
                r.topicArn(topicArn)
                    .protocol("sqs")
                    .endpoint(queueArn(queueUrl))
                    .attributes(attrs)
                    .returnSubscriptionArn(true))
        .subscriptionArn();
  }

  private static void publish(
      String topicArn,
      String message,
      Map<String, software.amazon.awssdk.services.sns.model.MessageAttributeValue> attributes) {
    sns.publish(r -> r.topicArn(topicArn).message(message).messageAttributes(attributes));
  }

  private static software.amazon.awssdk.services.sns.model.MessageAttributeValue snsString(
      String value) {
    return software.amazon.awssdk.services.sns.model.MessageAttributeValue.builder()
        .dataType("String")
        .stringValue(value)
        .build();
  }

  private static String createQueue(String purpose) {
    return sqs.createQueue(r -> r.queueName(unique(purpose))).queueUrl();
  }

  private static String queueArn(String queueUrl) {
    return sqs.getQueueAttributes(
            r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes()
        .get(QueueAttributeName.QUEUE_ARN);
  }

  private static int queueDepth(String queueUrl) {
    String visible =
        sqs.getQueueAttributes(
                r ->
                    r.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
            .attributes()
            .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
    return Integer.parseInt(visible);
  }

  private static List<Message> receive(String queueUrl) {
    return sqs.receiveMessage(
            r -> r.queueUrl(queueUrl).maxNumberOfMessages(10).messageAttributeNames("All"))
        .messages();
  }

  private static Message receiveOne(String queueUrl) {
    List<Message> messages =
        await().atMost(DELIVERY_DEADLINE).until(() -> receive(queueUrl), m -> !m.isEmpty());
    assertThat(messages).hasSize(1);
    return messages.get(0);
  }

  private static String unique(String purpose) {
    return purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
