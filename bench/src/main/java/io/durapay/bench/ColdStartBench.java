package io.durapay.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * The bridge handler's cold start: a fresh JVM per sample running {@link ColdStartProbe} against a
 * port-bound test server, with the Lambda deployment jar ({@code lambda-bridge/target/lambda-bridge.jar})
 * as class path and the template's logging. Variants: the JVM as is, C1 only, and an AppCDS archive
 * (dynamic class-data sharing, made by one training run), the local analogue of SnapStart.
 */
final class ColdStartBench {
  private ColdStartBench() {}

  static void run(Options options) throws Exception {
    int samples = options.integer("samples", 5);
    Path lambdaJar = Path.of(options.text("lambdaJar", "lambda-bridge/target/lambda-bridge.jar"));
    Path benchJar = probeJar(Path.of("bench/target/coldstart-probe.jar"));
    Path archive = Path.of("bench/target/bridge-cds.jsa");
    String classPath = lambdaJar + ":" + benchJar;
    try (TemporalServer temporal = TemporalServer.of(options)) {
      Files.deleteIfExists(archive);
      probe(List.of("-XX:ArchiveClassesAtExit=" + archive), classPath, temporal.target(), "train");
      System.out.printf("bridge cold start: construction to first response of a 1-message batch, fresh JVM each, %d samples%n",
          samples);
      System.out.println("  variant                          construct->response ms (median, min)   JVM start->response ms (median)");
      variant("default", List.of(), classPath, temporal.target(), samples);
      variant("C1 only (TieredStopAtLevel=1)", List.of("-XX:TieredStopAtLevel=1"), classPath, temporal.target(), samples);
      variant("AppCDS", List.of("-XX:SharedArchiveFile=" + archive), classPath, temporal.target(), samples);
      variant("AppCDS + C1 only", List.of("-XX:SharedArchiveFile=" + archive, "-XX:TieredStopAtLevel=1"),
          classPath, temporal.target(), samples);
    }
  }

  /** The probe and what it uses, alone in a jar: AppCDS archives classes from jars only. */
  private static Path probeJar(Path jar) throws Exception {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      for (Class<?> type : List.of(ColdStartProbe.class, SqsBatches.class)) {
        String entry = type.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
    return jar;
  }

  private static void variant(String name, List<String> flags, String classPath, String target, int samples)
      throws Exception {
    List<Long> construct = new ArrayList<>();
    List<Long> total = new ArrayList<>();
    for (int i = 0; i < samples; i++) {
      long[] r = probe(flags, classPath, target, name.replaceAll("\\W", "") + i);
      construct.add(r[0]);
      total.add(r[1]);
    }
    construct.sort(null);
    total.sort(null);
    System.out.printf("  %-32s %6d, %6d                            %6d%n",
        name, construct.get(samples / 2), construct.get(0), total.get(samples / 2));
  }

  private static long[] probe(List<String> flags, String classPath, String target, String run) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dlogback.configurationFile=lambda-logback.xml");
    command.addAll(flags);
    command.addAll(List.of("-cp", classPath, ColdStartProbe.class.getName(), target,
        run + "_" + System.nanoTime()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String result = null;
    StringBuilder output = new StringBuilder();
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        output.append(line).append('\n');
        if (line.startsWith("COLDSTART ")) {
          result = line;
        }
      }
    }
    if (process.waitFor() != 0 || result == null || result.contains("failed")) {
      throw new IllegalStateException("cold-start probe failed:\n" + output);
    }
    String[] parts = result.split(" ");
    return new long[] {Long.parseLong(parts[1]), Long.parseLong(parts[2])};
  }
}
