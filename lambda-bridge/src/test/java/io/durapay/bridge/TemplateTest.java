package io.durapay.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SAM template, read as plain YAML: the wiring AWS needs for the bridge to lose nothing
 * (partial batch failures, a dead-letter queue, a visibility timeout that outlasts retries) and
 * agreement between the template and the code (handler name, environment variable names).
 */
class TemplateTest {
  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!][^}]*)}");

  private static JsonNode template;
  private static JsonNode resources;

  @BeforeAll
  static void readTemplate() throws IOException {
    template = new ObjectMapper(new YAMLFactory()).readTree(Path.of("template.yaml").toFile());
    resources = template.path("Resources");
  }

  @Test
  void isASamTemplate() {
    assertThat(template.path("Transform").asText()).isEqualTo("AWS::Serverless-2016-10-31");
  }

  @Test
  void theFunctionRunsTheHandlerFromTheShadedJarWithSnapStart() {
    JsonNode function = properties(only("AWS::Serverless::Function"));

    assertThat(function.path("Handler").asText())
        .isEqualTo(PaymentEventsHandler.class.getName() + "::handleRequest");
    assertThat(function.path("CodeUri").asText()).isEqualTo("target/lambda-bridge.jar");
    // java17 (Amazon Linux 2) can no longer be created; the Java 17 build runs on these.
    assertThat(function.path("Runtime").asText()).isIn("java21", "java25");
    assertThat(function.path("Timeout").asInt()).isEqualTo(30);
    assertThat(function.path("MemorySize").asInt()).isGreaterThanOrEqualTo(512);
    assertThat(function.at("/SnapStart/ApplyOn").asText()).isEqualTo("PublishedVersions");
    assertThat(function.path("AutoPublishAlias").asText()).isNotBlank();
  }

  @Test
  void everyNamedResourceIsNamedAfterTheStackSoTwoStacksNeverCollide() {
    Map<String, String> names = new HashMap<>();
    resources.fields().forEachRemaining(resource -> {
      resource.getValue().path("Properties").fields().forEachRemaining(property -> {
        if (List.of("TopicName", "QueueName", "FunctionName", "LogGroupName", "AlarmName")
            .contains(property.getKey())) {
          names.put(resource.getKey(), property.getValue().path("Fn::Sub").asText());
        }
      });
    });

    assertThat(names).containsKeys(topic(), queue(), deadLetterQueue(), function(), logGroup());
    assertThat(names.get(topic())).isEqualTo("${AWS::StackName}-payment-events");
    assertThat(names.get(queue())).isEqualTo("${AWS::StackName}-payment-processing");
    assertThat(names.values()).allSatisfy(name -> assertThat(name).contains("${AWS::StackName}-"));
  }

  @Test
  void theQueuesOutliveTheStackSoNoWaitingPaymentIsDeletedWithIt() {
    for (String queue : List.of(queue(), deadLetterQueue())) {
      assertThat(resources.at("/" + queue + "/DeletionPolicy").asText()).as(queue).isEqualTo("Retain");
      assertThat(resources.at("/" + queue + "/UpdateReplacePolicy").asText()).as(queue).isEqualTo("Retain");
    }
  }

  @Test
  void theFunctionLogsToItsOwnGroupWithARetention() {
    JsonNode function = properties(function());

    assertThat(function.at("/LoggingConfig/LogGroup/Ref").asText()).isEqualTo(logGroup());
    assertThat(properties(logGroup()).at("/RetentionInDays/Ref").asText()).isEqualTo("LogRetentionDays");
    assertThat(template.at("/Parameters/LogRetentionDays/Default").asInt()).isPositive();
  }

  @Test
  void theFunctionsRoleReadsOnlyItsQueueAndWritesOnlyItsLogGroup() {
    String role = getAttTarget(properties(function()).path("Role"));
    assertThat(resources.at("/" + role + "/Type").asText()).isEqualTo("AWS::IAM::Role");
    JsonNode trust = properties(role).at("/AssumeRolePolicyDocument/Statement/0");
    assertThat(trust.at("/Principal/Service").asText()).isEqualTo("lambda.amazonaws.com");
    assertThat(properties(function()).has("Policies")).as("SAM's generated policies").isFalse();

    Map<String, Set<String>> actionsByResource = new HashMap<>();
    properties(role).path("Policies").forEach(policy ->
        policy.at("/PolicyDocument/Statement").forEach(statement -> {
          assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
          assertThat(statement.path("Resource").isTextual())
              .as("a literal resource (\"*\") in %s", policy.path("PolicyName").asText())
              .isFalse();
          statement.path("Action").forEach(action ->
              actionsByResource
                  .computeIfAbsent(getAttTarget(statement.path("Resource")), id -> new TreeSet<>())
                  .add(action.asText()));
        }));

    assertThat(actionsByResource)
        .containsOnlyKeys(queue(), logGroup())
        .containsEntry(queue(), new TreeSet<>(Set.of("sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
            "sqs:GetQueueAttributes", "sqs:ReceiveMessage")))
        .containsEntry(logGroup(), new TreeSet<>(Set.of("logs:CreateLogStream", "logs:PutLogEvents")));
  }

  @Test
  void alarmsWatchTheDeadLetterQueueTheOldestEventAndTheFunctionsErrorsAndThrottles() {
    Map<String, String> watched = new HashMap<>();
    for (String alarm : ofType("AWS::CloudWatch::Alarm")) {
      JsonNode properties = properties(alarm);
      JsonNode dimension = properties.at("/Dimensions/0/Value");
      String target = dimension.has("Ref") ? dimension.path("Ref").asText() : getAttTarget(dimension);
      watched.put(properties.path("MetricName").asText() + " of " + target, alarm);
      assertThat(properties.at("/AlarmActions/0/Ref").asText()).as(alarm).isEqualTo(alarmsTopic());
      assertThat(properties.path("TreatMissingData").asText()).as(alarm).isEqualTo("notBreaching");
    }

    assertThat(watched).containsOnlyKeys(
        "ApproximateNumberOfMessagesVisible of " + deadLetterQueue(),
        "ApproximateAgeOfOldestMessage of " + queue(),
        "Errors of " + function(),
        "Throttles of " + function());
    JsonNode deadLetters = properties(watched.get("ApproximateNumberOfMessagesVisible of " + deadLetterQueue()));
    assertThat(deadLetters.path("Threshold").asInt()).isEqualTo(1);
    assertThat(deadLetters.path("ComparisonOperator").asText()).isEqualTo("GreaterThanOrEqualToThreshold");
  }

  @Test
  void theFunctionRunsC1OnlyAsTheColdStartBenchmarkRecommends() {
    assertThat(properties(function()).at("/Environment/Variables/JAVA_TOOL_OPTIONS").asText())
        .contains("-XX:TieredStopAtLevel=1")
        .contains("-Dlogback.configurationFile=lambda-logback.xml");
  }

  @Test
  void theQueueOutlastsSixFunctionTimeoutsAndRedrivesToTheDeadLetterQueueAfterFiveReceives() {
    JsonNode queue = properties(resources.path(queue()));
    int functionTimeout = properties(only("AWS::Serverless::Function")).path("Timeout").asInt();

    assertThat(functionTimeout).isPositive();
    assertThat(queue.path("VisibilityTimeout").asInt()).isGreaterThanOrEqualTo(6 * functionTimeout);
    assertThat(queue.at("/RedrivePolicy/maxReceiveCount").asInt()).isEqualTo(5);
    String deadLetterQueue = getAttTarget(queue.at("/RedrivePolicy/deadLetterTargetArn"));
    assertThat(resources.path(deadLetterQueue).path("Type").asText()).isEqualTo("AWS::SQS::Queue");
    assertThat(deadLetterQueue).isNotEqualTo(queue());
  }

  @Test
  void theTopicFeedsTheQueueInTheSnsEnvelopeOnlyWithPaymentInitiatedEvents() {
    JsonNode subscription = properties(sqsSubscription());

    assertThat(subscription.path("Protocol").asText()).isEqualTo("sqs");
    assertThat(subscription.path("TopicArn").path("Ref").asText()).isEqualTo(topic());
    assertThat(getAttTarget(subscription.path("Endpoint"))).isEqualTo(queue());
    assertThat(subscription.path("RawMessageDelivery").asBoolean(true)).isFalse();
    assertThat(subscription.at("/FilterPolicy/eventType"))
        .extracting(JsonNode::asText)
        .containsExactly("payment.initiated");
  }

  @Test
  void theQueuePolicyLetsOnlyTheTopicSend() {
    JsonNode policy = properties(only("AWS::SQS::QueuePolicy"));
    JsonNode statement = policy.at("/PolicyDocument/Statement/0");

    assertThat(policy.at("/Queues/0/Ref").asText()).isEqualTo(queue());
    assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
    assertThat(statement.at("/Principal/Service").asText()).isEqualTo("sns.amazonaws.com");
    assertThat(statement.path("Action").asText()).isEqualTo("sqs:SendMessage");
    assertThat(statement.at("/Condition/ArnEquals/aws:SourceArn/Ref").asText()).isEqualTo(topic());
  }

  @Test
  void theQueueDrivesTheFunctionInBatchesOfTenWithPartialFailures() {
    JsonNode events = properties(only("AWS::Serverless::Function")).path("Events");
    List<JsonNode> sqs = new ArrayList<>();
    events.forEach(event -> {
      if (event.path("Type").asText().equals("SQS")) {
        sqs.add(event.path("Properties"));
      }
    });

    assertThat(sqs).hasSize(1);
    JsonNode mapping = sqs.get(0);
    assertThat(getAttTarget(mapping.path("Queue"))).isEqualTo(queue());
    assertThat(mapping.path("BatchSize").asInt()).isEqualTo(10);
    assertThat(mapping.path("FunctionResponseTypes"))
        .extracting(JsonNode::asText)
        .containsExactly("ReportBatchItemFailures");
    assertThat(mapping.has("MaximumBatchingWindowInSeconds")).isTrue();
  }

  @Test
  void theFunctionEnvironmentIsWhatBridgeConfigReads() {
    JsonNode parameters = template.path("Parameters");
    assertThat(parameters.at("/TemporalApiKey/NoEcho").asBoolean()).isTrue();
    Map<String, String> deployedWith =
        Map.of(
            "TemporalAddress", "payments.a1b2c.tmprl.cloud:7233",
            "TemporalNamespace", "payments.a1b2c",
            "TemporalTaskQueue", "payment-processing-v2",
            "TemporalTlsCertPath", "/opt/client.pem",
            "TemporalTlsKeyPath", "/opt/client.key",
            "TemporalApiKey", "tmprl_key",
            "TemporalRpcTimeoutMs", "1500",
            "StartConcurrency", "7");

    Map<String, String> environment = new HashMap<>();
    properties(only("AWS::Serverless::Function"))
        .at("/Environment/Variables")
        .fields()
        .forEachRemaining(
            variable -> {
              JsonNode value = variable.getValue();
              environment.put(
                  variable.getKey(),
                  value.has("Ref") ? deployedWith.get(value.path("Ref").asText()) : value.asText());
            });

    assertThat(BridgeConfig.fromEnvironment(environment))
        .isEqualTo(
            new BridgeConfig(
                "payments.a1b2c.tmprl.cloud:7233", "payments.a1b2c", "payment-processing-v2",
                "/opt/client.pem", "/opt/client.key", "tmprl_key", Duration.ofMillis(1500), 7));
  }

  @Test
  void everyReferenceNamesADeclaredResourceOrParameter() {
    Set<String> declared = new TreeSet<>();
    resources.fieldNames().forEachRemaining(declared::add);
    template.path("Parameters").fieldNames().forEachRemaining(declared::add);
    Set<String> referenced = new TreeSet<>();
    collectReferences(template, referenced);
    referenced.removeIf(name -> name.startsWith("AWS::")); // pseudo parameters

    assertThat(referenced).isNotEmpty();
    assertThat(declared).containsAll(referenced);
  }

  private static void collectReferences(JsonNode node, Set<String> into) {
    if (node.isObject()) {
      node.fields().forEachRemaining(field -> {
        switch (field.getKey()) {
          case "Ref" -> into.add(field.getValue().asText());
          case "Fn::GetAtt" -> into.add(getAttTarget(node));
          case "Fn::Sub" -> {
            Matcher variables = SUB_VARIABLE.matcher(field.getValue().asText());
            while (variables.find()) {
              into.add(variables.group(1).split("\\.")[0]);
            }
          }
          default -> collectReferences(field.getValue(), into);
        }
      });
    } else if (node.isArray()) {
      node.forEach(element -> collectReferences(element, into));
    }
  }

  /** The logical id in {@code Fn::GetAtt: [Id, Attribute]} or {@code Fn::GetAtt: Id.Attribute}. */
  private static String getAttTarget(JsonNode node) {
    JsonNode getAtt = node.path("Fn::GetAtt");
    return getAtt.isArray() ? getAtt.path(0).asText() : getAtt.asText().split("\\.")[0];
  }

  /** The topic the API publishes to: the one the queue subscribes to (the other is for alarms). */
  private static String topic() {
    return properties(sqsSubscription()).path("TopicArn").path("Ref").asText();
  }

  private static String sqsSubscription() {
    List<String> toQueues = ofType("AWS::SNS::Subscription").stream()
        .filter(id -> properties(id).path("Protocol").asText().equals("sqs"))
        .toList();
    assertThat(toQueues).hasSize(1);
    return toQueues.get(0);
  }

  private static String alarmsTopic() {
    List<String> topics = new ArrayList<>(ofType("AWS::SNS::Topic"));
    topics.remove(topic());
    assertThat(topics).hasSize(1);
    return topics.get(0);
  }

  private static String deadLetterQueue() {
    return getAttTarget(properties(queue()).at("/RedrivePolicy/deadLetterTargetArn"));
  }

  private static String function() {
    return only("AWS::Serverless::Function");
  }

  private static String logGroup() {
    return only("AWS::Logs::LogGroup");
  }

  /** The queue the function reads: the one with a redrive policy (the other is its DLQ). */
  private static String queue() {
    List<String> queues = ofType("AWS::SQS::Queue");
    assertThat(queues).hasSize(2);
    List<String> redriving =
        queues.stream().filter(id -> properties(resources.path(id)).has("RedrivePolicy")).toList();
    assertThat(redriving).hasSize(1);
    return redriving.get(0);
  }

  private static String only(String type) {
    List<String> ids = ofType(type);
    assertThat(ids).as("resources of type %s", type).hasSize(1);
    return ids.get(0);
  }

  private static List<String> ofType(String type) {
    List<String> ids = new ArrayList<>();
    resources.fields().forEachRemaining(resource -> {
      if (resource.getValue().path("Type").asText().equals(type)) {
        ids.add(resource.getKey());
      }
    });
    return ids;
  }

  private static JsonNode properties(String logicalId) {
    return properties(resources.path(logicalId));
  }

  private static JsonNode properties(JsonNode resource) {
    return resource.path("Properties");
  }
}
