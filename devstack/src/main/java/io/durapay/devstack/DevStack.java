package io.durapay.devstack;

import io.durapay.replay.CommandFlags;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar devstack.jar up [--versioning]|demo [--rollout [--strategy versioning]] [--data DIR] [--workers v1,v2] [--route v1|v2] [--mode sns|direct]
 * [--api-port N] …}: runs durapay on loopback with nothing installed but a JDK. {@code up} serves
 * until Ctrl-C; {@code demo} runs a scripted scenario and exits non-zero if any payment ends other
 * than expected; {@code demo --rollout} runs a blue/green rollout under load instead ({@link
 * Rollout}; with {@code --strategy versioning}, {@link VersionedRolloutRun}). {@code up
 * --versioning} runs v1 as the current version of a Worker Deployment, for {@code ci/rollout
 * --strategy versioning --devstack URL}. Ports default to fixed values; 0 means any free port. {@code DATABASE_URL}
 * (with {@code DATABASE_USER}, {@code DATABASE_PASSWORD}), {@code TEMPORAL_ADDRESS} and {@code
 * GATEWAY_URL} (with {@code GATEWAY_SECRET_KEY}) replace the embedded parts with real ones.
 *
 * <p>Long because it is the whole command line: main runs up, demo and load, the Arguments record
 * checks which option goes with which command, and banner prints what up serves; they stay in one
 * class because the option sets and the usage text they share must agree.
 */
public final class DevStack {
  private DevStack() {}

  static final String USAGE = "usage: devstack up [--versioning]|demo [--rollout [--strategy task-queue|versioning]]"
      + "|load [--payments N] [--clients N] [--data DIR] [--workers v1[,v2]] [--route v1|v2] [--mode sns|direct]"
      + " [--temporal dev-server|test-server] [--temporal-ui-port N]"
      + " [--control-port N] [--api-port N] [--admin-port N] [--worker-admin-port N] [--temporal-port N]"
      + " [--sqs-port N] [--sns-port N] [--gateway-port N] [--webhooks-port N]";

  public static void main(String[] args) throws Exception {
    Arguments arguments;
    StackSettings settings;
    try {
      arguments = Arguments.read(List.of(args));
      settings = settings(arguments.options(), System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("devstack: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    String command = arguments.command();
    boolean rollout = arguments.options().containsKey("--rollout");
    boolean versioning = arguments.options().containsKey("--versioning");
    String strategy = arguments.options().getOrDefault("--strategy", "task-queue");
    int controlPort = arguments.number("--control-port", 8097, 0, 65535);
    int loadPayments = arguments.number("--payments", 5000, 1, 1_000_000);
    int loadClients = arguments.number("--clients", 16, 1, 1000);
    if (rollout && (!settings.workers().equals(List.of("v1")) || !settings.route().equals("v1"))) {
      System.err.println("demo --rollout starts from blue alone: leave out --workers and --route");
      System.exit(2);
    }
    // The console is for the banner, the demo's table and errors; component logs go to a file.
    ConsoleLogs.toFile(settings.dataDir().toAbsolutePath());
    System.out.println("starting the durapay devstack (logs: "
        + settings.dataDir().toAbsolutePath().resolve(ConsoleLogs.FILE) + ")");
    Stack stack;
    try {
      stack = Stack.start(settings);
    } catch (Exception e) {
      // Whatever did start was closed; a thread some library left behind must not keep a
      // devstack that never came up running without a word.
      System.err.println("devstack: could not start: " + e.getMessage() + " (details in "
          + settings.dataDir().toAbsolutePath().resolve(ConsoleLogs.FILE) + ")");
      LoggerFactory.getLogger(DevStack.class).info("could not start", e);
      System.exit(1);
      return;
    }
    if (command.equals("load")) {
      boolean agrees;
      try {
        agrees = new LoadRun(stack, System.out)
            .run(loadPayments, loadClients, Duration.ofSeconds(60 + loadPayments / 5)).agrees();
      } finally {
        stack.close();
      }
      System.exit(agrees ? 0 : 1);
    }
    if (command.equals("demo")) {
      boolean ok;
      try {
        if (rollout && strategy.equals("versioning")) {
          ok = new VersionedRolloutRun(stack, System.out)
              .run(VersionedRolloutRun.inProcess(), VersionedRolloutRun.DEMO_ARGS, "").ok();
        } else {
          ok = rollout ? new Rollout(stack, System.out).run().ok() : new Demo(stack).run(System.out);
        }
      } finally {
        stack.close();
      }
      System.exit(ok ? 0 : 1);
    }
    if (versioning) {
      stack.useWorkerVersioning(VersionedRolloutRun.DEPLOYMENT, io.temporal.common.VersioningBehavior.PINNED);
    }
    ControlServer control;
    try {
      control = new ControlServer(stack, controlPort);
    } catch (IOException e) {
      stack.close();
      throw new IOException("cannot serve the control endpoint on port " + controlPort
          + " (--control-port 0 picks a free one)", e);
    }
    control.start();
    stack.describe("control", control.url());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      control.close();
      stack.close();
      stopped.countDown();
    }));
    printBanner(stack, settings);
    stopped.await();
  }

