package io.mcpca.app.observe;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The {@code host:port} a worker advertises for its actuator: the advertised host when configured, else the
 * address the server binds, else (bound to every interface, or to nothing in particular) this machine's address,
 * which is what another container on the same network reaches.
 */
public final class MetricsAddress {

    private MetricsAddress() {
    }

    public static String of(String advertisedHost, String serverAddress, int port) {
        String host = !advertisedHost.isBlank() ? advertisedHost
                : isWildcard(serverAddress) ? localAddress() : serverAddress.trim();
        return (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
    }

    static boolean isWildcard(String address) {
        if (address == null || address.isBlank()) {
            return true;
        }
        try {
            return InetAddress.getByName(address.trim()).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String localAddress() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }
}
