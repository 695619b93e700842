package io.durapay.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** {@code key=value} arguments with defaults; lists are comma-separated. */
public record Options(Map<String, String> values) {

  public static Options parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
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