  /** The stack's own options (ports, parts, data folder), read by {@link #settings}. */
  private static final Set<String> STACK_OPTIONS = Set.of("--data", "--workers", "--route", "--mode", "--api-port",
      "--admin-port", "--worker-admin-port", "--temporal-port", "--sqs-port", "--sns-port",
      "--gateway-port", "--webhooks-port", "--temporal", "--temporal-ui-port");
  private static final Set<String> COMMAND_OPTIONS = Set.of("--strategy", "--control-port", "--payments", "--clients");
  private static final Set<String> SWITCHES = Set.of("--rollout", "--versioning");

  /**
   * The command line, read by picocli ({@link CommandFlags}): the command ({@code up} when none is given) and each option
   * given with its value ({@code "true"} for a switch). Refused in devstack's words: an option it
   * does not know, one without its value or given twice, a second command, an option of another
   * command.
   */
  record Arguments(String command, Map<String, String> options) {
    static Arguments read(List<String> args) {
      CommandFlags.Read read;
      try {
        read = CommandFlags.read(args.toArray(String[]::new),
            Stream.concat(STACK_OPTIONS.stream(), COMMAND_OPTIONS.stream()).toList(), List.copyOf(SWITCHES),
            List.of(), true);
      } catch (CommandFlags.BadFlagsException e) {
        throw new IllegalArgumentException(e.getMessage());
      }
      Map<String, String> options = read.values();
      List<String> words = read.words();
      if (words.size() > 1) {
        throw new IllegalArgumentException("one command at a time, not " + String.join(" ", words));
      }
      String command = words.isEmpty() ? "up" : words.get(0);
      if (!List.of("up", "demo", "load").contains(command)) {
        throw new IllegalArgumentException("unknown command " + command);
      }
      Arguments arguments = new Arguments(command, options);
      arguments.only("--rollout", "demo");
      arguments.only("--versioning", "up");
      arguments.only("--payments", "load");
      arguments.only("--clients", "load");
      if (options.containsKey("--strategy") && !options.containsKey("--rollout")) {
        throw new IllegalArgumentException("--strategy goes with demo --rollout");
      }
      String strategy = options.getOrDefault("--strategy", "task-queue");
      if (!strategy.equals("task-queue") && !strategy.equals("versioning")) {
        throw new IllegalArgumentException("--strategy is task-queue or versioning, not " + strategy);
      }
      return arguments;
    }

    private void only(String option, String withCommand) {
      if (options.containsKey(option) && !command.equals(withCommand)) {
        throw new IllegalArgumentException(option + " goes with " + withCommand + ", not " + command);
      }
    }

