package io.durapay.api.errors;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON in which {@code <}, {@code >} and {@code &} are written as {@code \u003C}, {@code \u003E}
 * and {@code \u0026}. Answers quote what a request sent (a description, an unknown currency);
 * escaped, that text cannot become markup in a page that shows the answer, and the JSON is the
 * same to every parser.
 */
public final class HtmlSafeJson extends CharacterEscapes {
  private final int[] escapes;

  private HtmlSafeJson() {
    escapes = standardAsciiEscapesForJSON();
    for (char c : new char[] {'<', '>', '&'}) {
      escapes[c] = ESCAPE_STANDARD;
    }
  }

  /** Makes {@code mapper} write HTML-safe JSON; returns it. */
  public static ObjectMapper configure(ObjectMapper mapper) {
    mapper.getFactory().setCharacterEscapes(new HtmlSafeJson());
    return mapper;
  }

  @Override
  public int[] getEscapeCodesForAscii() {
    return escapes;
  }

  @Override
  public SerializableString getEscapeSequence(int ch) {
    return null;
  }
}
