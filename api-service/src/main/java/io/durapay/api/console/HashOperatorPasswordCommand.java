package io.durapay.api.console;

import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code hash-operator-password}: reads a password from standard input (its first line) and prints
 * the hash to put in {@code console.operators[].passwordHash}. The password is never an argument,
 * so it stays out of the shell's history and the process list.
 */
public final class HashOperatorPasswordCommand extends Command {
  private static final int MIN_LENGTH = 12;
  private final InputStream in;
  private final PrintStream out;

  public HashOperatorPasswordCommand() {
    this(System.in, System.out);
  }

  HashOperatorPasswordCommand(InputStream in, PrintStream out) {
    super("hash-operator-password", "Reads an operator's password on standard input, prints its hash");
    this.in = in;
    this.out = out;
  }

  @Override
  public void configure(Subparser subparser) {}

  @Override
  public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
    String password = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
    if (password == null || password.length() < MIN_LENGTH) {
      throw new IllegalArgumentException("an operator's password must be at least " + MIN_LENGTH + " characters");
    }
    out.println(OperatorPasswords.hash(password));
  }
}