    /** The option's whole number from {@code min} to {@code max}, or the fallback. */
    int number(String name, int fallback, int min, int max) {
      String value = options.get(name);
      if (value == null) {
        return fallback;
      }
      int number;
      try {
        number = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " must be a whole number, not " + value);
      }
      if (number < min || number > max) {
        throw new IllegalArgumentException(name + " must be from " + min + " to " + max);
      }
      return number;
    }
  }

  /** The stack's settings from the stack's options alone (any other is refused). */
  static StackSettings parse(List<String> arguments, Map<String, String> environment) {
    Arguments read = Arguments.read(arguments);
    read.options().keySet().stream().filter(name -> !STACK_OPTIONS.contains(name)).findFirst().ifPresent(name -> {
      throw new IllegalArgumentException("unknown option " + name);
    });
    return settings(read.options(), environment);
  }

  private static StackSettings settings(Map<String, String> options, Map<String, String> environment) {
    StackSettings d = StackSettings.defaults(Path.of(options.getOrDefault("--data", ".durapay")));
    String mode = options.getOrDefault("--mode", d.publishingMode());
    if (!mode.equals("sns") && !mode.equals("direct")) {
      throw new IllegalArgumentException("--mode must be sns or direct");
    }
    return new StackSettings(
        d.dataDir(),
        port(options, "--api-port", d.apiPort()),
        port(options, "--admin-port", d.adminPort()),
        port(options, "--worker-admin-port", d.workerAdminPort()),
        port(options, "--temporal-port", d.temporalPort()),
        port(options, "--sqs-port", d.sqsPort()),
        port(options, "--sns-port", d.snsPort()),
        port(options, "--gateway-port", d.gatewayPort()),
        port(options, "--webhooks-port", d.webhooksPort()),
        port(options, "--temporal-ui-port", d.temporalUiPort()),
        options.containsKey("--workers") ? List.of(options.get("--workers").split(",")) : d.workers(),
        options.getOrDefault("--route", d.route()),
        mode,
        StackSettings.EmbeddedTemporal.parse(options.getOrDefault("--temporal", "dev-server")),
        StackSettings.External.fromEnvironment(environment));
  }

  private static int port(Map<String, String> options, String name, int fallback) {
    String value = options.get(name);
    if (value == null) {
      return fallback;
    }
    int port = Integer.parseInt(value);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(name + " must be a port from 0 to 65535");
    }
    return port;
  }

  private static void printBanner(Stack stack, StackSettings settings) {
    System.out.print(banner(stack, settings));
  }

  /**
   * What {@code up} prints once the stack serves: each part's address under a label (nested
   * parts as {@code sqs.queueUrl}), where the keys are, and an example that runs as printed in
   * bash or zsh with curl and jq.
   */
  static String banner(Stack stack, StackSettings settings) {
    Map<String, Object> parts = new LinkedHashMap<>();
    stack.description().forEach((name, value) -> {
      if (name.endsWith("Merchant") || name.endsWith("Operator")) {
        return; // Their keys and passwords stay out of the console (and so out of terminal logs).
      }
      if (value instanceof Map<?, ?> nested) {
        nested.forEach((key, inner) -> parts.put(name + "." + key, inner));
      } else {
        parts.put(name, value);
      }
    });
    int width = parts.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
    StringBuilder out = new StringBuilder();
    out.append("\ndurapay devstack is up (").append(settings.publishingMode()).append(" mode, workers ")
        .append(String.join(",", settings.workers())).append(", route ").append(settings.route()).append(")\n");
    parts.forEach((name, value) ->
        out.append("  ").append(name).append(" ".repeat(width - name.length())).append(value).append('\n'));
    String json = stack.description().get("dataDir") + "/devstack.json";
    out.append("merchants' API keys, the webhook secret and the console's operator password: ").append(json)
        .append("\n\n");
    out.append("Try:\n");
    out.append("  KEY=$(jq -r .demoMerchant.apiKey ").append(json).append(")\n");
    out.append("  curl -s ").append(stack.apiUrl()).append("/v1/payments -H \"Authorization: Bearer $KEY\"")
        .append(" -H \"Idempotency-Key: $(od -An -N8 -tx1 /dev/urandom | tr -d ' \\n')\"")
        .append(" -H 'Content-Type: application/json'")
        .append(" -d '{\"amount\":1999,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_visa\"}'\n");
    out.append("Test tokens: pm_card_visa, pm_card_chargeDeclined, pm_card_insufficientFunds, pm_card_flaky,")
        .append(" pm_card_slow. Stop with Ctrl-C.\n");
    out.append("Blue/green: ci/rollout --devstack ").append(stack.description().get("control"))
        .append(" (docs/ROLLOUT.md)\n");
    return out.toString();
  }
}
