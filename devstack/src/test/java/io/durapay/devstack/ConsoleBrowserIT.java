package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.durapay.apiclient.ApiClient;
import io.durapay.contracts.PaymentStatus;
import io.durapay.store.OperatorAction;
import io.durapay.store.OperatorDao;
import io.durapay.store.PaymentDao;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real browser (Debian's Chromium, headless, through its ChromeDriver)
 * on the whole devstack: an operator is refused with a wrong password, logs in, finds a payment
 * made through the API, opens it and sees its timeline and webhook, and cancels another that is
 * still charging. The pages it passes through are saved as screenshots under target/console/
 * (the README's pictures are these).
 */
class ConsoleBrowserIT {
  private static final Path SCREENSHOTS = Path.of("target", "console");
  private static Stack stack;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    stack = Stack.start(StackSettings.anyFreePorts(Files.createTempDirectory("durapay-console-it")).withTemporalUi());
    ChromeOptions options = new ChromeOptions()
        .setBinary(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"))
        .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver")).toFile())
        .usingAnyFreePort()
        .build();
    browser = new ChromeDriver(service, options);
    browser.manage().window().setSize(new Dimension(1280, 1000));
    Files.createDirectories(SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void anOperatorFindsAPaymentSeesItsStoryAndCancelsAnother() throws Exception {
    String completed = createPayment("pm_card_visa", 4200);
    await().atMost(Duration.ofSeconds(60)).until(() -> status(completed) == PaymentStatus.COMPLETED
        && !stack.webhooks().deliveriesFor(completed).isEmpty());
    stack.gateway().holdCharges();
    String charging = createPayment("pm_card_visa", 1999);
    await().atMost(Duration.ofSeconds(60)).until(() -> stack.gateway().heldPayments().contains(charging));

    String console = stack.adminUrl() + "/console";
    browser.get(console + "/payments");
    assertThat(browser.getCurrentUrl()).as("the console sends a stranger to its login form").endsWith("/console/login");
    logIn("operator", "not the password");
    assertThat(browser.findElement(By.id("error")).getText()).isEqualTo("Wrong operator name or password.");
    assertThat(browser.findElements(By.id("operator"))).isEmpty();

    logIn(stack.operator().name(), stack.operator().password());
    assertThat(browser.findElement(By.id("operator")).getText()).isEqualTo(stack.operator().name());
    assertThat(browser.findElement(By.id("payments")).getText()).contains(completed, charging);
    screenshot("console-payments.png");

    browser.findElement(By.name("id")).sendKeys(completed);
    submit(By.id("find"));
    assertThat(browser.findElements(By.cssSelector("#payments tbody tr"))).hasSize(1);
    submit(By.linkText(completed));

    assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("completed");
    assertThat(browser.findElement(By.id("execution")).getText()).isEqualTo("completed");
    String activities = browser.findElement(By.id("activities")).getText();
    assertThat(activities).contains("ProcessPaymentWithGateway", "SendWebhookNotification", "completed");
    assertThat(browser.findElements(By.cssSelector("#activities td.worker")))
        .as("each step names the build that ran it").isNotEmpty()
        .allSatisfy(cell -> assertThat(cell.getText()).startsWith("v1/"));
    String webhooks = browser.findElement(By.id("webhooks")).getText();
    assertThat(webhooks).contains("payment.completed", "delivered", "204",
        stack.webhooks().deliveriesFor(completed).get(0).webhookId());
    assertThat(browser.findElement(By.id("history")).getText()).contains("processing", "completed", "v1");
    assertThat(browser.findElement(By.id("temporal-ui")).getAttribute("href"))
        .startsWith(String.valueOf(stack.description().get("temporalUi"))).contains(completed);
    assertThat(browser.getPageSource()).doesNotContain(stack.demoMerchant().apiKey(), stack.demoMerchant().webhookSecret());
    // The merchant lost the webhook: the operator re-delivers it, under the same webhook-id.
    String webhookId = stack.webhooks().deliveriesFor(completed).get(0).webhookId();
    submit(By.cssSelector("#webhook-events button.redeliver"));
    assertThat(browser.findElement(By.id("notice")).getText()).startsWith("The webhook is queued for re-delivery");
    await().atMost(Duration.ofSeconds(30)).until(() -> stack.webhooks().deliveriesFor(completed).size() == 2);
    assertThat(stack.webhooks().deliveriesFor(completed)).extracting(d -> d.webhookId()).containsOnly(webhookId);
    assertThat(stack.webhooks().deliveriesFor(completed)).allMatch(d -> d.verified(), "signed with the merchant's secret");
    browser.navigate().refresh();
    assertThat(browser.findElement(By.id("webhook-events")).getText()).contains("delivered at");
    browser.manage().window().setSize(new Dimension(1280, 2000));
    screenshot("console-payment.png");
    browser.manage().window().setSize(new Dimension(1280, 1000));

    browser.get(console + "/payments/" + charging);
    assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("processing");
    submit(By.id("cancel"));
    assertThat(browser.findElement(By.id("notice")).getText()).startsWith("Cancel requested");
    stack.gateway().releaseAll();
    await().atMost(Duration.ofSeconds(60)).until(() -> status(charging) == PaymentStatus.CANCELLED);
    browser.navigate().refresh();
    assertThat(browser.findElement(By.id("status")).getText()).isEqualTo("cancelled");
    assertThat(browser.findElements(By.id("cancel"))).as("no cancel button on a final payment").isEmpty();
    assertThat(browser.findElement(By.id("actions")).getText()).contains(stack.operator().name(), "cancel requested");
    List<OperatorAction> audit = stack.jdbi().onDemand(OperatorDao.class).actionsOn(charging);
    assertThat(audit).extracting(OperatorAction::operator, OperatorAction::action, OperatorAction::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(stack.operator().name(), "cancel", "cancel requested"));
    screenshot("console-cancelled.png");

    // A message the bridge gave up on waits in the dead-letter queue; the operator redrives it.
    stack.sqs().sendMessage(r -> r.queueUrl(stack.dlqUrl()).messageBody("{\"note\":\"not a durapay event\"}"));
    browser.get(console + "/health");
    assertThat(browser.findElement(By.id("by-status")).getText()).contains("completed", "cancelled");
    assertThat(browser.findElement(By.id("dlq-depth")).getText()).isEqualTo("1");
    screenshot("console-health.png");
    submit(By.id("redrive"));
    assertThat(browser.findElement(By.id("notice")).getText()).startsWith("The dead-letter queue's messages are back");
    assertThat(browser.findElement(By.id("dlq-depth")).getText()).isEqualTo("0");
    assertThat(browser.findElement(By.id("recent-actions")).getText()).contains("redrive dead letters", "moved 1");
    browser.get(console + "/rollouts");
    assertThat(browser.findElement(By.id("route")).getText()).isEqualTo("payment-processing-v1");
    assertThat(browser.findElement(By.id("in-flight")).getText()).doesNotContain(charging);
    screenshot("console-rollouts.png");
  }

  private static void logIn(String name, String password) {
    browser.findElement(By.id("name")).sendKeys(name);
    browser.findElement(By.id("password")).sendKeys(password);
    submit(By.id("login"));
  }

  /**
   * Clicks what submits a form or follows a link, and waits until the next page replaced this one
   * (a click returns before the browser has navigated).
   */
  private static void submit(By target) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(target).click();
    new WebDriverWait(browser, Duration.ofSeconds(30)).until(driver -> replaced(page));
  }

  /**
   * Whether the old page's root is gone. Asked while the old document is being torn down,
   * ChromeDriver sometimes answers "Node with given id does not belong to the document" instead of
   * "stale element reference" (seen once in CI): it means the same, so both count as replaced.
   */
  private static boolean replaced(WebElement oldRoot) {
    try {
      oldRoot.isEnabled();
      return false;
    } catch (StaleElementReferenceException gone) {
      return true;
    } catch (WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  private static void screenshot(String name) throws Exception {
    Path shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  private static PaymentStatus status(String paymentId) {
    return stack.jdbi().onDemand(PaymentDao.class).findById(paymentId).orElseThrow().status();
  }

  private static String createPayment(String token, long amount) {
    ApiClient.Reply reply = new ApiClient(stack::apiUrl).request("POST", "/v1/payments")
        .bearer(stack.demoMerchant().apiKey())
        .header("Idempotency-Key", UUID.randomUUID().toString())
        .json("{\"amount\":" + amount + ",\"currency\":\"EUR\",\"paymentMethod\":\"" + token + "\"}")
        .send();
    assertThat(reply.status()).as(reply.body()).isEqualTo(201);
    return reply.json().get("id").asText();
  }
}
