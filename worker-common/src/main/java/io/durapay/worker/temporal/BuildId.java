package io.durapay.worker.temporal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The build id of a worker build, as its jar was built: {@code <artifact>-<version>-<commit>}, so
 * that v1 and v2 built from one commit still differ, and a rebuild from another commit is another
 * version. Maven writes it into {@code build.properties} beside the build's workflow class.
 */
public final class BuildId {
  private BuildId() {}

  /** The id written next to {@code workflowClass}; an error when the jar has none. */
  public static String of(Class<?> workflowClass) {
    try (InputStream in = workflowClass.getResourceAsStream("build.properties")) {
      if (in == null) {
        throw new IllegalStateException("no build.properties beside " + workflowClass.getName()
            + ": the worker build must write one (see worker-v1/pom.xml)");
      }
      Properties properties = new Properties();
      properties.load(in);
      String id = properties.getProperty("build.id", "");
      if (id.isBlank() || id.contains("${")) {
        throw new IllegalStateException("build.properties of " + workflowClass.getName()
            + " has no build id (was it filtered by Maven?): " + id);
      }
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
