package io.durapay.api.admin;

import io.dropwizard.core.setup.AdminEnvironment;
import io.dropwizard.servlets.tasks.Task;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * An admin task that answers a bad parameter with 400 and an {@code error: …} line.
 *
 * <p>Dropwizard's TaskServlet answers 500 to any exception a task throws, and never hands the task
 * the response. So the status travels through the writer: {@link StatusFilter}, mapped in front of
 * {@code /tasks/*}, gives the servlet a response whose writer is a {@link StatusWriter}; a task
 * that catches bad input sets 400 on it and returns normally, so the servlet keeps that status.
 */
public abstract class AdminTask extends Task {
  private static final int BAD_REQUEST = 400;

  /** Maps {@link StatusFilter} in front of {@code /tasks/*}: a task may then answer 400. */
  public static void registerStatusFilter(AdminEnvironment admin) {
    admin.addFilter("admin-task-status", new StatusFilter())
        .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/tasks/*");
  }

  protected AdminTask(String name) {
    super(name);
  }

  /** Does the work; an {@link IllegalArgumentException} means the caller's input was bad. */
  protected abstract void run(Map<String, List<String>> parameters, PrintWriter output);

  @Override
  public final void execute(Map<String, List<String>> parameters, PrintWriter output) {
    answering400(output, () -> run(parameters, output));
  }

  /** Runs {@code work}; an {@link IllegalArgumentException} it throws becomes a 400 and its message. */
  static void answering400(PrintWriter output, Runnable work) {
    try {
      work.run();
    } catch (IllegalArgumentException e) {
      if (!(output instanceof StatusWriter statusWriter)) {
        // Without the filter a 500 carrying the message beats a 200 that hides the failure.
        throw e;
      }
      statusWriter.setStatus(BAD_REQUEST);
      output.println("error: " + e.getMessage());
    }
  }

  /** The value of a parameter given at most once; empty when it is absent. */
  public static Optional<String> optional(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " must be given only once");
    }
    return values.stream().findFirst();
  }

  public static String required(Map<String, List<String>> parameters, String name) {
    return optional(parameters, name)
        .orElseThrow(() -> new IllegalArgumentException(name + " is required"));
  }

  /** A writer that can also set the HTTP status, as long as nothing has been flushed yet. */
  public static final class StatusWriter extends PrintWriter {
    private final IntConsumer status;

    public StatusWriter(Writer out, IntConsumer status) {
      super(out);
      this.status = status;
    }

    void setStatus(int code) {
      status.accept(code);
    }
  }

  /** Gives the tasks servlet a response whose writer is a {@link StatusWriter}. */
  public static final class StatusFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
        throws IOException, ServletException {
      HttpServletResponse http = (HttpServletResponse) response;
      chain.doFilter(request, new StatusResponse(http));
    }
  }

  private static final class StatusResponse extends HttpServletResponseWrapper {
    private final HttpServletResponse response;
    private StatusWriter writer;

    StatusResponse(HttpServletResponse response) {
      super(response);
      this.response = response;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      if (writer == null) {
        writer = new StatusWriter(response.getWriter(), response::setStatus);
      }
      return writer;
    }
  }
}
