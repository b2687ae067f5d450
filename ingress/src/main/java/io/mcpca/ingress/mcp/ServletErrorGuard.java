package io.mcpca.ingress.mcp;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The last resort around the MCP servlet (the innermost filter): whatever the SDK answers with an error
 * status is answered with our own JSON-RPC error body instead of the SDK's (whose messages can carry an
 * exception's text) or the container's error page; an exception out of the servlet becomes HTTP 500 with
 * -32603 and no details. The details are logged here. {@link JsonRpcEnvelopeFilter} keeps malformed
 * messages from getting this far; this guard is for what it does not foresee.
 */
public final class ServletErrorGuard extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ServletErrorGuard.class);

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Guarded guarded = new Guarded(response);
        try {
            chain.doFilter(request, guarded);
        } catch (IOException | ServletException | RuntimeException e) {
            log.error("MCP {} failed inside the SDK; answered -32603 without details", request.getMethod(), e);
            guarded.replace(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        }
    }

    /** The JSON-RPC error that stands for an error status of the SDK's. */
    static int codeFor(int status) {
        return switch (status) {
            case HttpServletResponse.SC_NOT_FOUND -> JsonRpcErrors.REFUSED;
            case HttpServletResponse.SC_BAD_REQUEST, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                 HttpServletResponse.SC_NOT_ACCEPTABLE, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                 HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE -> JsonRpcErrors.INVALID_REQUEST;
            default -> status >= 500 ? JsonRpcErrors.INTERNAL_ERROR : JsonRpcErrors.INVALID_REQUEST;
        };
    }

    static String messageFor(int status) {
        return switch (status) {
            case HttpServletResponse.SC_NOT_FOUND -> "session not found";
            case HttpServletResponse.SC_METHOD_NOT_ALLOWED -> "method not allowed";
            case HttpServletResponse.SC_NOT_ACCEPTABLE -> "the Accept header must allow application/json and text/event-stream";
            case HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE -> "request body too large";
            case HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE -> "Content-Type must be application/json";
            case HttpServletResponse.SC_SERVICE_UNAVAILABLE -> "the server is shutting down";
            default -> status >= 500 ? "internal error"
                    : "invalid request (a request after initialize needs its session's Mcp-Session-Id header)";
        };
    }

    /** Passes everything through until an error status is set; from then on writes only our body. */
    private static final class Guarded extends HttpServletResponseWrapper {
        private boolean replaced;

        Guarded(HttpServletResponse response) {
            super(response);
        }

        void replace(int status) throws IOException {
            if (replaced) {
                return;
            }
            replaced = true;
            if (status >= 500) {
                log.warn("the MCP servlet answered HTTP {}; answered -32603 without its details", status);
            }
            HttpServletResponse real = (HttpServletResponse) getResponse();
            if (!real.isCommitted()) {
                JsonRpcErrors.write(real, status, codeFor(status), messageFor(status), Optional.empty());
            }
        }

        @Override
        public void setStatus(int status) {
            if (status >= 400) {
                try {
                    replace(status);
                } catch (IOException e) {
                    log.debug("error answer not written (client gone): {}", e.getMessage());
                }
            } else if (!replaced) {
                super.setStatus(status);
            }
        }

        @Override
        public void sendError(int status, String message) throws IOException {
            replace(status);
        }

        @Override
        public void sendError(int status) throws IOException {
            replace(status);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            return replaced ? DISCARD : super.getOutputStream();
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            return replaced ? new PrintWriter(Writer.nullWriter()) : super.getWriter();
        }

        @Override
        public void setContentType(String type) {
            if (!replaced) {
                super.setContentType(type);
            }
        }

        @Override
        public void setCharacterEncoding(String charset) {
            if (!replaced) {
                super.setCharacterEncoding(charset);
            }
        }
    }

    private static final ServletOutputStream DISCARD = new ServletOutputStream() {
        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            try {
                listener.onWritePossible(); // always ready: nothing to wait for
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    };
}
