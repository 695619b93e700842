package io.durapay.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/** {@code key=value} arguments (read by picocli) with defaults; lists are comma-separated. */
public record Options(Map<String, String> values) {

  public static Options parse(String[] args) {
    CommandSpec spec = CommandSpec.create();
    spec.addPositional(PositionalParamSpec.builder().arity("0..*").type(Map.class)
        .auxiliaryTypes(String.class, String.class).paramLabel("key=value").build());
    Map<String, String> values = new LinkedHashMap<>();
    try {
      new CommandLine(spec).setExpandAtFiles(false).parseArgs(args).matchedPositionals()
          .forEach(positional -> values.putAll(positional.<Map<String, String>>getValue()));
    } catch (ParameterException e) {
      throw new IllegalArgumentException("expected key=value arguments: " + e.getMessage(), e);
    }
    return new Options(values);
  }

  public int integer(String key, int fallback) {
    String value = values.get(key);
    return value == null ? fallback : Integer.parseInt(value);
  }

  public String text(String key, String fallback) {
    return values.getOrDefault(key, fallback);
  }

  public List<Integer> integers(String key, String fallback) {
    return Stream.of(text(key, fallback).split(",")).map(String::trim).map(Integer::parseInt).toList();
  }
}
