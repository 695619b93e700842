package io.durapay.devstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code DIR/devstack.json} (and the banner) says of a running stack: where each part
 * listens, the demo merchants' credentials, the workers that run.
 */
final class StackDescription {
  private final Path file;
  private final Map<String, Object> entries = new LinkedHashMap<>();

  StackDescription(Path file) {
    this.file = file;
  }

  void put(String name, Object value) {
    entries.put(name, value);
  }

  void remove(String name) {
    entries.remove(name);
  }

  /** The entries in the order they were put; live, as the stack changes. */
  Map<String, Object> entries() {
    return entries;
  }

  void write() throws IOException {
    Files.writeString(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(entries));
  }

  /** A map of the key-value pairs in the order given (the banner lists them so). */
  static Map<String, String> inOrder(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
