package io.durapay.devstack;

import io.durapay.api.console.DeadLetters;
import io.durapay.devstack.sns.SnsEmulator;
import java.net.URI;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The stack's AWS, as the SAM template sets it up: ElasticMQ with the processing queue and its
 * dead-letter queue (redrive after 5 receives), and the SNS emulator with the events topic,
 * subscribed by the queue for {@code payment.initiated} only.
 */
final class LocalAws implements AutoCloseable {
  static final String TOPIC = "payment-events";
  static final String QUEUE = "payment-processing";
  static final String DLQ = "payment-processing-dlq";

  private final int sqsPort;
  private final SQSRestServer server;
  private final SqsClient sqs;
  private final String dlqUrl;
  private final String queueUrl;
  private final SnsEmulator sns;
  private final String topicArn;

  private LocalAws(int sqsPort, SQSRestServer server, SqsClient sqs, int snsPort) {
    this.sqsPort = sqsPort;
    this.server = server;
    this.sqs = sqs;
    dlqUrl = sqs.createQueue(r -> r.queueName(DLQ)).queueUrl();
    String redrive = "{\"deadLetterTargetArn\":\"" + queueArn(dlqUrl) + "\",\"maxReceiveCount\":\"5\"}";
    // A short visibility timeout so that a failed message is retried within seconds here; on AWS
    // it is at least six times the function timeout (see lambda-bridge/template.yaml).
    queueUrl = sqs.createQueue(r -> r.queueName(QUEUE).attributes(Map.of(
        QueueAttributeName.VISIBILITY_TIMEOUT, "2",
        QueueAttributeName.REDRIVE_POLICY, redrive))).queueUrl();
    sns = new SnsEmulator(snsPort, sqs);
    sns.start();
    try {
      topicArn = subscribeQueueToTopic();
    } catch (RuntimeException e) {
      sns.close();
      throw e;
    }
  }

  /** Starts both on their ports (0: any free one); stops what started if a later part fails. */
  static LocalAws start(int sqsPort, int snsPort) {
    int port = Ports.resolve(sqsPort);
    SQSRestServer server = SQSRestServerBuilder.withPort(port)
        .withInterface("127.0.0.1")
        .withServerAddress(new NodeAddress("http", "127.0.0.1", port, ""))
        .start();
    SqsClient sqs = null;
    try {
      server.waitUntilStarted();
      sqs = SqsClient.builder()
          .endpointOverride(URI.create("http://127.0.0.1:" + port))
          .region(Region.US_EAST_1)
          .credentialsProvider(credentials())
          .httpClientBuilder(UrlConnectionHttpClient.builder())
          .build();
      return new LocalAws(port, server, sqs, Ports.resolve(snsPort));
    } catch (RuntimeException e) {
      if (sqs != null) {
        sqs.close();
      }
      server.stopAndWait();
      throw e;
    }
  }

  SqsClient sqs() {
    return sqs;
  }

  String sqsEndpoint() {
    return "http://127.0.0.1:" + sqsPort;
  }

  String queueUrl() {
    return queueUrl;
  }

  String dlqUrl() {
    return dlqUrl;
  }

  String queueArn(String url) {
    return sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
  }

  String snsEndpoint() {
    return sns.endpoint();
  }

  String topicArn() {
    return topicArn;
  }

  /** Stops the SNS emulator, as an outage would: publishes fail to connect. */
  void stopSns() {
    sns.stop();
  }

  /** Starts the SNS emulator again on its port, with its topics and subscriptions. */
  void startSns() {
    sns.start();
  }

  /** Moves every dead letter back to the processing queue; returns how many moved. */
  int redriveDeadLetters() {
    return new DeadLetters(sqs, queueUrl, dlqUrl).redrive();
  }

  @Override
  public void close() {
    sns.close();
    sqs.close();
    server.stopAndWait();
  }

  private String subscribeQueueToTopic() {
    try (SnsClient client = SnsClient.builder()
        .endpointOverride(URI.create(sns.endpoint()))
        .region(Region.US_EAST_1)
        .credentialsProvider(credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build()) {
      String arn = client.createTopic(r -> r.name(TOPIC)).topicArn();
      client.subscribe(r -> r.topicArn(arn).protocol("sqs").endpoint(queueArn(queueUrl))
          .attributes(Map.of(
              "RawMessageDelivery", "false",
              "FilterPolicy", "{\"eventType\":[\"payment.initiated\"]}")));
      return arn;
    }
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("devstack", "devstack"));
  }
}
