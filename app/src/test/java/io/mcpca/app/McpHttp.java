package io.mcpca.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Raw MCP over HTTP for tests that send what a real client never would: one keep-alive
 * {@link HttpClient}, and a bare socket for the headers it refuses to set ({@code Host}).
 */
final class McpHttp {

    static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    static final String INITIALIZED = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    McpHttp(String url) {
        this.url = url;
    }

    HttpResponse<String> post(byte[] body, String session) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/mcp"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body, String session) throws IOException, InterruptedException {
        return post(body.getBytes(StandardCharsets.UTF_8), session);
    }

    /** A new initialized session's id. */
    String openSession() throws IOException, InterruptedException {
        HttpResponse<String> opened = post(INITIALIZE, null);
        if (opened.statusCode() != 200) {
            throw new IllegalStateException("initialize answered " + opened.statusCode() + ": " + opened.body());
        }
        String session = opened.headers().firstValue("Mcp-Session-Id").orElseThrow();
        post(INITIALIZED, session);
        return session;
    }

    /** The status line and body of one request sent on a bare socket, with the given extra header lines. */
    static String[] raw(int port, String method, String headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = method + " /mcp HTTP/1.1\r\n" + headers
                    + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                    + "MCP-Protocol-Version: 2025-06-18\r\nConnection: close\r\n"
                    + (method.equals("POST") ? "Content-Length: " + bytes.length + "\r\n" : "") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder response = new StringBuilder();
            byte[] buffer = new byte[8192];
            int n;
            // an accepted SSE GET stays open: the status line and headers are enough
            while ((n = readSome(in, buffer)) > 0) {
                response.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (response.indexOf("\r\n\r\n") > 0 && response.toString().startsWith("HTTP/1.1 200")) {
                    break;
                }
            }
            String text = response.toString();
            int split = text.indexOf("\r\n\r\n");
            return new String[] {text.substring(0, text.indexOf("\r\n")), split < 0 ? "" : text.substring(split + 4)};
        }
    }

    private static int readSome(InputStream in, byte[] buffer) throws IOException {
        try {
            return in.read(buffer);
        } catch (java.net.SocketTimeoutException e) {
            return -1;
        }
    }
}
