package io.durapay.devstack;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One of durapay's services in a JVM of its own, from the devstack's jar: something a test can
 * {@code kill -9}. Its console goes to a file the test can read.
 */
final class JavaProcess implements AutoCloseable {
  private static final Path JAR = Path.of("target", "devstack.jar");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Process process;
  private final Path console;

  private JavaProcess(Process process, Path console) {
    this.process = process;
    this.console = console;
  }

  /** Runs {@code mainClass} with {@code args} from the devstack jar (built by {@code package}). */
  static JavaProcess start(String mainClass, List<String> args, Path console) throws IOException {
    return start(List.of("-Xmx384m"), mainClass, args, console);
  }

  static JavaProcess start(List<String> jvmOptions, String mainClass, List<String> args, Path console)
      throws IOException {
    if (!Files.isReadable(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the package phase first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java));
    // As the test JVMs (see the root pom's argLine): these processes live for one test.
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", JAR.toString(), mainClass));
    command.addAll(args);
    Process process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(console.toFile())
        .start();
    return new JavaProcess(process, console);
  }

  /** Waits until {@code url} answers 2xx, or fails with the process's console. */
  JavaProcess awaitHttpOk(String url, Duration timeout) throws IOException {
    try {
      await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
        if (!process.isAlive()) {
          throw new IllegalStateException("the process ended with " + process.exitValue() + ":\n" + console());
        }
        return answersOk(url);
      });
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(url + " did not answer within " + timeout + ":\n" + console(), e);
    }
    return this;
  }

  private static boolean answersOk(String url) throws InterruptedException {
    try {
      HttpResponse<Void> response = HTTP.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.discarding());
      return response.statusCode() / 100 == 2;
    } catch (IOException notYet) {
      return false;
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no graceful stop, sockets closed by the kernel. */
  int kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    return process.exitValue();
  }

  /** SIGTERM, as Ctrl-C or a platform's stop: shutdown hooks run. Returns the exit status. */
  int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return kill9();
    }
    return process.exitValue();
  }

  String console() throws IOException {
    return Files.readString(console);
  }

  /** Stops it if still running: SIGTERM first, so its own children (a PostgreSQL) stop too. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      stop(Duration.ofSeconds(30));
    }
  }
}
