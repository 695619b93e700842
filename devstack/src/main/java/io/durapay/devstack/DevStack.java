package io.durapay.devstack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar devstack.jar up|demo [--data DIR] [--workers v1] [--mode sns|direct]
 * [--api-port N] …}: runs durapay on loopback with nothing installed but a JDK. {@code up} serves
 * until Ctrl-C; {@code demo} runs a scripted scenario and exits non-zero if any payment ends other
 * than expected. Ports default to fixed values; 0 means any free port.
 */
public final class DevStack {
  private DevStack() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = new ArrayList<>(Arrays.asList(args));
    String command = arguments.isEmpty() || arguments.get(0).startsWith("--") ? "up" : arguments.remove(0);
    if (!command.equals("up") && !command.equals("demo")) {
      System.err.println("usage: devstack up|demo [--data DIR] [--workers v1] [--mode sns|direct]"
          + " [--api-port N] [--admin-port N] [--worker-admin-port N] [--temporal-port N]"
          + " [--sqs-port N] [--sns-port N] [--gateway-port N] [--webhooks-port N]");
      System.exit(2);
    }
    StackSettings settings = parse(arguments);
    Stack stack = Stack.start(settings);
    if (command.equals("demo")) {
      boolean ok;
      try {
        ok = new Demo(stack).run(System.out);
      } finally {
        stack.close();
      }
      System.exit(ok ? 0 : 1);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stack.close();
      stopped.countDown();
    }));
    printBanner(stack, settings);
    stopped.await();
  }

  static StackSettings parse(List<String> arguments) {
    StackSettings s = StackSettings.defaults(Path.of(".durapay"));
    for (int i = 0; i < arguments.size(); i += 2) {
      String name = arguments.get(i);
      if (i + 1 >= arguments.size()) {
        throw new IllegalArgumentException(name + " needs a value");
      }
      String value = arguments.get(i + 1);
      s = switch (name) {
        case "--data" -> new StackSettings(Path.of(value), s.apiPort(), s.adminPort(), s.workerAdminPort(),
            s.temporalPort(), s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
        case "--workers" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(),
            s.temporalPort(), s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(),
            List.of(value.split(",")), s.publishingMode());
        case "--mode" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(),
            s.temporalPort(), s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), value);
        default -> withPort(s, name, Integer.parseInt(value));
      };
    }
    return s;
  }

  private static StackSettings withPort(StackSettings s, String name, int port) {
    return switch (name) {
      case "--api-port" -> new StackSettings(s.dataDir(), port, s.adminPort(), s.workerAdminPort(), s.temporalPort(),
          s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
      case "--admin-port" -> new StackSettings(s.dataDir(), s.apiPort(), port, s.workerAdminPort(), s.temporalPort(),
          s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
      case "--worker-admin-port" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), port, s.temporalPort(),
          s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
      case "--temporal-port" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(), port,
          s.sqsPort(), s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
      case "--sqs-port" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(),
          s.temporalPort(), port, s.snsPort(), s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
      case "--sns-port" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(),
          s.temporalPort(), s.sqsPort(), port, s.gatewayPort(), s.webhooksPort(), s.workers(), s.publishingMode());
      case "--gateway-port" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(),
          s.temporalPort(), s.sqsPort(), s.snsPort(), port, s.webhooksPort(), s.workers(), s.publishingMode());
      case "--webhooks-port" -> new StackSettings(s.dataDir(), s.apiPort(), s.adminPort(), s.workerAdminPort(),
          s.temporalPort(), s.sqsPort(), s.snsPort(), s.gatewayPort(), port, s.workers(), s.publishingMode());
      default -> throw new IllegalArgumentException("unknown option " + name);
    };
  }

  private static void printBanner(Stack stack, StackSettings settings) {
    var d = stack.description();
    String key = stack.demoMerchant().apiKey();
    System.out.println();
    System.out.println("durapay devstack is up (" + settings.publishingMode() + " mode, workers "
        + String.join(",", settings.workers()) + ")");
    d.forEach((name, value) -> {
      if (!name.endsWith("Merchant")) {
        System.out.println("  " + String.format("%-16s", name) + value);
      }
    });
    System.out.println("  demo API key    " + key);
    System.out.println("  (all of it, the webhook secret too: " + d.get("dataDir") + "/devstack.json)");
    System.out.println();
    System.out.println("Try:");
    System.out.println("  curl -s " + stack.apiUrl() + "/v1/payments -H 'Authorization: Bearer " + key
        + "' -H \"Idempotency-Key: $(uuidgen)\" -H 'Content-Type: application/json'"
        + " -d '{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}'");
    System.out.println("Test tokens: pm_card_visa, pm_card_chargeDeclined, pm_card_insufficientFunds,"
        + " pm_card_flaky, pm_card_slow. Stop with Ctrl-C.");
  }
}
