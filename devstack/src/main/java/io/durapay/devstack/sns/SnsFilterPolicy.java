package io.durapay.devstack.sns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * A subscription filter policy on message attributes, limited to exact string matching: {@code
 * {"eventType":["payment.initiated","payment.completed"]}}. Every key must be present with one of
 * its listed values. Anything richer (numbers, prefix, anything-but, exists) is refused at Subscribe
 * rather than silently matched differently from SNS.
 */
record SnsFilterPolicy(Map<String, Set<String>> allowedValues) {
  static final SnsFilterPolicy NONE = new SnsFilterPolicy(Map.of());

  SnsFilterPolicy {
    allowedValues = Map.copyOf(allowedValues);
  }

  static SnsFilterPolicy parse(String json, ObjectMapper mapper) {
    JsonNode policy;
    try {
      policy = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw SnsApiException.invalidParameter("FilterPolicy: not valid JSON");
    }
    if (policy == null || !policy.isObject()) {
      throw SnsApiException.invalidParameter("FilterPolicy: must be a JSON object");
    }
    Map<String, Set<String>> allowed = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> field : policy.properties()) {
      Set<String> values = new LinkedHashSet<>();
      if (field.getValue().isArray()) {
        field.getValue().forEach(value -> values.add(value.isTextual() ? value.textValue() : null));
      }
      if (values.isEmpty() || values.contains(null)) {
        throw SnsApiException.invalidParameter(
            "FilterPolicy: the emulator supports only lists of exact string values, not "
                + field.getValue());
      }
      allowed.put(field.getKey(), values);
    }
    return new SnsFilterPolicy(allowed);
  }

  /** Only String attributes are compared, as SNS does not match a string value to a Number. */
  boolean matches(Map<String, SnsMessageAttribute> attributes) {
    return allowedValues.entrySet().stream()
        .allMatch(
            allowed -> {
              SnsMessageAttribute attribute = attributes.get(allowed.getKey());
              return attribute != null
                  && attribute.dataType().equals("String")
                  && allowed.getValue().contains(attribute.value());
            });
  }
}
