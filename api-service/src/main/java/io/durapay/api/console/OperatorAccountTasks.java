package io.durapay.api.console;

import io.dropwizard.core.setup.Environment;
import io.durapay.api.admin.AdminBodyTask;
import io.durapay.api.admin.AdminTask;
import io.durapay.store.OperatorDao;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Operator accounts added and removed by an operator, beside those in configuration:
 *
 * <pre>
 *   POST /tasks/add-operator?name=NAME      body: the new operator's password hash, made by them
 *                                           with {@code hash-operator-password}
 *   POST /tasks/remove-operator?name=NAME   also ends the operator's console sessions
 * </pre>
 *
 * The body carries the hash, so no password crosses the wire and nothing secret reaches a query
 * string, an access log or the audit. Who added or removed an account is kept with it, and the
 * call is audited like every task. Configured accounts change only with the configuration.
 */
public final class OperatorAccountTasks {
  private OperatorAccountTasks() {}

  public static void register(Environment environment, Operators operators, OperatorDao accounts) {
    environment.admin().addTask(new AddOperator(operators, accounts));
    environment.admin().addTask(new RemoveOperator(operators, accounts));
  }

  static final class AddOperator extends AdminBodyTask {
    private final Operators operators;
    private final OperatorDao accounts;

    AddOperator(Operators operators, OperatorDao accounts) {
      super("add-operator");
      this.operators = operators;
      this.accounts = accounts;
    }

    @Override
    protected void run(Map<String, List<String>> parameters, String body, PrintWriter output) {
      String name = AdminTask.required(parameters, "name");
      Operators.checkName(name);
      String hash = body == null ? "" : body.strip();
      if (hash.isEmpty()) {
        // A form body (curl --data-binary sends one unless told otherwise) reaches a task as parameters.
        throw new IllegalArgumentException(
            "send the new operator's password hash as the request body, with Content-Type: text/plain");
      }
      OperatorPasswords.parse(hash); // refuses anything but a well-made hash, without repeating it
      if (operators.isConfigured(name) || !accounts.addAccount(name, hash, OperatorAuthFilter.currentOperator())) {
        throw new IllegalArgumentException("an operator named " + name + " exists already: nothing changed");
      }
      output.println("added operator " + name);
    }
  }

  static final class RemoveOperator extends AdminTask {
    private final Operators operators;
    private final OperatorDao accounts;

    RemoveOperator(Operators operators, OperatorDao accounts) {
      super("remove-operator");
      this.operators = operators;
      this.accounts = accounts;
    }

    @Override
    protected void run(Map<String, List<String>> parameters, PrintWriter output) {
      String name = AdminTask.required(parameters, "name");
      if (operators.isConfigured(name)) {
        throw new IllegalArgumentException(
            "the operator " + name + " is configured (console.operators): remove it there");
      }
      if (!accounts.removeAccount(name, OperatorAuthFilter.currentOperator())) {
        throw new IllegalArgumentException("no operator named " + name + " was added by task: nothing changed");
      }
      int sessions = accounts.deleteSessionsOf(name);
      output.println("removed operator " + name + " (" + sessions + " console session(s) ended)");
    }
  }
}
