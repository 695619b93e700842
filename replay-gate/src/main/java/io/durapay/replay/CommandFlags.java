package io.durapay.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code --flag value} command lines of {@code ci/replay-gate} and {@code ci/rollout}, read by
 * picocli: each flag given and its value. What picocli refuses is said in the commands' own words
 * (a flag it does not know, one without its value, one given twice).
 */
public final class CommandFlags {
  private CommandFlags() {}

  /** Bad arguments: the message names the flag. */
  public static final class BadFlagsException extends Exception {
    private static final long serialVersionUID = 1L;

    BadFlagsException(String message) {
      super(message);
    }
  }

  /** What a command line said: each flag given with its value ({@code "true"} for a switch), and its words. */
  public record Read(Map<String, String> values, List<String> words) {}

  /** {@code flags} may each be given once with a value; {@code hidden} ones are left out of help. */
  public static Map<String, String> read(String[] args, List<String> flags, List<String> hidden)
      throws BadFlagsException {
    return read(args, flags, List.of(), hidden, false).values();
  }

  /**
   * As {@link #read(String[], List, List)}, with {@code switches} that take no value, and words
   * that are not flags (a command's name, say) when {@code words} allows them.
   */
  public static Read read(String[] args, List<String> flags, List<String> switches, List<String> hidden,
      boolean words) throws BadFlagsException {
    CommandSpec spec = CommandSpec.create();
    for (String flag : flags) {
      spec.addOption(OptionSpec.builder(flag).arity("1").type(String.class).hidden(hidden.contains(flag)).build());
    }
    for (String flag : switches) {
      spec.addOption(OptionSpec.builder(flag).arity("0").type(boolean.class).hidden(hidden.contains(flag)).build());
    }
    if (words) {
      spec.addPositional(PositionalParamSpec.builder().arity("0..*").type(List.class)
          .auxiliaryTypes(String.class).build());
    }
    ParseResult parsed;
    try {
      parsed = new CommandLine(spec).setOverwrittenOptionsAllowed(false)
          // A value is taken as written: "@file" is not replaced by the file (a password may start with @).
          .setExpandAtFiles(false).parseArgs(args);
    } catch (UnmatchedArgumentException e) {
      throw new BadFlagsException("unknown argument: " + e.getUnmatched().get(0));
    } catch (MissingParameterException e) {
      throw new BadFlagsException(((OptionSpec) e.getMissing().get(0)).longestName() + " needs a value");
    } catch (OverwrittenOptionException e) {
      throw new BadFlagsException(((OptionSpec) e.getOverwritten()).longestName() + " is given twice");
    } catch (ParameterException e) {
      throw new BadFlagsException(e.getMessage());
    }
    Map<String, String> values = new HashMap<>();
    parsed.matchedOptions().forEach(option -> values.put(option.longestName(), String.valueOf((Object) option.getValue())));
    List<String> given = parsed.matchedPositionals().isEmpty() ? List.of() : parsed.matchedPositionals().get(0).getValue();
    return new Read(values, given);
  }
}
