package io.durapay.api.admin;

import io.dropwizard.servlets.tasks.PostBodyTask;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * An {@link AdminTask} that also reads the request's body: for what must never be in a query string
 * (which access logs and the audit keep), such as a password's hash.
 */
public abstract class AdminBodyTask extends PostBodyTask {

  protected AdminBodyTask(String name) {
    super(name);
  }

  /** Does the work; an {@link IllegalArgumentException} means the caller's input was bad (400). */
  protected abstract void run(Map<String, List<String>> parameters, String body, PrintWriter output);

  @Override
  public final void execute(Map<String, List<String>> parameters, String body, PrintWriter output) {
    AdminTask.answering400(output, () -> run(parameters, body, output));
  }
}
