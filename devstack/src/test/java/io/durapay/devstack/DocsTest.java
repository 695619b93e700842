package io.durapay.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The repository's documents say what its code and configuration do, and lead nowhere outside it. */
class DocsTest {
  /** Tests run in the module's folder; the documents live from the repository's top. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void noDocumentPointsOutsideTheRepository() throws IOException {
    List<Path> documents;
    try (Stream<Path> files = Files.walk(ROOT)) {
      documents = files.filter(p -> p.toString().endsWith(".md"))
          .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.tools/")
              && !p.toString().contains("/node_modules/"))
          .toList();
    }
    assertThat(documents).isNotEmpty();
    for (Path document : documents) {
      assertThat(Files.readString(document)).as(ROOT.relativize(document).toString())
          .doesNotContain("../shared/").doesNotContain("](../../");
    }
  }

  @Test
  void theReadmeNamesEachWorkerBuildsDefaultAdminPort() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String row = readme.lines().filter(line -> line.startsWith("| `WORKER_ADMIN_BIND_HOST`"))
        .findFirst().orElseThrow();
    for (String build : List.of("worker-v1", "worker-v2")) {
      Matcher port = Pattern.compile("port: \\$\\{WORKER_ADMIN_PORT:-(\\d+)}")
          .matcher(Files.readString(ROOT.resolve(build).resolve("config.yml")));
      assertThat(port.find()).as(build + "/config.yml names its admin port").isTrue();
      assertThat(row).as(build + "'s admin port in the README").contains(port.group(1));
    }
  }
}
