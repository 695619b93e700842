package io.durapay.devstack;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the components' logs go. Run from the command line ({@code up}, {@code demo}, {@code
 * load}), the devstack keeps its console for what a person acts on (the banner, the demo's table,
 * errors) and writes every component's log (PostgreSQL's migrations, Dropwizard's route tables,
 * the workers, the SDKs) to {@value #FILE} under {@code --data}, named in the banner. Embedded in a
 * test, everything also goes to the console, where the test report keeps it.
 */
final class ConsoleLogs {
  /** The log file, relative to the data directory. */
  static final String FILE = "logs/devstack.log";

  /** Like the services' own (devstack-*.yml). */
  private static final String PATTERN = "%-5level [%d{ISO8601,UTC}] %logger{1}: %msg%n";

  private static volatile String consoleThreshold = "ALL";

  private ConsoleLogs() {}

  /**
   * From now on the console shows errors only and the file gets everything; the services started
   * afterwards do the same ({@link #consoleThreshold()} goes into their configuration).
   */
  static void toFile(Path dataDir) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> appenders = root.iteratorForAppenders(); appenders.hasNext(); ) {
      Appender<ILoggingEvent> console = appenders.next();
      ThresholdFilter errorsOnly = new ThresholdFilter();
      errorsOnly.setLevel("ERROR");
      errorsOnly.start();
      console.addFilter(errorsOnly);
    }
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    FileAppender<ILoggingEvent> file = new FileAppender<>();
    file.setContext(context);
    file.setName("FILE");
    file.setFile(dataDir.resolve(FILE).toString());
    file.setEncoder(encoder);
    file.start();
    root.addAppender(file);
    consoleThreshold = "ERROR";
  }

  /** The console threshold of the services' log configuration: ALL, or ERROR after {@link #toFile}. */
  static String consoleThreshold() {
    return consoleThreshold;
  }
}
