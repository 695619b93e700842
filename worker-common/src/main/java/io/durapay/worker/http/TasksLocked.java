package io.durapay.worker.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The worker's admin port keeps health, metrics and Prometheus open for probes, and runs no task
 * for anyone: the worker has no operator accounts (the API's admin side does), so Dropwizard's own
 * {@code /tasks/gc} and {@code /tasks/log-level} (which could turn on logging that writes request
 * headers) answer 401 and do nothing.
 */
public final class TasksLocked implements Filter {
  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException {
    HttpServletResponse http = (HttpServletResponse) response;
    http.setStatus(401);
    http.setContentType("text/plain;charset=utf-8");
    http.getWriter().println("Tasks are not run on a worker; operators act through the API's admin side.");
  }
}
