package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisInfoExporterTest {

    /** An excerpt of a real Redis 7.0 INFO answer: CRLF lines, sections, values holding colons, an empty value. */
    private static final String INFO = "# Server\r\n"
            + "redis_version:7.0.15\r\n"
            + "executable:/usr/bin/redis-server\r\n"
            + "config_file:\r\n"
            + "\r\n"
            + "# Clients\r\n"
            + "connected_clients:7\r\n"
            + "\r\n"
            + "# Memory\r\n"
            + "used_memory:1054528\r\n"
            + "maxmemory:0\r\n"
            + "maxmemory_human:0B\r\n"
            + "\r\n"
            + "# Stats\r\n"
            + "instantaneous_ops_per_sec:1234\r\n"
            + "evicted_keys:3\r\n"
            + "\r\n"
            + "# Replication\r\n"
            + "role:master\r\n"
            + "master_replid:3d9a1c1e2f\r\n"
            + "# Keyspace\r\n"
            + "db0:keys=12,expires=10,avg_ttl=3599000\r\n";

    @Test
    void parsesNamesAndValuesAcrossSections() {
        Map<String, String> fields = RedisInfoExporter.parse(INFO);
        assertThat(fields).containsEntry("used_memory", "1054528")
                .containsEntry("maxmemory", "0")
                .containsEntry("connected_clients", "7")
                .containsEntry("instantaneous_ops_per_sec", "1234")
                .containsEntry("evicted_keys", "3")
                .containsEntry("role", "master");
    }

    @Test
    void keepsColonsInsideValuesAndEmptyValues() {
        Map<String, String> fields = RedisInfoExporter.parse(INFO);
        assertThat(fields).containsEntry("executable", "/usr/bin/redis-server")
                .containsEntry("db0", "keys=12,expires=10,avg_ttl=3599000")
                .containsEntry("config_file", "");
    }

    @Test
    void skipsSectionHeadersAndBlankLinesAndAcceptsLf() {
        Map<String, String> fields = RedisInfoExporter.parse("# Memory\n\nused_memory:42\nrole:slave\n");
        assertThat(fields).hasSize(2).containsEntry("used_memory", "42").containsEntry("role", "slave");
        assertThat(fields.keySet()).noneMatch(k -> k.startsWith("#"));
    }

    @Test
    void anEmptyAnswerHasNoFields() {
        assertThat(RedisInfoExporter.parse("")).isEmpty();
    }
}
