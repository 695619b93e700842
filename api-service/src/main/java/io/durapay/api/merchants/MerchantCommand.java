package io.durapay.api.merchants;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.durapay.api.DurapayConfiguration;
import io.durapay.store.MerchantDao;
import io.durapay.store.Store;
import java.io.PrintStream;
import java.time.Clock;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code merchant <create|rotate-key|rotate-webhook-secret> config.yml [options]}: onboards a
 * merchant or rotates its credentials against the configured database (migrated first), and
 * prints the new credentials, the only time they are shown.
 */
public final class MerchantCommand extends ConfiguredCommand<DurapayConfiguration> {
  private final PrintStream out;

  public MerchantCommand() {
    this(System.out);
  }

  MerchantCommand(PrintStream out) {
    super("merchant", "Creates a merchant, or rotates its API key or webhook secret");
    this.out = out;
  }

  @Override
  public void configure(Subparser subparser) {
    // Added before the config file, so the action reads like a subcommand: merchant create x.yml
    subparser
        .addArgument("action")
        .choices("create", "rotate-key", "rotate-webhook-secret")
        .help("what to do");
    super.configure(subparser);
    subparser.addArgument("--name").metavar("NAME").help("the merchant's name (create)");
    subparser
        .addArgument("--webhook-url")
        .dest("webhookUrl")
        .metavar("URL")
        .help("where webhooks go, an http(s) URL (create)");
    subparser
        .addArgument("--max-amount")
        .dest("maxAmount")
        .metavar("AMOUNT")
        .type(Long.class)
        .help("largest payment allowed, in minor units (create)");
    subparser
        .addArgument("--merchant-id")
        .dest("merchantId")
        .metavar("ID")
        .help("the merchant whose credential to rotate (rotate-key, rotate-webhook-secret)");
    subparser
        .addArgument("--at-once")
        .dest("atOnce")
        .action(Arguments.storeTrue())
        .help("the old webhook secret stops signing now, for one that leaked (rotate-webhook-secret;"
            + " otherwise it signs beside the new one for webhookSecretOverlap)");
  }

  @Override
  protected void run(
      Bootstrap<DurapayConfiguration> bootstrap,
      Namespace namespace,
      DurapayConfiguration configuration)
      throws Exception {
    ManagedDataSource dataSource =
        configuration.getDatabase().build(bootstrap.getMetricRegistry(), "merchant-cli");
    try {
      Store.migrate(dataSource);
      MerchantDao merchants = Store.jdbi(dataSource).onDemand(MerchantDao.class);
      run(new MerchantOnboarding(merchants, Clock.systemUTC(),
          configuration.getWebhookSecretOverlap().toJavaDuration()), namespace);
    } finally {
      dataSource.stop();
    }
  }

  private void run(MerchantOnboarding onboarding, Namespace namespace) {
    switch (namespace.getString("action")) {
      case "create" -> {
        NewMerchantCredentials credentials =
            onboarding.create(
                required(namespace, "name", "--name"),
                namespace.getString("webhookUrl"),
                namespace.getLong("maxAmount"));
        out.println("merchantId: " + credentials.merchantId());
        out.println("apiKey: " + credentials.apiKey());
        out.println("webhookSecret: " + credentials.webhookSecret());
      }
      case "rotate-key" -> {
        String merchantId = required(namespace, "merchantId", "--merchant-id");
        String apiKey = onboarding.rotateApiKey(merchantId);
        out.println("merchantId: " + merchantId);
        out.println("apiKey: " + apiKey);
      }
      case "rotate-webhook-secret" -> {
        String merchantId = required(namespace, "merchantId", "--merchant-id");
        out.println("merchantId: " + merchantId);
        if (Boolean.TRUE.equals(namespace.getBoolean("atOnce"))) {
          out.println("webhookSecret: " + onboarding.replaceWebhookSecret(merchantId));
        } else {
          MerchantOnboarding.SecretRotation rotation = onboarding.rotateWebhookSecret(merchantId);
          out.println("webhookSecret: " + rotation.secret());
          out.println("previousWebhookSecretSignsUntil: " + rotation.previousSignsUntil());
        }
      }
      default -> throw new IllegalArgumentException("unknown action " + namespace.get("action"));
    }
    out.println(NewMerchantCredentials.SHOWN_ONCE);
  }

  private static String required(Namespace namespace, String dest, String option) {
    String value = namespace.getString(dest);
    if (value == null) {
      throw new IllegalArgumentException(
          option + " is required for " + namespace.getString("action"));
    }
    return value;
  }

  /** Bad input is the operator's to fix: say what was wrong, without a stack trace. */
  @Override
  public void onError(Cli cli, Namespace namespace, Throwable e) {
    if (e instanceof IllegalArgumentException) {
      cli.getStdErr().println("error: " + e.getMessage());
    } else {
      super.onError(cli, namespace, e);
    }
  }
}
